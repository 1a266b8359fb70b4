//! Asking for a password reset link by email. The answer never says whether the address has an
//! account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::server_fns::accounts::RequestPasswordReset;
use crate::ui::components::{Field, FieldKind, FormAlert};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Reset your password" />
        <section class="auth-card" aria-labelledby="forgot-title">
            <h1 id="forgot-title">"Reset your password"</h1>
            <Show when=sent fallback=move || view! {
                <p>"Enter the email you sign in with; we will send you a link to choose a new password."</p>
                <FormAlert error fields=&["email"] />
                <ActionForm action>
                    <Field label="Email" name="email" kind=FieldKind::Email
                        error=Signal::derive(move || error.get().and_then(|e| e.field_message("email"))) />
                    <button type="submit" class="button button--primary button--wide" disabled=move || action.pending().get()>
                        "Send the link"
                    </button>
                </ActionForm>
            }>
                <p class="alert alert--success" role="status">
                    "If this address has an account, a link to choose a new password is on its way. It works once, for an hour."
                </p>
            </Show>
            <p class="auth-card__alt"><A href="/sign-in">"Back to sign in"</A></p>
        </section>
    }
}
