//! The filters' dry run: the saved filters, with the one being edited as it stands, against a
//! sample ticket or the most recent tickets; which filters match and what they would change.

use leptos::prelude::*;
use serde_json::Value;

use super::editor::Editing;
use crate::domain::editor::{Opt, Schema, SpecKind};
use crate::domain::routing::{Channel, TicketDraft};
use crate::server_fns::settings::DryRunFilters;
use crate::ui::form_data::Submitted;

/// The options the filter editor offers when a condition looks at `subject` (help topics,
/// priorities), so the sample ticket is chosen from the same lists.
fn condition_options(schema: &Schema, subject: &str) -> Vec<Opt> {
    schema
        .0
        .iter()
        .filter_map(|spec| match &spec.kind {
            SpecKind::Rows(inputs) if spec.name == "conditions" => Some(inputs),
            _ => None,
        })
        .flatten()
        .find_map(|spec| match &spec.kind {
            SpecKind::ChoiceBy { options, .. } => options
                .iter()
                .find(|(key, _)| key == subject)
                .map(|(_, list)| list.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[component]
pub fn DryRunPanel(
    schema: Schema,
    item: RwSignal<Value>,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let topics = condition_options(&schema, "topic");
    let priorities = condition_options(&schema, "priority");
    let choose = |id: &'static str, name: &'static str, label: &'static str, options: Vec<Opt>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=name>
                    <option value="">"(none)"</option>
                    {options.into_iter().map(|o| view! { <option value=o.value>{o.label}</option> }).collect_view()}
                </select>
            </div>
        }
        .into_any()
    };
    let run = ServerAction::<DryRunFilters>::new();
    let edited_key = move || editing.get_untracked().and_then(|e| e.key);
    let on_sample = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = Submitted::of(&ev) else {
            return;
        };
        let source = form.text("source");
        let sample = TicketDraft {
            channel: match source.as_str() {
                "email" => Channel::Email,
                "api" => Channel::Api,
                "alert" => Channel::Alert,
                _ => Channel::Web,
            },
            email: form.text("email"),
            name: form.text("name"),
            subject: form.text("subject"),
            body: form.text("body"),
            topic: form.value("topic"),
            source,
            priority: form.value("priority"),
            fields: Default::default(),
            headers: Vec::new(),
        };
        run.dispatch(DryRunFilters {
            sample: Some(sample),
            last: 0,
            edited_key: edited_key(),
            edited: Some(item.get_untracked()),
        });
    };
    let on_recent = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let last = Submitted::of(&ev)
            .and_then(|f| f.text("last").parse().ok())
            .unwrap_or(20);
        run.dispatch(DryRunFilters {
            sample: None,
            last,
            edited_key: edited_key(),
            edited: Some(item.get_untracked()),
        });
    };
    view! {
        <section class="dry-run" aria-labelledby="dry-run-title">
            <h3 id="dry-run-title">"Dry run"</h3>
            <p class="muted">"Runs every saved filter, with this one as it stands in the editor, without changing anything."</p>
            <form class="form-grid" on:submit=on_sample>
                <div class="field"><label for="sample-email">"Requester email"</label><input id="sample-email" name="email" type="email" /></div>
                <div class="field"><label for="sample-name">"Requester name"</label><input id="sample-name" name="name" /></div>
                <div class="field"><label for="sample-subject">"Subject"</label><input id="sample-subject" name="subject" /></div>
                <div class="field"><label for="sample-body">"Message"</label><textarea id="sample-body" name="body" rows="3"></textarea></div>
                {choose("sample-topic", "topic", "Help topic", topics)}
                {choose("sample-priority", "priority", "Priority", priorities)}
                <div class="field">
                    <label for="sample-source">"Source"</label>
                    <select id="sample-source" name="source">
                        <option value="web">"Web portal"</option>
                        <option value="email">"Email"</option>
                        <option value="api">"API"</option>
                        <option value="alert">"SIEM alert"</option>
                    </select>
                </div>
                <button type="submit" class="button">"Test the sample ticket"</button>
            </form>
            <form class="toolbar" on:submit=on_recent>
                <label for="dry-run-last">"Recent tickets"</label>
                <input id="dry-run-last" name="last" type="number" min="1" max="200" value="20" />
                <button type="submit" class="button">"Test recent tickets"</button>
            </form>
            {move || run.value().get().map(|result| match result {
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                Ok(outcome) => view! {
                    <p role="status">{format!("{} of {} ticket(s) matched.", outcome.matched, outcome.rows.len())}</p>
                    <div class="table-wrap">
                        <table class="table table--dense">
                            <caption class="visually-hidden">"Dry run results"</caption>
                            <thead><tr><th scope="col">"Ticket"</th><th scope="col">"Filters matched"</th><th scope="col">"Would change"</th></tr></thead>
                            <tbody>
                                {outcome.rows.into_iter().map(|row| view! {
                                    <tr>
                                        <td class="wrap">{row.ticket}</td>
                                        <td class="wrap">{if row.matched.is_empty() { "none".to_string() } else { row.matched.join(", ") }}</td>
                                        <td class="wrap">{row.changes.join("; ")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
        </section>
    }
}
