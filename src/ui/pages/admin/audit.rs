//! The audit log: newest events first, older pages on demand, and a chain verification.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::server_fns::audit::{VerifyAudit, audit_page};

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let (before, set_before) = signal(None::<DateTime<Utc>>);
    let page = Resource::new(move || before.get(), audit_page);
    let verify = ServerAction::<VerifyAudit>::new();

    view! {
        <Title text="Audit log" />
        <header class="page-header page-header--split">
            <h1>"Audit log"</h1>
            <button type="button" class="button" on:click=move |_| { verify.dispatch(VerifyAudit {}); }
                disabled=move || verify.pending().get()>
                "Verify chain"
            </button>
        </header>
        {move || verify.value().get().map(|result| match result {
            Ok(v) if v.breaks.is_empty() => view! {
                <p class="alert alert--success" role="status">{format!("The audit chain is intact: {} events verified.", v.events)}</p>
            }.into_any(),
            Ok(v) => view! {
                <div class="alert alert--error" role="alert">
                    <p>{format!("The audit chain is broken ({} events verified):", v.events)}</p>
                    <ul>{v.breaks.iter().map(|b| view! { <li>{b.to_string()}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <p class="alert alert--error" role="alert">{e.to_string()}</p> }.into_any(),
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => {
                    let older = page.older;
                    view! {
                        <div class="table-wrap">
                            <table class="table table--dense">
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
                                    {page.events.into_iter().map(|e| view! {
                                        <tr>
                                            <td class="nowrap">{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                            <td>{e.actor}</td>
                                            <td><code>{e.action}</code></td>
                                            <td>{e.object}</td>
                                            <td class="wrap">{e.change}</td>
                                            <td title=e.user_agent>{e.ip}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <div class="pager">
                            {move || before.get().is_some().then(|| view! {
                                <button type="button" class="button" on:click=move |_| set_before.set(None)>"Newest"</button>
                            })}
                            {older.map(|at| view! {
                                <button type="button" class="button" on:click=move |_| set_before.set(Some(at))>"Older events"</button>
                            })}
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}
