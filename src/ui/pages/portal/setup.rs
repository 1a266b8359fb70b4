//! First-run setup: the one-time link creates the first administrator.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sign_up::PASSWORD_HINT;
use crate::server_fns::setup::CompleteSetup;
use crate::ui::components::{Field, FieldKind, FormAlert};
use crate::ui::session::reload_to;

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<CompleteSetup>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload_to("/admin");
        }
    });
    view! {
        <Title text="Set up Docket" />
        <section class="auth-card" aria-labelledby="setup-title">
            <h1 id="setup-title">"Set up Docket"</h1>
            <p class="lead">"Create the first administrator. This link works once."</p>
            <FormAlert error fields=&["name", "email", "password"] />
            <ActionForm action>
                <input type="hidden" name="token" value=token />
                <Field label="Name" name="name" error=field("name") />
                <Field label="Email" name="email" kind=FieldKind::Email error=field("email") />
                <Field label="Password" name="password" kind=FieldKind::NewPassword hint=PASSWORD_HINT error=field("password") />
                <button type="submit" class="button button--primary button--wide" disabled=move || action.pending().get()>
                    "Create administrator"
                </button>
            </ActionForm>
        </section>
    }
}
