//! A ticket as customers read it: its facts and its conversation.

use leptos::prelude::*;

use crate::domain::ticket::EntryKind;
use crate::server_fns::tickets::CustomerTicket;
use crate::ui::components::AttachmentList;

#[component]
/// `files_at`: where attachments are fetched from (`/files` with a session, or a guest link's own
/// `/guest/TOKEN/files`).
pub fn TicketFacts(ticket: CustomerTicket, #[prop(into)] files_at: String) -> impl IntoView {
    view! {
        <section class="card" aria-label="Details">
            <dl class="facts">
                <dt>"Status"</dt>
                <dd>{ticket.summary.status}</dd>
                <dt>"Priority"</dt>
                <dd>{ticket.summary.priority}</dd>
                <dt>"Department"</dt>
                <dd>{ticket.summary.department}</dd>
                {ticket.help_topic.map(|t| view! { <dt>"Help topic"</dt><dd>{t}</dd> })}
                {ticket.team.map(|t| view! { <dt>"Team"</dt><dd>{t}</dd> })}
                <dt>"Opened (UTC)"</dt>
                <dd>{ticket.created_at.format("%Y-%m-%d %H:%M").to_string()}</dd>
                {ticket.fields.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
        </section>
        <section class="card" aria-labelledby="thread-title">
            <h2 id="thread-title">"Conversation"</h2>
            <ol class="thread">
                {ticket
                    .thread
                    .into_iter()
                    .map(|entry| {
                        let event = entry.kind == EntryKind::SystemEvent;
                        view! {
                            <li class="thread__entry" class:thread__entry--event=event>
                                <p class="thread__meta">
                                    <strong>{entry.author_name}</strong>
                                    " · "
                                    <time datetime=entry.at.to_rfc3339()>{entry.at.format("%Y-%m-%d %H:%M UTC").to_string()}</time>
                                </p>
                                {match entry.rich {
                                    // Sanitised when it arrived (scripts, handlers and styles removed).
                                    Some(html) => view! { <div class="thread__body thread__body--rich" inner_html=html></div> }.into_any(),
                                    None => view! { <p class="thread__body">{entry.body}</p> }.into_any(),
                                }}
                                <AttachmentList attachments=entry.attachments files_at=files_at.clone() />
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
