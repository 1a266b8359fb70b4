//! A section's items: name, state and what else matters, with edit and (de)activate buttons. A
//! deactivation refused because tickets use the item offers to move them elsewhere.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::editor::Editing;
use crate::domain::config::Section;
use crate::error::AppError;
use crate::server_fns::settings::{
    ItemSummary, SetSettingsActive, SettingsSection, load_settings_item,
};
use crate::ui::form_data::Submitted;

#[component]
pub fn ItemList(
    page: SettingsSection,
    item: RwSignal<serde_json::Value>,
    editing: RwSignal<Option<Editing>>,
    toggle: ServerAction<SetSettingsActive>,
) -> impl IntoView {
    let section = page.section;
    let noun = section.noun();
    let load_error = RwSignal::new(None::<AppError>);
    // The item whose deactivation needs a replacement, once the server said so.
    let replacing = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Err(AppError::Conflict { .. })) = toggle.value().get()
            && section.offers_replacement()
            && let Some(input) = toggle.input().get_untracked()
        {
            replacing.set(Some(input.key));
        }
    });
    let blank = page.blank.clone();
    let start_new = move |_| {
        item.set(blank.clone());
        editing.set(Some(Editing { key: None }));
    };
    let edit = move |key: String| {
        spawn_local(async move {
            match load_settings_item(section, key.clone()).await {
                Ok(value) => {
                    load_error.set(None);
                    item.set(value);
                    editing.set(Some(Editing { key: Some(key) }));
                }
                Err(e) => load_error.set(Some(e)),
            }
        });
    };
    let active_items: Vec<(String, String)> = page
        .items
        .iter()
        .filter(|i| i.active)
        .map(|i| (i.key.clone(), i.name.clone()))
        .collect();
    let toggle_error = move || toggle.value().get().and_then(Result::err);
    view! {
        <section class="card settings-list" aria-labelledby="settings-list-title">
            <div class="card__header">
                <h2 id="settings-list-title">{section.title()}</h2>
                <button type="button" class="button button--primary" on:click=start_new>{format!("New {noun}")}</button>
            </div>
            {move || load_error.get().map(|e| view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> })}
            {move || toggle_error().map(|e| view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> })}
            {if page.items.is_empty() {
                view! { <p class="muted">{format!("No {noun} yet.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"State"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|row| {
                                    let others: Vec<(String, String)> = active_items.iter().filter(|(k, _)| *k != row.key).cloned().collect();
                                    item_row(section, row, others, toggle, replacing, edit)
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// One item's row: name and key, state, details, and its buttons.
fn item_row(
    section: Section,
    row: ItemSummary,
    others: Vec<(String, String)>,
    toggle: ServerAction<SetSettingsActive>,
    replacing: RwSignal<Option<String>>,
    edit: impl Fn(String) + Clone + Send + Sync + 'static,
) -> AnyView {
    let key = row.key.clone();
    let (label, active) = if row.active {
        ("Deactivate", false)
    } else {
        ("Activate", true)
    };
    let state = if row.active {
        view! { <span class="badge">"Active"</span> }.into_any()
    } else {
        view! { <span class="badge badge--muted">"Inactive"</span> }.into_any()
    };
    let edit_key = key.clone();
    let toggle_key = key.clone();
    let replace_key = key;
    view! {
        <tr>
            <td>
                {row.name.clone()}
                <div class="muted">{row.key.clone()}</div>
                {(!row.detail.is_empty()).then(|| view! { <div class="muted">{row.detail.clone()}</div> })}
            </td>
            <td>{state}</td>
            <td class="table__action">
                <button type="button" class="button button--small" aria-label=format!("Edit {}", row.name)
                    on:click=move |_| edit(edit_key.clone())>"Edit"</button>
                <button type="button" class="button button--small" aria-label=format!("{label} {}", row.name)
                    on:click=move |_| {
                        replacing.set(None);
                        toggle.dispatch(SetSettingsActive { section, key: toggle_key.clone(), active, replacement: None });
                    }>{label}</button>
                {move || (replacing.get().as_deref() == Some(replace_key.as_str()))
                    .then(|| replacement_form(section, replace_key.clone(), others.clone(), toggle))}
            </td>
        </tr>
    }
    .into_any()
}

/// Where the tickets using an item go when it is deactivated.
fn replacement_form(
    section: Section,
    key: String,
    others: Vec<(String, String)>,
    toggle: ServerAction<SetSettingsActive>,
) -> AnyView {
    let select_id = format!("replacement-{key}");
    view! {
        <form class="replacement" on:submit=move |ev| {
            ev.prevent_default();
            if let Some(form) = Submitted::of(&ev) {
                toggle.dispatch(SetSettingsActive { section, key: key.clone(), active: false, replacement: form.value("replacement") });
            }
        }>
            <label for=select_id.clone()>{format!("Move them to another {}", section.noun())}</label>
            <select id=select_id name="replacement">
                {others.into_iter().map(|(k, n)| view! { <option value=k>{n}</option> }).collect_view()}
            </select>
            <button type="submit" class="button button--small">"Move and deactivate"</button>
        </form>
    }
    .into_any()
}
