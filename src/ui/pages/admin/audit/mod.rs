//! The audit log: search by actor, object, event type, IP and dates (all in the address, so a
//! search can be shared), page back through results, export them, and verify the chains.

mod export;
mod filters;
mod verify;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::domain::audit::filter::{AuditCursor, AuditFilter};
use crate::server_fns::audit::{AuditEventView, audit_page};

use export::ExportPanel;
use filters::AuditFilters;
use verify::VerifyButton;

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            AuditFilter::from_query(
                AuditFilter::KEYS
                    .into_iter()
                    .filter_map(|k| q.get_str(k).map(|v| (k, v))),
            )
        })
    });
    // Where the shown page starts (None: the newest), and the starts of the pages before it.
    let after = RwSignal::new(None::<AuditCursor>);
    let newer = RwSignal::new(Vec::<Option<AuditCursor>>::new());
    Effect::new(move |_| {
        filter.track();
        after.set(None);
        newer.set(Vec::new());
    });
    let page = Resource::new(
        move || (filter.get(), after.get()),
        |(filter, after)| audit_page(filter, after),
    );
    let error = Signal::derive(move || page.get().and_then(Result::err));

    view! {
        <Title text="Audit log" />
        <header class="page-header page-header--split">
            <h1>"Audit log"</h1>
            <VerifyButton />
        </header>
        <AuditFilters filter error />
        <ExportPanel filter />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => {
                    let older = page.older;
                    view! {
                        <EventTable events=page.events />
                        <div class="pager">
                            {move || (!newer.with(Vec::is_empty)).then(|| view! {
                                <button type="button" class="button" on:click=move |_| {
                                    let mut stack = newer.get_untracked();
                                    after.set(stack.pop().flatten());
                                    newer.set(stack);
                                }>"Newer events"</button>
                            })}
                            {older.map(|cursor| view! {
                                <button type="button" class="button" on:click=move |_| {
                                    newer.update(|stack| stack.push(after.get_untracked()));
                                    after.set(Some(cursor.clone()));
                                }>"Older events"</button>
                            })}
                        </div>
                    }.into_any()
                }
                // Field problems are shown at the filter form.
                Err(crate::error::AppError::Invalid { .. }) => ().into_any(),
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}

/// `/admin/audit` searching for one value (a click on an actor, event type, object or address).
fn search_href(set: impl FnOnce(&mut AuditFilter)) -> String {
    let mut filter = AuditFilter::default();
    set(&mut filter);
    format!("/admin/audit?{}", filter.query_string())
}

#[component]
fn EventTable(events: Vec<AuditEventView>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="empty">"No events match this search."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table table--dense" aria-label="Audit events">
                <thead>
                    <tr>
                        <th scope="col">"When (UTC)"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Object"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"From"</th>
                    </tr>
                </thead>
                <tbody>
                    {events.into_iter().map(|e| {
                        let ticket = e.object.strip_prefix("ticket:").map(|n| format!("/agent/tickets/{n}"));
                        view! {
                            <tr>
                                <td class="nowrap">{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                <td><A href=search_href(|f| f.actor = e.actor.clone())>{e.actor.clone()}</A></td>
                                <td><A href=search_href(|f| f.action = e.action.clone())><code>{e.action.clone()}</code></A></td>
                                <td>
                                    {(!e.object.is_empty()).then(|| view! { <A href=search_href(|f| f.object = e.object.clone())>{e.object.clone()}</A> })}
                                    {ticket.map(|href| view! { " " <A href=href attr:class="muted">"open"</A> })}
                                </td>
                                <td class="wrap">{e.change}</td>
                                <td title=e.user_agent>
                                    {(!e.ip.is_empty()).then(|| view! { <A href=search_href(|f| f.ip = e.ip.clone())>{e.ip.clone()}</A> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
