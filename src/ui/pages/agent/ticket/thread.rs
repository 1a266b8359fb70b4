//! The full thread as staff read it: messages, replies, internal notes (marked), system events,
//! and entries from tickets merged into this one.

use leptos::prelude::*;

use crate::domain::ticket::{EntryKind, ThreadEntry};
use crate::ui::components::AttachmentList;

#[component]
pub fn AgentThread(entries: Vec<ThreadEntry>, number: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="thread-title">
            <h2 id="thread-title">"Thread"</h2>
            <ol class="thread">
                {entries.into_iter().map(|entry| {
                    let (class, label) = match entry.kind {
                        EntryKind::CustomerMessage => ("thread__entry", "Customer"),
                        EntryKind::AgentReply => ("thread__entry thread__entry--reply", "Reply"),
                        EntryKind::InternalNote => ("thread__entry thread__entry--note", "Internal note"),
                        EntryKind::SystemEvent => ("thread__entry thread__entry--event", "Event"),
                        EntryKind::StaffEvent => ("thread__entry thread__entry--event thread__entry--staff", "Staff event"),
                    };
                    let merged = (entry.ticket != number).then(|| format!(" · from #{}", entry.ticket));
                    view! {
                        <li class=class aria-label=label>
                            <p class="thread__meta">
                                <span class="thread__kind">{label}</span>
                                " · "
                                <strong>{entry.author_name}</strong>
                                " · "
                                <time datetime=entry.at.to_rfc3339()>{entry.at.format("%Y-%m-%d %H:%M UTC").to_string()}</time>
                                {merged}
                            </p>
                            {entry.via.map(|via| view! { <p class="thread__via">{format!("By email, {via}")}</p> })}
                            {match entry.rich {
                                // Sanitised when it arrived (scripts, handlers and styles removed).
                                Some(html) => view! { <div class="thread__body thread__body--rich" inner_html=html></div> }.into_any(),
                                None => view! { <p class="thread__body">{entry.body}</p> }.into_any(),
                            }}
                            <AttachmentList attachments=entry.attachments files_at="/files" />
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}
