//! Signing up, in and out, and who the caller is.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::permission::SignedInUser;
use crate::error::AppError;
use crate::server_fns::second_factor::TwoFactorSetup;

/// What every page needs to know about the visitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SignedInUser>,
    /// The help desk's name, as the admin set it.
    pub helpdesk_name: String,
    pub registration_open: bool,
    /// No admin exists yet: the operator's setup link is outstanding.
    pub setup_pending: bool,
}

#[server(prefix = "/rpc", endpoint = "current_session")]
pub async fn current_session() -> Result<SessionInfo, AppError> {
    use crate::server::{rpc, use_cases::accounts};
    let (state, caller) = rpc::context().await?;
    accounts::current_session(&state, &caller).await
}

#[server(prefix = "/rpc", endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    name: String,
    password: String,
) -> Result<SignedInUser, AppError> {
    use crate::server::{rpc, use_cases::accounts};
    let (state, caller) = rpc::context().await?;
    let signed_in = accounts::sign_up(&state, &caller, &email, &name, &password).await?;
    Ok(rpc::start_session(&state, signed_in))
}

/// Where a correct password leads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SignInStep {
    SignedIn {
        user: SignedInUser,
    },
    /// The account signs in with a second factor: `sign_in_second_factor` takes the code.
    Code,
    /// The account's role must use a second factor and it has none yet: it sets one up now, and
    /// `sign_in_second_factor` takes the app's first code.
    Enrol {
        setup: TwoFactorSetup,
    },
}

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<SignInStep, AppError> {
    use crate::server::use_cases::second_factor::PasswordAccepted;
    use crate::server::{rpc, use_cases::accounts};
    let (state, caller) = rpc::context().await?;
    Ok(
        match accounts::sign_in(&state, &caller, &email, &password).await? {
            PasswordAccepted::SignedIn(signed_in) => SignInStep::SignedIn {
                user: rpc::start_session(&state, signed_in),
            },
            PasswordAccepted::Code { challenge } => {
                rpc::start_challenge(&state, &challenge);
                SignInStep::Code
            }
            PasswordAccepted::Enrol { challenge, setup } => {
                rpc::start_challenge(&state, &challenge);
                SignInStep::Enrol { setup }
            }
        },
    )
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::accounts};
    let (state, caller) = rpc::context().await?;
    accounts::sign_out(&state, &caller).await?;
    rpc::end_session(&state);
    Ok(())
}

/// Whose password a one-time link sets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasswordLinkView {
    pub email: String,
    pub name: String,
    /// An agent's invitation (else a reset).
    pub invitation: bool,
}

/// Emails a reset link if the address has an account; the answer is the same either way.
#[server(prefix = "/rpc", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::password_links};
    let (state, caller) = rpc::context().await?;
    password_links::request_reset(&state, &caller, &email).await
}

#[server(prefix = "/rpc", endpoint = "password_link")]
pub async fn password_link(token: String) -> Result<PasswordLinkView, AppError> {
    use crate::server::{rpc, use_cases::password_links};
    let (state, _caller) = rpc::context().await?;
    password_links::link(&state, &token).await
}

#[server(prefix = "/rpc", endpoint = "set_password_with_link")]
pub async fn set_password_with_link(token: String, password: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::password_links};
    let (state, caller) = rpc::context().await?;
    password_links::set_password(&state, &caller, &token, &password).await
}
