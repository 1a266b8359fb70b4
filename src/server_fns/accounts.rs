//! Signing up, in and out, and who the caller is.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::permission::SignedInUser;
use crate::error::AppError;

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

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<SignedInUser, AppError> {
    use crate::server::{rpc, use_cases::accounts};
    let (state, caller) = rpc::context().await?;
    let signed_in = accounts::sign_in(&state, &caller, &email, &password).await?;
    Ok(rpc::start_session(&state, signed_in))
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::accounts};
    let (state, caller) = rpc::context().await?;
    accounts::sign_out(&state, &caller).await?;
    rpc::end_session(&state);
    Ok(())
}
