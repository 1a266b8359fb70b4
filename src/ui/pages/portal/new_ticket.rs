//! Opening a ticket: choose a help topic, and the form shows that topic's fields.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::server_fns::tickets::{OpenTicket, help_topics};
use crate::ui::components::{CustomField, Field, FormAlert};
use crate::ui::uploads::AttachmentPicker;

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let topics = Resource::new(|| (), |_| help_topics());
    // The topic chosen on this page; until then the help desk's default topic (if any).
    let (topic, set_topic) = signal(None::<String>);
    let action = ServerAction::<OpenTicket>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = move |name: String| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(&name)))
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(number)) = action.value().get() {
            navigate(&format!("/tickets/{number}?created=1"), Default::default());
        }
    });

    view! {
        <Title text="Open a ticket" />
        <section class="card" aria-labelledby="new-ticket-title">
            <h1 id="new-ticket-title">"Open a ticket"</h1>
            <p class="lead">"Tell us what you need. Fields marked optional can be left empty."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || topics.get().map(|result| match result {
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(list) => {
                        let preselected = list.iter().find(|t| t.preselected).map(|t| t.key.clone()).unwrap_or_default();
                        let list = StoredValue::new(list);
                        view! {
                            <FormAlert error fields=&["topic", "subject", "message", "field.*", "attachments", "cc"] />
                            // The server checks every field and explains each problem in place.
                            <ActionForm action attr:novalidate=true>
                                <div class="field" class:field--invalid=move || field("topic".into()).get().is_some()>
                                    <label for="field-topic">"Help topic"</label>
                                    <select id="field-topic" name="topic" required=true
                                        on:change=move |ev| set_topic.set(Some(event_target_value(&ev)))>
                                        <option value="">"Choose a topic…"</option>
                                        {list.read_value().iter().map(|t| view! { <option value=t.key.clone() selected=t.preselected>{t.name.clone()}</option> }).collect_view()}
                                    </select>
                                    {move || field("topic".into()).get().map(|m| view! { <p class="field__error">{m}</p> })}
                                </div>
                                <Field label="Subject" name="subject" error=field("subject".into()) />
                                <div class="field" class:field--invalid=move || field("message".into()).get().is_some()>
                                    <label for="field-message">"Message"</label>
                                    <textarea id="field-message" name="message" rows="6" required=true
                                        aria-invalid=move || field("message".into()).get().is_some().then_some("true")></textarea>
                                    {move || field("message".into()).get().map(|m| view! { <p class="field__error">{m}</p> })}
                                </div>
                                {move || {
                                    let key = topic.get().unwrap_or_else(|| preselected.clone());
                                    list.read_value()
                                        .iter()
                                        .find(|t| t.key == key)
                                        .map(|t| {
                                            t.fields
                                                .iter()
                                                .cloned()
                                                .map(|def| {
                                                    let error = field(format!("field.{}", def.name));
                                                    view! { <CustomField def error /> }
                                                })
                                                .collect_view()
                                        })
                                }}
                                <Field label="CC (optional)" name="cc" required=false
                                    hint="Email addresses of colleagues with an account here who should follow this ticket."
                                    error=field("cc".into()) />
                                <AttachmentPicker />
                                {move || field("attachments".into()).get().map(|m| view! { <p class="field__error">{m}</p> })}
                                <button type="submit" class="button button--primary" disabled=move || action.pending().get()>
                                    {move || if action.pending().get() { "Sending…" } else { "Open ticket" }}
                                </button>
                            </ActionForm>
                        }
                        .into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
