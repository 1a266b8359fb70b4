//! The webhook delivery log and replay (admins).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub webhook: String,
    pub event: String,
    /// queued, delivered or dead.
    pub status: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[server(prefix = "/rpc", endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries() -> Result<Vec<DeliveryView>, AppError> {
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
