//! One custom form field as a labelled control, named `fields[NAME][i]` for the server function.

use leptos::prelude::*;

use crate::domain::form::{FieldDef, FieldKind};
use crate::ui::uploads::AttachmentPicker;

/// `values`: the current inputs, to edit a value already given; `staff`: filled by staff (their
/// required flags apply).
#[component]
pub fn CustomField(
    def: FieldDef,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] values: Vec<String>,
    #[prop(optional)] staff: bool,
) -> impl IntoView {
    let id = format!("custom-{}", def.name);
    let input_name = format!("fields[{}][0]", def.name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let required = if staff {
        def.agent_required
    } else {
        def.customer_required
    };
    let first = values.first().cloned().unwrap_or_default();
    let has_hint = !def.hint.is_empty();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let control = match def.kind {
        // The value as a property, never as the element's text: server rendering writes a
        // textarea's text unescaped, so a value with "</textarea>" in it would end the element.
        FieldKind::LongText => view! {
            <textarea id=id.clone() name=input_name rows="4" required=required aria-invalid=invalid aria-describedby=described_by.clone()
                prop:value=first.clone()></textarea>
        }
        .into_any(),
        FieldKind::Checkbox => view! {
            <input id=id.clone() name=input_name type="checkbox" value="on" checked=!values.is_empty() required=required aria-invalid=invalid aria-describedby=described_by.clone() />
        }
        .into_any(),
        FieldKind::SingleChoice => view! {
            <select id=id.clone() name=input_name required=required aria-invalid=invalid aria-describedby=described_by.clone()>
                <option value="">"Choose…"</option>
                {def.choices.iter().map(|c| view! { <option value=c.value.clone() selected=c.value == first>{c.label.clone()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        FieldKind::MultipleChoice => {
            let name = def.name.clone();
            view! {
                <div class="choices" role="group" aria-labelledby=format!("{id}-label") aria-describedby=described_by.clone()>
                    {def
                        .choices
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let (choice_id, label_for) = (format!("{id}-{i}"), format!("{id}-{i}"));
                            view! {
                                <label class="choice" for=label_for>
                                    <input id=choice_id type="checkbox" name=format!("fields[{name}][{i}]") value=c.value.clone()
                                        checked=values.contains(&c.value) />
                                    {c.label.clone()}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            }
            .into_any()
        }
        FieldKind::File => {
            return view! {
                <AttachmentPicker name=format!("fields[{}]", def.name) label=def.label.clone() id=id.clone() optional=!required
                    hint=def.hint.clone() />
                {move || error.get().map(|message| view! { <p class="field__error" id=error_id.clone()>{message}</p> })}
            }
            .into_any();
        }
        kind => {
            let input_type = match kind {
                FieldKind::Number => "number",
                FieldKind::Date => "date",
                FieldKind::DateTime => "datetime-local",
                FieldKind::Email => "email",
                FieldKind::Phone => "tel",
                _ => "text",
            };
            view! {
                <input id=id.clone() name=input_name type=input_type value=first required=required aria-invalid=invalid aria-describedby=described_by.clone() />
            }
            .into_any()
        }
    };
    let label_for = (def.kind != FieldKind::MultipleChoice).then(|| id.clone());
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label id=format!("{id}-label") for=label_for>
                {def.label.clone()}
                {(!required).then(|| view! { <span class="muted">" (optional)"</span> })}
            </label>
            {has_hint.then(|| view! { <p class="field__hint" id=hint_id.clone()>{def.hint.clone()}</p> })}
            {control}
            {move || error.get().map(|message| view! { <p class="field__error" id=error_id.clone()>{message}</p> })}
        </div>
    }
    .into_any()
}
