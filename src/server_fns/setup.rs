//! Completing first-run setup from the one-time link.

use leptos::prelude::*;

use crate::domain::permission::SignedInUser;
use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "complete_setup")]
pub async fn complete_setup(
    token: String,
    email: String,
    name: String,
    password: String,
) -> Result<SignedInUser, AppError> {
    use crate::server::{rpc, use_cases::setup};
    let (state, caller) = rpc::context().await?;
    let signed_in =
        setup::complete_setup(&state, &caller, &token, &email, &name, &password).await?;
    Ok(rpc::start_session(&state, signed_in))
}
