//! Integrations: per SIEM, a copy-paste recipe with the help desk's URL and a key, and a form that
//! makes a key for them (shown once, filled into every recipe).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde_json::json;

use crate::domain::alerts::AlertSource;
use crate::domain::alerts::recipes::recipe;
use crate::domain::config::Section;
use crate::server_fns::integrations::integrations_base_url;
use crate::server_fns::settings::SaveSettingsItem;
use crate::ui::pages::admin::webhook_log::WebhookLog;

#[component]
pub fn AdminIntegrationsPage() -> impl IntoView {
    let base = Resource::new(|| (), |_| integrations_base_url());
    let create = ServerAction::<SaveSettingsItem>::new();
    let name = RwSignal::new("SIEM alerts".to_string());
    let allowed = RwSignal::new("127.0.0.1".to_string());
    let key = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .and_then(|saved| saved.secret)
    });
    view! {
        <Title text="Integrations" />
        <header class="page-header">
            <h1>"Integrations"</h1>
            <p class="muted">"Point your SIEM at Docket: each alert becomes a ticket; repeats count on it. "
                <A href="/admin/settings/alert-sources">"Alert sources"</A>" set departments, severity to priority, and what repeats and recoveries do."</p>
        </header>
        <section class="card" aria-labelledby="key-title">
            <h2 id="key-title">"A key for these recipes"</h2>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                let item = json!({ "name": name.get_untracked(), "active": true,
                    "scopes": ["alerts:create", "tickets:create"], "allowed": allowed.get_untracked() });
                create.dispatch(SaveSettingsItem { section: Section::ApiKeys, key: None, item });
            }>
                <label for="key-name">"Name"</label>
                <input id="key-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="key-allowed">"Allowed addresses"</label>
                <input id="key-allowed" prop:value=allowed on:input=move |ev| allowed.set(event_target_value(&ev)) />
                <button type="submit" class="button button--primary" disabled=move || create.pending().get()>"Create a key"</button>
            </form>
            {move || match create.value().get() {
                Some(Ok(saved)) => view! {
                    <p class="alert alert--success" role="status">{format!("Key “{}” created. It is in the recipes below now and will not be shown again.", saved.key)}</p>
                }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert--error" role="alert">{e.to_string()}</p> }.into_any(),
                None => view! { <p class="muted">"Or use a key from API keys (scope alerts:create); the recipes show YOUR_API_KEY where it goes."</p> }.into_any(),
            }}
        </section>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || base.get().map(|result| match result {
                Ok(base) => AlertSource::ALL.into_iter().map(|source| {
                    let base = base.clone();
                    let r = move || recipe(source, &base, &key.get().unwrap_or_else(|| "YOUR_API_KEY".into()));
                    let title = r().title;
                    let place = r().place;
                    view! {
                        <section class="card recipe" aria-label=title>
                            <h2>{title}</h2>
                            <p>{place}</p>
                            <pre class="recipe__snippet">{move || r().snippet}</pre>
                        </section>
                    }
                }).collect_view().into_any(),
                Err(e) => view! { <p class="alert alert--error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <WebhookLog />
    }
}
