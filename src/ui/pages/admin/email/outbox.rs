//! The outbox table: each message's state, attempts and last error; dead letters can be sent again.

use leptos::prelude::*;

use crate::server_fns::email::{OutboxMessage, ResendMail};

#[component]
pub fn OutboxTable(messages: Vec<OutboxMessage>, on_change: Callback<()>) -> impl IntoView {
    let resend = ServerAction::<ResendMail>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = resend.value().get() {
            on_change.run(());
        }
    });
    if messages.is_empty() {
        return view! { <p class="muted">"No messages."</p> }.into_any();
    }
    view! {
        {move || resend.value().get().and_then(Result::err).map(|e| view! {
            <p class="alert alert--error" role="alert">{e.to_string()}</p>
        })}
        <div class="table-wrap">
            <table class="table table--dense">
                <thead>
                    <tr>
                        <th scope="col">"Queued (UTC)"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"To"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Last error"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {messages.into_iter().map(|m| {
                        let id = m.id.clone();
                        let state = match m.status.as_str() {
                            "sent" => format!("sent {}", m.sent_at.map(|t| t.format("%H:%M:%S").to_string()).unwrap_or_default()),
                            "queued" if m.attempts > 0 => format!("retry at {}", m.next_at.format("%H:%M:%S")),
                            "queued" => "queued".to_string(),
                            _ => "dead letter".to_string(),
                        };
                        let dead = m.status == "dead";
                        view! {
                            <tr class=format!("outbox-row outbox-row--{}", m.status)>
                                <td class="nowrap">{m.created_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                <td class="nowrap">{state}</td>
                                <td>{m.template}</td>
                                <td>{m.recipients}</td>
                                <td class="wrap">
                                    {m.subject}
                                    {m.ticket.map(|n| view! { " " <a href=format!("/agent/tickets/{n}")>{format!("#{n}")}</a> })}
                                </td>
                                <td>{m.attempts}</td>
                                <td class="wrap">{m.last_error.unwrap_or_default()}</td>
                                <td>
                                    {dead.then(|| view! {
                                        <button type="button" class="button button--small"
                                            disabled=move || resend.pending().get()
                                            on:click=move |_| { resend.dispatch(ResendMail { id: id.clone() }); }>
                                            "Resend"
                                        </button>
                                    })}
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
