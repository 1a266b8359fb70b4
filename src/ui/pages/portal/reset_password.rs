//! Choosing a password through a one-time link (a reset or an agent's invitation).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::server_fns::accounts::{SetPasswordWithLink, password_link};
use crate::ui::components::{Field, FieldKind, FormAlert};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let link = Resource::new(token, password_link);
    let action = ServerAction::<SetPasswordWithLink>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Choose a password" />
        <section class="auth-card" aria-labelledby="reset-title">
            <h1 id="reset-title">"Choose a password"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || link.get().map(|result| match result {
                    Ok(link) => view! {
                        <Show when=done fallback=move || view! {
                            <p>{format!("{} for {} ({}).", if link.invitation { "Welcome! Choose the password" } else { "The new password" }, link.name, link.email)}</p>
                            <FormAlert error fields=&["password"] />
                            <ActionForm action>
                                <input type="hidden" name="token" value=token() />
                                <Field label="New password" name="password" kind=FieldKind::NewPassword
                                    hint="At least 10 characters." error=Signal::derive(move || error.get().and_then(|e| e.field_message("password"))) />
                                <button type="submit" class="button button--primary button--wide" disabled=move || action.pending().get()>
                                    "Save the password"
                                </button>
                            </ActionForm>
                        }>
                            <p class="alert alert--success" role="status">"Your password is set. " <A href="/sign-in">"Sign in"</A></p>
                        </Show>
                    }.into_any(),
                    Err(e) => view! {
                        <p class="alert alert--error" role="alert">{e.to_string()}</p>
                        <p><A href="/forgot-password">"Ask for a new link"</A></p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
