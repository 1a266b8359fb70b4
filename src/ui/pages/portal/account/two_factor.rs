//! "Two-factor sign-in" on the account page: set up an authenticator app, renew recovery codes,
//! turn it off (unless the person's role requires it).

use leptos::prelude::*;

use crate::server_fns::second_factor::{
    BeginSecondFactor, ConfirmSecondFactor, DisableSecondFactor, RenewRecoveryCodes,
    TwoFactorStatus, my_second_factor,
};
use crate::ui::components::{Field, FieldKind, FormAlert, RecoveryCodeList, TwoFactorQr};

#[component]
pub fn TwoFactor() -> impl IntoView {
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let disable = ServerAction::<DisableSecondFactor>::new();
    let status = Resource::new(
        move || {
            (
                confirm.version().get(),
                renew.version().get(),
                disable.version().get(),
            )
        },
        |_| my_second_factor(),
    );
    // Codes just issued, by switching on or by renewing: shown once.
    let fresh_codes = move || {
        confirm
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| renew.value().get().and_then(Result::ok))
    };
    view! {
        <section class="card" aria-labelledby="two-factor-title">
            <h2 id="two-factor-title">"Two-factor sign-in"</h2>
            {move || fresh_codes().map(|codes| view! { <RecoveryCodeList codes /> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || status.get().map(|result| match result {
                    Ok(status) if status.enabled => view! { <Enabled status renew disable /> }.into_any(),
                    Ok(status) => view! { <SetUp status begin confirm /> }.into_any(),
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SetUp(
    status: TwoFactorStatus,
    begin: ServerAction<BeginSecondFactor>,
    confirm: ServerAction<ConfirmSecondFactor>,
) -> impl IntoView {
    let setup = move || begin.value().get().and_then(Result::ok);
    let error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| begin.value().get().and_then(Result::err))
    });
    let code_error = Signal::derive(move || error.get().and_then(|e| e.field_message("code")));
    view! {
        <p>
            "Off. With it on, signing in also asks for a code from an authenticator app on your phone, "
            "so a stolen password alone does not get into your account."
        </p>
        {status.required.then(|| view! {
            <p class="alert alert--warning">"Your role requires it: you will set it up at your next sign-in if you do not now."</p>
        })}
        <FormAlert error fields=&["code"] />
        {move || match setup() {
            None => view! {
                <button type="button" class="button button--primary"
                    on:click=move |_| { begin.dispatch(BeginSecondFactor {}); }>
                    "Set up two-factor sign-in"
                </button>
            }.into_any(),
            Some(setup) => view! {
                <p>"Scan this QR code with your authenticator app, then enter the code it shows."</p>
                <TwoFactorQr setup />
                <ActionForm action=confirm>
                    <Field label="Code from the app" name="code" kind=FieldKind::OneTimeCode error=code_error />
                    <button type="submit" class="button button--primary" disabled=move || confirm.pending().get()>
                        "Turn on"
                    </button>
                </ActionForm>
            }.into_any(),
        }}
    }
}

#[component]
fn Enabled(
    status: TwoFactorStatus,
    renew: ServerAction<RenewRecoveryCodes>,
    disable: ServerAction<DisableSecondFactor>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let error = Signal::derive(move || {
        renew
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| disable.value().get().and_then(Result::err))
    });
    let code_error = move || error.get().and_then(|e| e.field_message("code"));
    let left = status.recovery_codes_left;
    view! {
        <p>
            <span class="badge">"On"</span>
            {format!(" Signing in asks for a code from your authenticator app. {left} recovery code{} left.",
                if left == 1 { "" } else { "s" })}
        </p>
        <FormAlert error fields=&["code"] />
        <form class="form-inline" on:submit=|ev| ev.prevent_default()>
            <div class="field" class:field--invalid=move || code_error().is_some()>
                <label for="two-factor-code">"Current code or a recovery code"</label>
                <input id="two-factor-code" type="text" autocomplete="one-time-code" required
                    prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
                {move || code_error().map(|m| view! { <p class="field__error">{m}</p> })}
            </div>
            <button type="button" class="button"
                on:click=move |_| { renew.dispatch(RenewRecoveryCodes { code: code.get_untracked() }); }>
                "New recovery codes"
            </button>
            {(!status.required).then(|| view! {
                <button type="button" class="button button--danger"
                    on:click=move |_| { disable.dispatch(DisableSecondFactor { code: code.get_untracked() }); }>
                    "Turn off"
                </button>
            })}
        </form>
        {status.required.then(|| view! {
            <p class="muted">"Your role requires two-factor sign-in, so it cannot be turned off here. An admin can reset it if you lose your phone and your recovery codes."</p>
        })}
    }
}
