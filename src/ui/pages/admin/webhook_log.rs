//! The webhook delivery log: each delivery's event, state, attempts and last answer, with Replay.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::server_fns::webhooks::{ReplayWebhook, webhook_deliveries};

#[component]
pub fn WebhookLog() -> impl IntoView {
    let replay = ServerAction::<ReplayWebhook>::new();
    let log = Resource::new(move || replay.version().get(), |_| webhook_deliveries());
    view! {
        <section class="card" aria-labelledby="webhook-log-title">
            <h2 id="webhook-log-title">"Webhook deliveries"</h2>
            <p class="muted">"Endpoints and their events are set under " <A href="/admin/settings/webhooks">"Webhooks"</A>"."</p>
            {move || replay.value().get().and_then(Result::err).map(|e| view! {
                <p class="alert alert--error" role="alert">{e.to_string()}</p>
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || log.get().map(|result| match result {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">"No deliveries yet."</p> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table class="table table--dense">
                                <thead><tr>
                                    <th scope="col">"Queued (UTC)"</th><th scope="col">"Webhook"</th><th scope="col">"Event"</th>
                                    <th scope="col">"State"</th><th scope="col">"Attempts"</th><th scope="col">"Last answer"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|d| {
                                        let id = d.id.clone();
                                        let answer = match (d.last_status, d.last_error) {
                                            (_, Some(error)) => error,
                                            (Some(status), None) => status.to_string(),
                                            (None, None) => String::new(),
                                        };
                                        view! {
                                            <tr>
                                                <td class="nowrap">{d.created_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                                <td>{d.webhook}</td>
                                                <td><code>{d.event}</code></td>
                                                <td>{d.status}</td>
                                                <td>{d.attempts}</td>
                                                <td class="wrap">{answer}</td>
                                                <td><button type="button" class="button button--small"
                                                    on:click=move |_| { replay.dispatch(ReplayWebhook { id: id.clone() }); }>"Replay"</button></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="alert alert--error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
