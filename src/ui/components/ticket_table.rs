//! A table of tickets, each number linking to its page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::ticket::State;
use crate::server_fns::tickets::TicketSummary;

#[component]
pub fn TicketTable(tickets: Vec<TicketSummary>, #[prop(into)] empty: String) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Ticket"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Department"</th>
                        <th scope="col">"Updated (UTC)"</th>
                    </tr>
                </thead>
                <tbody>
                    {tickets
                        .into_iter()
                        .map(|t| {
                            view! {
                                <tr>
                                    <td class="nowrap">
                                        <A href=format!("/tickets/{}", t.number)>{format!("#{}", t.number)}</A>
                                    </td>
                                    <td>{t.subject}</td>
                                    <td>
                                        <span class="badge" class:badge--muted=t.state == State::Closed>{t.status}</span>
                                    </td>
                                    <td>{t.department}</td>
                                    <td class="nowrap">{t.updated_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
