//! The History tab: every audit event about this ticket (views through any channel, changes,
//! messages, downloads, merges, SLA steps) as sentences, newest first.

use leptos::prelude::*;

use crate::domain::audit::filter::AuditCursor;
use crate::server_fns::audit::ticket_history;

#[component]
pub fn TicketHistory(number: Signal<String>, changed: Signal<u64>) -> impl IntoView {
    // Where the shown page starts; None is the newest, where a live change returns to.
    let after = RwSignal::new(None::<AuditCursor>);
    let page = Resource::new(
        move || (number.get(), changed.get(), after.get()),
        |(number, _, after)| ticket_history(number, after),
    );
    Effect::new(move |_| {
        number.track();
        changed.track();
        after.set(None);
    });
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || page.get().map(|result| match result {
                    Ok(page) => {
                        let older = page.older;
                        view! {
                            <ol class="history">
                                {page.entries.into_iter().map(|e| view! {
                                    <li class="history__entry">
                                        <time datetime=e.at.to_rfc3339()>{e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</time>
                                        " "
                                        <span class="history__sentence">{e.sentence}</span>
                                        {(!e.ip.is_empty()).then(|| view! { <span class="muted">{format!(" · from {}", e.ip)}</span> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                            <div class="pager">
                                {move || after.with(Option::is_some).then(|| view! {
                                    <button type="button" class="button" on:click=move |_| after.set(None)>"Newest"</button>
                                })}
                                {older.map(|cursor| view! {
                                    <button type="button" class="button" on:click=move |_| after.set(Some(cursor.clone()))>"Older events"</button>
                                })}
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
