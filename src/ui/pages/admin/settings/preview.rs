//! What customers will see of the form being built: its fields as the portal renders them.

use leptos::prelude::*;
use serde_json::Value;

use crate::domain::form::{Audience, FieldDef};
use crate::ui::components::CustomField;

#[component]
pub fn FormPreview(item: RwSignal<Value>) -> impl IntoView {
    // Fields still being typed may not parse yet; they are left out until they do.
    let fields = Memo::new(move |_| {
        item.with(|v| {
            v.get("fields")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|f| serde_json::from_value::<FieldDef>(f.clone()).ok())
                        .filter(|f| !f.name.is_empty() && f.applies_to(Audience::Customer))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <section class="form-preview" aria-labelledby="form-preview-title">
            <h3 id="form-preview-title">"Customer form preview"</h3>
            <fieldset disabled=true>
                {move || {
                    let list = fields.get();
                    if list.is_empty() {
                        view! { <p class="muted">"Customers see no fields of this form."</p> }.into_any()
                    } else {
                        list.into_iter()
                            .map(|def| view! { <CustomField def error=Signal::derive(|| None::<String>) /> })
                            .collect_view()
                            .into_any()
                    }
                }}
            </fieldset>
        </section>
    }
}
