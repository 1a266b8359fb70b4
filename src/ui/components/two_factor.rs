//! Setting up an authenticator app: its QR code (and the secret for typing in), and the
//! recovery codes shown once.

use leptos::prelude::*;

use crate::server_fns::second_factor::TwoFactorSetup;

/// The QR code to scan, with the secret for apps that cannot scan.
#[component]
pub fn TwoFactorQr(setup: TwoFactorSetup) -> impl IntoView {
    view! {
        <div class="two-factor-qr">
            <img src=setup.qr_code width="200" height="200"
                alt="QR code for your authenticator app" />
            <details>
                <summary>"Can't scan it?"</summary>
                <p>"Enter this key in your app (time-based, 6 digits):"</p>
                <p><code class="two-factor-qr__secret">{setup.secret}</code></p>
            </details>
        </div>
    }
}

/// Recovery codes, each good for one sign-in without the phone; shown only this once.
#[component]
pub fn RecoveryCodeList(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="alert alert--success" role="status">
            <p>
                <strong>"Save these recovery codes somewhere safe."</strong>
                " Each one signs you in once if you lose your phone. They are not shown again."
            </p>
            <ol class="recovery-codes" aria-label="Recovery codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
        </div>
    }
}
