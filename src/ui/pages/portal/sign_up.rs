//! Creating a customer account (when the help desk allows it).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::server_fns::accounts::SignUp;
use crate::ui::components::{Field, FieldKind, FormAlert};
use crate::ui::session::reload_to;

/// Mirrors `domain::password::MIN_LENGTH`; the server enforces it.
pub const PASSWORD_HINT: &str = "At least 10 characters; a few words make a good one.";

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload_to("/");
        }
    });
    view! {
        <Title text="Create your account" />
        <section class="auth-card" aria-labelledby="sign-up-title">
            <h1 id="sign-up-title">"Create your account"</h1>
            <FormAlert error fields=&["name", "email", "password"] />
            <ActionForm action>
                <Field label="Name" name="name" error=field("name") />
                <Field label="Email" name="email" kind=FieldKind::Email error=field("email") />
                <Field label="Password" name="password" kind=FieldKind::NewPassword hint=PASSWORD_HINT error=field("password") />
                <button type="submit" class="button button--primary button--wide" disabled=move || action.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
            <p class="auth-card__alt">"Already have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}
