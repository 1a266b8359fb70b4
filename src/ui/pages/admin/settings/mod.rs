//! One settings section (`/admin/settings/:section`): its items with their state, and the editor
//! for a new or chosen item; the filters' dry run and the forms' customer preview beside it.

mod dry_run;
mod editor;
mod item_list;
mod preview;
mod template_preview;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

use crate::domain::config::Section;
use crate::server_fns::settings::{SaveSettingsItem, SetSettingsActive, load_settings_section};
use editor::{Editing, ItemEditor};
use item_list::ItemList;

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let params = use_params_map();
    let section =
        Memo::new(move |_| params.with(|p| p.get("section").and_then(|s| Section::parse(&s))));
    move || match section.get() {
        Some(section) => view! { <SectionPage section /> }.into_any(),
        None => view! {
            <h1>"No such settings page"</h1>
            <p><a href="/admin">"Back to the settings overview"</a></p>
        }
        .into_any(),
    }
}

#[component]
fn SectionPage(section: Section) -> impl IntoView {
    let save = ServerAction::<SaveSettingsItem>::new();
    let toggle = ServerAction::<SetSettingsActive>::new();
    let loaded = Resource::new(
        move || (save.version().get(), toggle.version().get()),
        move |_| load_settings_section(section),
    );
    // The item being edited (its JSON) and which one it is; a list section starts with none.
    let item = RwSignal::new(Value::Null);
    let editing = RwSignal::new(None::<Editing>);
    view! {
        <Title text=section.title() />
        <header class="page-header">
            <h1>{section.title()}</h1>
            <p class="lead">{section.summary()}</p>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || loaded.get().map(|result| match result {
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                Ok(page) if section.is_single() => {
                    // The settings in effect, edited in place; a save reloads them.
                    let item = RwSignal::new(page.blank.clone());
                    let editing = RwSignal::new(Some(Editing { key: Some("general".into()) }));
                    view! { <ItemEditor page item editing save /> }.into_any()
                }
                Ok(page) => view! {
                    <div class="settings-layout">
                        <ItemList page=page.clone() item editing toggle />
                        <ItemEditor page item editing save />
                    </div>
                }
                .into_any(),
            })}
        </Transition>
    }
}
