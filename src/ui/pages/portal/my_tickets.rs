//! "My tickets": every ticket the customer asked for or is copied on, filtered and searched.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::ticket::State;
use crate::server_fns::tickets::my_tickets;
use crate::ui::components::TicketTable;

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let (filter, set_filter) = signal(Some(State::Open));
    let (search, set_search) = signal(String::new());
    let tickets = Resource::new(
        move || (filter.get(), search.get()),
        |(f, s)| my_tickets(f, s),
    );
    view! {
        <Title text="My tickets" />
        <header class="page-header page-header--split">
            <h1>"My tickets"</h1>
            <A href="/tickets/new" attr:class="button button--primary">"Open a ticket"</A>
        </header>
        <div class="toolbar" role="search">
            <label for="tickets-state">"Show"</label>
            <select id="tickets-state" on:change=move |ev| set_filter.set(match event_target_value(&ev).as_str() {
                "closed" => Some(State::Closed),
                "all" => None,
                _ => Some(State::Open),
            })>
                <option value="open">"Open tickets"</option>
                <option value="closed">"Closed tickets"</option>
                <option value="all">"All tickets"</option>
            </select>
            <label for="tickets-search">"Search tickets"</label>
            <input id="tickets-search" type="search" placeholder="Number or subject"
                on:input=move |ev| set_search.set(event_target_value(&ev)) />
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || tickets.get().map(|result| match result {
                Ok(list) => view! { <TicketTable tickets=list empty="No tickets match." /> }.into_any(),
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}
