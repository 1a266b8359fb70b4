//! The webhook delivery log and replay (admins).

use leptos::prelude::*;

use crate::domain::webhooks::Delivery;
use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries() -> Result<Vec<Delivery>, AppError> {
    use crate::server::{rpc, use_cases::webhooks};
    let (state, caller) = rpc::context().await?;
    webhooks::log(&state, &caller).await
}

#[server(prefix = "/rpc", endpoint = "replay_webhook")]
pub async fn replay_webhook(id: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::webhooks};
    let (state, caller) = rpc::context().await?;
    webhooks::replay(&state, &caller, &id).await
}
