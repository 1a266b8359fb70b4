//! The general settings in effect: what an admin saved under Settings › General, or until then
//! the values of `Leptos.toml` / `DOCKET_*`. Read on every use, so a change applies to the next
//! request without a restart.

use crate::domain::config::Section;
use crate::domain::config::general::General;
use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::store::StoreError;

/// The status new tickets start in (unless a filter sets another).
pub const NEW_TICKET_STATUS: &str = "open";

pub async fn current(state: &AppState) -> Result<General, AppError> {
    let store = &state.store;
    if let Some(row) = store
        .settings_item(Section::General, "general")
        .await
        .map_err(internal)?
    {
        return serde_json::from_value(row.item)
            .map_err(|e| internal(StoreError::Corrupt(format!("general settings: {e}"))));
    }
    let settings = &state.settings;
    let departments = store.departments().await.map_err(internal)?;
    Ok(General {
        helpdesk_name: "Docket".into(),
        public_url: settings.base_url.clone(),
        time_zone: "UTC".into(),
        default_department: departments
            .iter()
            .find(|d| d.key == "support")
            .or(departments.first())
            .map(|d| d.key.clone())
            .unwrap_or_default(),
        default_priority: store.default_priority().await.map_err(internal)?,
        default_topic: None,
        default_sla_plan: None,
        ticket_numbers: settings.ticket_numbers.as_setting(),
        registration: settings.registration,
        max_upload_mb: i64::try_from(settings.upload_max_file_bytes / (1024 * 1024)).unwrap_or(10),
        max_files: i64::from(settings.upload_max_files),
        allowed_extensions: String::new(),
        session_minutes: settings.session_lifetime.num_minutes().max(5),
        session_idle_minutes: settings.session_idle_timeout.map_or(0, |idle| {
            idle.num_minutes()
                .clamp(5, settings.session_lifetime.num_minutes().max(5))
        }),
        two_factor: Default::default(),
    })
}
