//! The portal's front page: a welcome for visitors, the account's home once signed in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::ticket::{State, TicketOrder};
use crate::server_fns::tickets::my_tickets;
use crate::ui::components::TicketTable;
use crate::ui::session::use_session;

#[component]
pub fn PortalHomePage() -> impl IntoView {
    let session = use_session();
    let signed_in = move || session.info().is_some_and(|i| i.user.is_some());
    let open_tickets = Resource::new(signed_in, |signed_in| async move {
        if signed_in {
            my_tickets(
                Some(State::Open),
                String::new(),
                TicketOrder::RecentlyUpdated,
                0,
            )
            .await
            .map(|list| list.tickets)
        } else {
            Ok(Vec::new())
        }
    });
    view! {
        <Title text="Help center" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                session
                    .info()
                    .map(|info| match info.user {
                        Some(user) => view! {
                            <section class="hero" aria-labelledby="home-title">
                                <h1 id="home-title">{format!("Welcome, {}", user.name)}</h1>
                                <p class="lead">"Open a ticket, follow its progress and reply, all in one place."</p>
                            </section>
                            <section class="card" aria-labelledby="requests-title">
                                <header class="page-header page-header--split">
                                    <h2 id="requests-title">"Your open tickets"</h2>
                                    <div class="actions">
                                        <A href="/tickets/new" attr:class="button button--primary">"Open a ticket"</A>
                                        <A href="/tickets" attr:class="button">"All my tickets"</A>
                                    </div>
                                </header>
                                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                                    {move || open_tickets.get().map(|result| match result {
                                        Ok(list) => view! { <TicketTable tickets=list empty="You have no open tickets." /> }.into_any(),
                                        Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                                    })}
                                </Transition>
                            </section>
                            <section class="card" aria-labelledby="account-title">
                                <h2 id="account-title">"Your account"</h2>
                                <dl class="facts">
                                    <dt>"Name"</dt>
                                    <dd>{user.name.clone()}</dd>
                                    <dt>"Email"</dt>
                                    <dd>{user.email.clone()}</dd>
                                    <dt>"Role"</dt>
                                    <dd>{user.role.label()}</dd>
                                </dl>
                            </section>
                        }
                            .into_any(),
                        None => view! {
                            <section class="hero" aria-labelledby="home-title">
                                <h1 id="home-title">"How can we help?"</h1>
                                <p class="lead">"Sign in to open a request and follow its progress, or create an account if you are new here."</p>
                                <div class="actions">
                                    <A href="/sign-in" attr:class="button button--primary">"Sign in"</A>
                                    {info
                                        .registration_open
                                        .then(|| view! { <A href="/sign-up" attr:class="button">"Create an account"</A> })}
                                    <A href="/status" attr:class="button button--quiet">"Check a ticket's status"</A>
                                </div>
                                {info.setup_pending.then(|| view! {
                                    <p class="alert alert--info" role="status">
                                        "Docket is not set up yet: the operator's console shows a one-time setup link."
                                    </p>
                                })}
                            </section>
                        }
                            .into_any(),
                    })
            }}
        </Suspense>
    }
}
