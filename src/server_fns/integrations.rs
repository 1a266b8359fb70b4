//! The admin Integrations page: the address SIEM recipes point at.

use leptos::prelude::*;

use crate::error::AppError;

/// The help desk's public URL (`server.base_url`), which every recipe uses.
#[server(prefix = "/rpc", endpoint = "integrations_base_url")]
pub async fn integrations_base_url() -> Result<String, AppError> {
    use crate::server::{rpc, use_cases::settings};
    let (state, caller) = rpc::context().await?;
    settings::base_url(&state, &caller)
}
