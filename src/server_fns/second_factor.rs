//! Two-factor sign-in: the code step after the password, and setting it up, renewing recovery
//! codes and turning it off on one's own account; an admin resets it for someone who lost it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::permission::SignedInUser;
use crate::error::AppError;

/// What an authenticator app needs: a QR code of `uri`, or the secret typed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// Base32, as apps accept it typed.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code, an SVG image as a `data:` URL.
    pub qr_code: String,
}

/// The caller's second factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: usize,
    /// The general settings require it for the caller's role (it cannot be turned off).
    pub required: bool,
}

/// A finished sign-in; recovery codes when the second factor was set up just now (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorSignIn {
    pub user: SignedInUser,
    pub recovery_codes: Vec<String>,
}

/// The second step of signing in: a code from the app or a recovery code (the first step's
/// cookie names the sign-in). When the account had to set up its app first, the code confirms
/// that setup.
#[server(prefix = "/rpc", endpoint = "sign_in_second_factor")]
pub async fn sign_in_second_factor(code: String) -> Result<SecondFactorSignIn, AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    let challenge = rpc::cookie(crate::server::auth::CHALLENGE_COOKIE);
    let (signed_in, recovery_codes) =
        second_factor::complete_sign_in(&state, &caller, challenge.as_deref(), &code).await?;
    rpc::end_challenge(&state);
    Ok(SecondFactorSignIn {
        user: rpc::start_session(&state, signed_in),
        recovery_codes,
    })
}

#[server(prefix = "/rpc", endpoint = "my_second_factor")]
pub async fn my_second_factor() -> Result<TwoFactorStatus, AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    second_factor::status(&state, &caller).await
}

/// Starts setting up an authenticator app; nothing changes until `confirm_second_factor`.
#[server(prefix = "/rpc", endpoint = "begin_second_factor")]
pub async fn begin_second_factor() -> Result<TwoFactorSetup, AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    second_factor::begin(&state, &caller).await
}

/// Turns the second factor on with the app's first code; answers the recovery codes.
#[server(prefix = "/rpc", endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(code: String) -> Result<Vec<String>, AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    second_factor::confirm(&state, &caller, &code).await
}

/// New recovery codes in place of the old ones, for a current code.
#[server(prefix = "/rpc", endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes(code: String) -> Result<Vec<String>, AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    second_factor::renew_recovery_codes(&state, &caller, &code).await
}

/// Turns the caller's second factor off, for a current code.
#[server(prefix = "/rpc", endpoint = "disable_second_factor")]
pub async fn disable_second_factor(code: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    second_factor::disable(&state, &caller, &code).await
}

/// An admin turns someone's second factor off (a lost phone); they set it up again.
#[server(prefix = "/rpc", endpoint = "reset_second_factor")]
pub async fn reset_second_factor(user: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::second_factor};
    let (state, caller) = rpc::context().await?;
    second_factor::reset(&state, &caller, &user).await
}
