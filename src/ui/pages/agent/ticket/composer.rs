//! Replying to the customer or writing an internal note, with canned responses, attachments and
//! an optional status change; keys r and n jump here. The draft survives live refreshes.

use leptos::prelude::*;

use crate::domain::canned::{CannedVars, render};
use crate::domain::live::Activity;
use crate::error::AppError;
use crate::server_fns::agent_queue::Workspace;
use crate::server_fns::agent_ticket::{PostKind, PostToTicket};
use crate::ui::components::FormAlert;
use crate::ui::keyboard::typing_in_a_field;
use crate::ui::uploads::AttachmentPicker;

use super::presence::announce;

/// Seconds without a keystroke after which "typing" turns back into "viewing".
const TYPING_IDLE_MS: u32 = 5_000;

#[component]
pub fn Composer(
    number: Signal<String>,
    version: RwSignal<u64>,
    /// The ticket's subject and requester's name, for canned responses.
    subject: Signal<String>,
    requester: Signal<String>,
    /// The ticket's department: canned responses for it and for everyone are offered.
    department: Signal<String>,
    /// Whether the agent's role here allows replying to the customer (notes are always allowed).
    may_reply: Signal<bool>,
    /// This page's tab id, for presence.
    tab: StoredValue<String>,
    workspace: Resource<Result<Workspace, AppError>>,
) -> impl IntoView {
    let post = ServerAction::<PostToTicket>::new();
    let kind = RwSignal::new(PostKind::Reply);
    Effect::new(move |_| {
        if !may_reply.get() {
            kind.set(PostKind::Note);
        }
    });
    let draft = RwSignal::new(String::new());
    let sent = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = post.value().get() {
            draft.set(String::new());
            sent.update(|s| *s += 1);
        }
    });
    let error = Signal::derive(move || post.value().get().and_then(Result::err));
    let message_error = move || error.get().and_then(|e| e.field_message("message"));

    // Typing presence: announced once per burst, back to viewing after a pause.
    let typing = StoredValue::new(false);
    // Each keystroke starts a new pause; only the latest one's timer may end the burst.
    let keystrokes = StoredValue::new(0u64);
    let on_type = move || {
        if !typing.get_value() {
            typing.set_value(true);
            announce(number.get_untracked(), tab.get_value(), Activity::Typing);
        }
        keystrokes.update_value(|k| *k += 1);
        let this = keystrokes.get_value();
        gloo_timers::callback::Timeout::new(TYPING_IDLE_MS, move || {
            if keystrokes.try_get_value() == Some(this) {
                typing.set_value(false);
                announce(number.get_untracked(), tab.get_value(), Activity::Viewing);
            }
        })
        .forget();
    };

    let focus = move |wanted: PostKind| {
        kind.set(wanted);
        if let Some(el) = document().get_element_by_id("composer-message") {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing_in_a_field(&ev) {
            return;
        }
        match ev.key().as_str() {
            "r" if may_reply.get_untracked() => focus(PostKind::Reply),
            "n" => focus(PostKind::Note),
            "a" => {
                if let Some(el) = document().get_element_by_id("prop-assignee") {
                    use leptos::wasm_bindgen::JsCast;
                    if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || handle.remove());

    let insert_canned = move |key: String| {
        let Some(Ok(ws)) = workspace.get_untracked() else {
            return;
        };
        let Some(canned) = ws.canned.iter().find(|c| c.key == key) else {
            return;
        };
        let (subject, requester) = (subject.get_untracked(), requester.get_untracked());
        let text = render(
            &canned.body,
            &CannedVars {
                ticket_number: &number.get_untracked(),
                ticket_subject: &subject,
                requester_name: &requester,
                agent_name: &ws.me.name,
            },
        );
        draft.update(|d| {
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&text);
        });
    };

    view! {
        <section class="card composer" class:composer--note=move || kind.get() == PostKind::Note aria-labelledby="composer-title">
            <h2 id="composer-title">{move || if kind.get() == PostKind::Note { "Internal note" } else { "Reply to the customer" }}</h2>
            <div class="tabs" role="radiogroup" aria-label="Write">
                <label class="check"><input type="radio" name="composer-kind" disabled=move || !may_reply.get() prop:checked=move || kind.get() == PostKind::Reply on:change=move |_| kind.set(PostKind::Reply) />" Reply"</label>
                <label class="check"><input type="radio" name="composer-kind" prop:checked=move || kind.get() == PostKind::Note on:change=move |_| kind.set(PostKind::Note) />" Internal note"</label>
            </div>
            <FormAlert error fields=&["message", "attachments", "status", "resolution"] />
            {move || {
                sent.track();
                view! {
                    <ActionForm action=post>
                        <input type="hidden" name="number" prop:value=move || number.get() />
                        <input type="hidden" name="version" prop:value=move || version.get().to_string() />
                        <input type="hidden" name="kind" prop:value=move || if kind.get() == PostKind::Note { "note" } else { "reply" } />
                        <Transition fallback=|| ()>
                            {move || workspace.get().and_then(Result::ok).map(|ws| view! {
                                <div class="field">
                                    <label for="composer-canned">"Canned response"</label>
                                    <select id="composer-canned" on:change=move |ev| {
                                        let key = event_target_value(&ev);
                                        if !key.is_empty() { insert_canned(key); }
                                    }>
                                        <option value="">"Insert a canned response…"</option>
                                        {ws.canned.into_iter().filter(|c| c.offered_in(&department.get())).map(|c| view! { <option value=c.key>{c.title}</option> }).collect_view()}
                                    </select>
                                </div>
                            })}
                        </Transition>
                        <div class="field" class:field--invalid=move || message_error().is_some()>
                            <label for="composer-message">{move || if kind.get() == PostKind::Note { "Note (staff only)" } else { "Message to the customer" }}</label>
                            <textarea id="composer-message" name="message" rows="6"
                                prop:value=move || draft.get()
                                on:input=move |ev| { draft.set(event_target_value(&ev)); on_type(); }
                                aria-invalid=move || message_error().is_some().then_some("true")></textarea>
                            {move || message_error().map(|m| view! { <p class="field__error">{m}</p> })}
                        </div>
                        <AttachmentPicker />
                        <Transition fallback=|| ()>
                            {move || workspace.get().and_then(Result::ok).map(|ws| view! {
                                <div class="field">
                                    <label for="composer-status">"And set the status to"</label>
                                    <select id="composer-status" name="status">
                                        <option value="">"(leave as it is)"</option>
                                        {ws.statuses.into_iter().map(|s| view! { <option value=s.key>{s.name}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="composer-resolution">"Resolution, when that closes it"</label>
                                    <select id="composer-resolution" name="resolution">
                                        <option value="">"(not classified)"</option>
                                        {ws.resolutions.into_iter().map(|c| view! { <option value=c.key>{c.name}</option> }).collect_view()}
                                    </select>
                                    <p class="field__hint">"Required to close a ticket a SIEM alert opened."</p>
                                </div>
                            })}
                        </Transition>
                        <button type="submit" class="button button--primary" disabled=move || post.pending().get()>
                            {move || if kind.get() == PostKind::Note { "Add note" } else { "Send reply" }}
                        </button>
                    </ActionForm>
                }
            }}
        </section>
    }
    .into_any()
}
