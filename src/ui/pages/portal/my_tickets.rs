//! "My tickets": every ticket the customer asked for or is copied on; filtered, searched, sorted
//! and paged.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::ticket::{State, TicketOrder};
use crate::server_fns::tickets::my_tickets;
use crate::ui::components::TicketTable;

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let (filter, set_filter) = signal(Some(State::Open));
    let (search, set_search) = signal(String::new());
    let (order, set_order) = signal(TicketOrder::default());
    let (page, set_page) = signal(0u32);
    // Any change to what is listed starts again at the first page.
    let refine = move |f: &dyn Fn()| {
        f();
        set_page.set(0);
    };
    let tickets = Resource::new(
        move || (filter.get(), search.get(), order.get(), page.get()),
        |(f, s, o, p)| my_tickets(f, s, o, p),
    );
    view! {
        <Title text="My tickets" />
        <header class="page-header page-header--split">
            <h1>"My tickets"</h1>
            <A href="/tickets/new" attr:class="button button--primary">"Open a ticket"</A>
        </header>
        <div class="toolbar" role="search">
            <label for="tickets-state">"Show"</label>
            <select id="tickets-state" on:change=move |ev| {
                let value = event_target_value(&ev);
                refine(&|| set_filter.set(match value.as_str() {
                    "closed" => Some(State::Closed),
                    "all" => None,
                    _ => Some(State::Open),
                }));
            }>
                <option value="open">"Open tickets"</option>
                <option value="closed">"Closed tickets"</option>
                <option value="all">"All tickets"</option>
            </select>
            <label for="tickets-order">"Sort"</label>
            <select id="tickets-order" on:change=move |ev| {
                let value = event_target_value(&ev);
                refine(&|| set_order.set(TicketOrder::parse(&value).unwrap_or_default()));
            }>
                {TicketOrder::ALL.into_iter().map(|o| view! { <option value=o.as_str()>{o.label()}</option> }).collect_view()}
            </select>
            <label for="tickets-search">"Search tickets"</label>
            <input id="tickets-search" type="search" placeholder="Number or subject"
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    refine(&|| set_search.set(value.clone()));
                } />
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || tickets.get().map(|result| match result {
                Ok(list) => {
                    let (current, has_more) = (list.page, list.has_more);
                    view! {
                        <TicketTable tickets=list.tickets empty="No tickets match." />
                        <nav class="pager" aria-label="Pages">
                            {(current > 0).then(|| view! {
                                <button type="button" class="button" on:click=move |_| set_page.set(current - 1)>"Previous page"</button>
                            })}
                            {(current > 0 || has_more).then(|| view! { <span class="muted">{format!("Page {}", current + 1)}</span> })}
                            {has_more.then(|| view! {
                                <button type="button" class="button" on:click=move |_| set_page.set(current + 1)>"Next page"</button>
                            })}
                        </nav>
                    }.into_any()
                }
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}
