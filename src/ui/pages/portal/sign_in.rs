//! Signing in with email and password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::server_fns::accounts::SignIn;
use crate::ui::components::{Field, FieldKind, FormAlert};
use crate::ui::session::reload_to;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            reload_to(if user.role.is_staff() { "/agent" } else { "/" });
        }
    });
    view! {
        <Title text="Sign in" />
        <section class="auth-card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            <FormAlert error fields=&["email", "password"] />
            <ActionForm action>
                <Field label="Email" name="email" kind=FieldKind::Email error=field("email") />
                <Field label="Password" name="password" kind=FieldKind::Password error=field("password") />
                <button type="submit" class="button button--primary button--wide" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="auth-card__alt"><A href="/forgot-password">"Forgot your password?"</A></p>
            <p class="auth-card__alt">"New here? " <A href="/sign-up">"Create an account"</A></p>
        </section>
    }
}
