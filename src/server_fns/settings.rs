//! The admin settings pages: a section's schema and items, one item, saving, (de)activating, and
//! the ticket filters' dry run. Items travel as the JSON of their domain type.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::config::Section;
use crate::domain::editor::Schema;
use crate::domain::routing::TicketDraft;
use crate::error::AppError;

/// A row of a section's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemSummary {
    pub key: String,
    pub name: String,
    pub active: bool,
    pub detail: String,
}

/// What a section's page needs: how items are edited, a blank one, and the items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsSection {
    pub section: Section,
    pub schema: Schema,
    /// A new item as the form starts (for General: the settings in effect).
    pub blank: Value,
    pub items: Vec<ItemSummary>,
}

/// A saved item's key; a new API key's secret, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedItem {
    pub key: String,
    pub secret: Option<String>,
}

/// One ticket of a dry run: which filters matched and what they would change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DryRunRow {
    pub ticket: String,
    pub matched: Vec<String>,
    pub changes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DryRun {
    /// How many of the tickets some filter matched.
    pub matched: usize,
    pub rows: Vec<DryRunRow>,
}

#[server(prefix = "/rpc", endpoint = "settings_section", input = Json)]
pub async fn load_settings_section(section: Section) -> Result<SettingsSection, AppError> {
    use crate::server::{rpc, use_cases::settings};
    let (state, caller) = rpc::context().await?;
    settings::section(&state, &caller, section).await
}

#[server(prefix = "/rpc", endpoint = "settings_item", input = Json)]
pub async fn load_settings_item(section: Section, key: String) -> Result<Value, AppError> {
    use crate::server::{rpc, use_cases::settings};
    let (state, caller) = rpc::context().await?;
    settings::item(&state, &caller, section, &key).await
}

/// Creates an item (`key: None`) or replaces one.
#[server(prefix = "/rpc", endpoint = "save_settings_item", input = Json)]
pub async fn save_settings_item(
    section: Section,
    key: Option<String>,
    item: Value,
) -> Result<SavedItem, AppError> {
    use crate::server::{rpc, use_cases::settings};
    let (state, caller) = rpc::context().await?;
    settings::save(&state, &caller, section, key.as_deref(), &item).await
}

/// Activates or deactivates an item; what uses a deactivated one moves to `replacement`.
#[server(prefix = "/rpc", endpoint = "set_settings_active", input = Json)]
pub async fn set_settings_active(
    section: Section,
    key: String,
    active: bool,
    replacement: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::settings};
    let (state, caller) = rpc::context().await?;
    settings::set_active(
        &state,
        &caller,
        section,
        &key,
        active,
        replacement.as_deref(),
    )
    .await
}

/// Runs the filters (with `edited` in place of its stored version) against `sample` or the last
/// `last` tickets, changing nothing.
#[server(prefix = "/rpc", endpoint = "dry_run_filters", input = Json)]
pub async fn dry_run_filters(
    sample: Option<TicketDraft>,
    last: u32,
    edited_key: Option<String>,
    edited: Option<Value>,
) -> Result<DryRun, AppError> {
    use crate::server::{rpc, use_cases::ticket_filters};
    let (state, caller) = rpc::context().await?;
    let edited = edited.map(|item| (edited_key, item));
    ticket_filters::dry_run(&state, &caller, sample, last, edited).await
}
