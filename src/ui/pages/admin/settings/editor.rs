//! The editor of one settings item: the section's schema as a form over the item's JSON, with
//! save, per-input errors, a new API key's secret shown once, and the section's extras (the
//! forms' customer preview, the filters' dry run).

use leptos::prelude::*;
use serde_json::Value;

use super::dry_run::DryRunPanel;
use super::preview::FormPreview;
use super::template_preview::TemplatePreview;
use crate::domain::config::Section;
use crate::error::AppError;
use crate::server_fns::settings::{SaveSettingsItem, SettingsSection};
use crate::ui::components::SchemaForm;

/// Which item the editor holds: an existing one by key, or a new one.
#[derive(Clone, Debug, PartialEq)]
pub struct Editing {
    pub key: Option<String>,
}

#[component]
pub fn ItemEditor(
    page: SettingsSection,
    item: RwSignal<Value>,
    editing: RwSignal<Option<Editing>>,
    save: ServerAction<SaveSettingsItem>,
) -> impl IntoView {
    let section = page.section;
    let schema = page.schema.clone();
    // A new item, once saved, is edited under its new key.
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get()
            && editing.get_untracked().is_some_and(|e| e.key.is_none())
        {
            editing.set(Some(Editing {
                key: Some(saved.key),
            }));
        }
    });
    let errors = Signal::derive(move || match save.value().get() {
        Some(Err(AppError::Invalid { fields })) => fields,
        _ => Vec::new(),
    });
    let alert = move || {
        save.value().get().map(|result| match result {
            Ok(saved) => match saved.secret {
                Some(secret) => view! {
                    <div class="alert alert--success" role="status">
                        <p>"API key created. Copy it now: it is shown only this once."</p>
                        <p><code class="secret" aria-label="New API key">{secret}</code></p>
                    </div>
                }
                .into_any(),
                None => view! { <p class="alert alert--success" role="status">"Saved. It applies from the next request."</p> }.into_any(),
            },
            Err(AppError::Invalid { fields }) => view! {
                <div class="alert alert--error" role="alert">
                    <p>"Please correct these and save again:"</p>
                    <ul>{fields.into_iter().map(|f| view! { <li>{f.message}</li> }).collect_view()}</ul>
                </div>
            }
            .into_any(),
            Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
        })
    };
    let title = move || match editing.get() {
        Some(Editing { key: None }) => format!("New {}", section.noun()),
        _ if section.is_single() => "General settings".to_string(),
        Some(Editing { key: Some(key) }) => format!("Edit {} “{key}”", section.noun()),
        None => String::new(),
    };
    view! {
        {move || editing.get().map(|current| {
            let schema = schema.clone();
            let filter_schema = schema.clone();
            view! {
                <section class="card settings-editor" aria-labelledby="settings-editor-title">
                    <h2 id="settings-editor-title">{title}</h2>
                    {alert}
                    <form on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch(SaveSettingsItem { section, key: current.key.clone(), item: item.get_untracked() });
                    }>
                        <SchemaForm schema value=item errors />
                        <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                            {format!("Save {}", section.noun())}
                        </button>
                    </form>
                    {match section {
                        Section::Forms => view! { <FormPreview item /> }.into_any(),
                        Section::EmailTemplates => view! { <TemplatePreview item /> }.into_any(),
                        Section::Filters => view! { <DryRunPanel schema=filter_schema item editing /> }.into_any(),
                        _ => ().into_any(),
                    }}
                </section>
            }
            .into_any()
        })}
    }
}
