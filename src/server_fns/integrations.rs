//! The admin Integrations page: the address SIEM recipes point at.

use leptos::prelude::*;

use crate::error::AppError;

/// The help desk's public URL (`server.base_url`), which every recipe uses.
#[server(prefix = "/rpc", endpoint = "integrations_base_url")]
pub async fn integrations_base_url() -> Result<String, AppError> {
    use crate::domain::permission::{Action, Resource, authorize};
    use crate::server::rpc;
    let (state, caller) = rpc::context().await?;
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    Ok(state.settings.base_url.clone())
}
