//! Signing in with email and password, then, for accounts with two-factor sign-in, a code from
//! the authenticator app (or setting the app up first when the account's role requires it).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::permission::SignedInUser;
use crate::server_fns::accounts::{SignIn, SignInStep};
use crate::server_fns::second_factor::{SignInSecondFactor, TwoFactorSetup};
use crate::ui::components::{Field, FieldKind, FormAlert, RecoveryCodeList, TwoFactorQr};
use crate::ui::session::reload_to;

fn home_of(user: &SignedInUser) -> &'static str {
    if user.role.is_staff() { "/agent" } else { "/" }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let code = ServerAction::<SignInSecondFactor>::new();
    Effect::new(move |_| {
        if let Some(Ok(SignInStep::SignedIn { user })) = action.value().get() {
            reload_to(home_of(&user));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = code.value().get()
            && done.recovery_codes.is_empty()
        {
            reload_to(home_of(&done.user));
        }
    });
    // The step after the password, once the server asked for one.
    let second_step = Memo::new(move |_| match action.value().get() {
        Some(Ok(SignInStep::Code)) => Some(None),
        Some(Ok(SignInStep::Enrol { setup })) => Some(Some(setup)),
        _ => None,
    });
    view! {
        <Title text="Sign in" />
        <section class="auth-card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            {move || match (second_step.get(), code.value().get()) {
                (_, Some(Ok(done))) if !done.recovery_codes.is_empty() => {
                    let home = home_of(&done.user);
                    view! {
                        <p>"Two-factor sign-in is on for your account."</p>
                        <RecoveryCodeList codes=done.recovery_codes />
                        <button type="button" class="button button--primary button--wide"
                            on:click=move |_| reload_to(home)>
                            "I have saved them: continue"
                        </button>
                    }
                    .into_any()
                }
                (Some(setup), _) => view! { <CodeStep code setup /> }.into_any(),
                (None, _) => view! { <PasswordStep action /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn PasswordStep(action: ServerAction<SignIn>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    view! {
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
    }
}

/// The code from the app; with `setup`, the app is set up first and the code confirms it.
#[component]
fn CodeStep(
    code: ServerAction<SignInSecondFactor>,
    setup: Option<TwoFactorSetup>,
) -> impl IntoView {
    let error = Signal::derive(move || code.value().get().and_then(Result::err));
    let code_error = Signal::derive(move || error.get().and_then(|e| e.field_message("code")));
    let enrolling = setup.is_some();
    view! {
        {setup.map(|setup| view! {
            <p>
                "Your help desk requires two-factor sign-in for your role. Scan this QR code with an authenticator app "
                "(such as Aegis, Google Authenticator, Microsoft Authenticator or 1Password), then enter the code it shows."
            </p>
            <TwoFactorQr setup />
        })}
        {(!enrolling).then(|| view! {
            <p>"Enter the code from your authenticator app. Lost your phone? Enter one of your recovery codes."</p>
        })}
        <FormAlert error fields=&["code"] />
        <ActionForm action=code>
            <Field label="Authentication code" name="code" kind=FieldKind::OneTimeCode error=code_error />
            <button type="submit" class="button button--primary button--wide" disabled=move || code.pending().get()>
                {move || if code.pending().get() { "Checking…" } else { "Verify" }}
            </button>
        </ActionForm>
        <p class="auth-card__alt">
            <button type="button" class="button button--quiet" on:click=move |_| reload_to("/sign-in")>
                "Start over"
            </button>
        </p>
    }
}
