//! Activating and deactivating settings items: what must stay active, what uses an item, and
//! handing that over to a replacement.

use serde_json::{Value, json};

use super::admin;
use crate::domain::audit::AuditRecord;
use crate::domain::catalog::knows;
use crate::domain::config::Section;
use crate::domain::ticket::State;
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Activation, Refusal, StoreError, Usage};
use crate::server::use_cases::general_settings;

/// What must stay active: the default department and priority, the status new tickets start
/// in, one open and one closed status. What is in use needs a replacement to move to.
pub(super) async fn check_deactivation(
    state: &AppState,
    section: Section,
    key: &str,
    replacement: Option<&str>,
) -> Result<(), AppError> {
    let general = general_settings::current(state).await?;
    let refuse = |message: &str| Err(AppError::conflict(message));
    match section {
        Section::Departments if key == general.default_department => {
            return refuse(
                "This is the default department. Choose another default under General first.",
            );
        }
        Section::Priorities if key == general.default_priority => {
            return refuse(
                "This is the default priority. Choose another default under General first.",
            );
        }
        Section::Statuses if key == general_settings::NEW_TICKET_STATUS => {
            return refuse("New tickets start in this status; it stays active.");
        }
        Section::Statuses => {
            let statuses = state.store.statuses().await.map_err(internal)?;
            if let Some(this) = statuses.iter().find(|s| s.key == key) {
                let others = statuses
                    .iter()
                    .filter(|s| s.key != key && s.state == this.state)
                    .count();
                if others == 0 {
                    return refuse(if this.state == State::Open {
                        "This is the last open status; another must stay active."
                    } else {
                        "This is the last closed status; another must stay active."
                    });
                }
            }
        }
        _ => {}
    }
    let usage = state
        .store
        .settings_usage(section, key)
        .await
        .map_err(internal)?;
    if !usage.is_empty() && replacement.is_none() {
        return Err(AppError::conflict(format!(
            "This {noun} is in use: {}. Choose another {noun} to take over, then deactivate.",
            describe(section, usage),
            noun = section.noun(),
        )));
    }
    if replacement == Some(key) {
        return Err(AppError::invalid(
            "replacement",
            format!("Choose a different {} to move them to.", section.noun()),
        ));
    }
    Ok(())
}

/// `n` things in words: "1 member", "3 members".
pub(super) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What uses an item, in words: "2 open tickets and 1 help topic or department".
fn describe(section: Section, usage: Usage) -> String {
    let tickets = match section {
        Section::Statuses => count(usage.tickets, "ticket", "tickets"),
        _ => count(usage.tickets, "open ticket", "open tickets"),
    };
    let references = match section {
        Section::Roles => count(
            usage.references,
            "agent's membership",
            "agents' memberships",
        ),
        Section::SlaPlans => count(
            usage.references,
            "help topic or department",
            "help topics or departments",
        ),
        _ => count(usage.references, "help topic", "help topics"),
    };
    match (usage.tickets, usage.references) {
        (_, 0) => tickets,
        (0, _) => references,
        _ => format!("{tickets} and {references}"),
    }
}

/// Activates or deactivates an item; what uses a deactivated one (tickets, help topics,
/// departments, memberships) moves to `replacement` in the same transaction.
pub async fn set_active(
    state: &AppState,
    caller: &Caller,
    section: Section,
    key: &str,
    active: bool,
    replacement: Option<&str>,
) -> Result<(), AppError> {
    admin(caller)?;
    if section.is_single() {
        return Err(AppError::conflict(
            "The general settings are always in effect.",
        ));
    }
    let store = &state.store;
    let before = store
        .settings_item(section, key)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let replacement = replacement.filter(|r| !r.is_empty());
    if !active {
        check_deactivation(state, section, key, replacement).await?;
        if let Some(r) = replacement {
            let catalog = store.catalog().await.map_err(internal)?;
            let known = match section {
                Section::Departments => knows(&catalog.departments, r),
                Section::Priorities => knows(&catalog.priorities, r),
                Section::Statuses => catalog.status(r).is_some(),
                Section::Teams => knows(&catalog.teams, r),
                Section::SlaPlans => knows(&catalog.sla_plans, r),
                Section::Roles => knows(&catalog.roles, r),
                _ => true,
            };
            if !known {
                return Err(AppError::invalid(
                    "replacement",
                    format!("Choose an active {} to move them to.", section.noun()),
                ));
            }
        }
    }
    let mut after = before.item.clone();
    if let Some(map) = after.as_object_mut() {
        map.insert("active".into(), Value::Bool(active));
    }
    let definition = match section {
        Section::SlaPlans
        | Section::Schedules
        | Section::Filters
        | Section::ApiKeys
        | Section::EmailTemplates
        | Section::Mailboxes
        | Section::AlertSources
        | Section::Webhooks => Some(after.to_string()),
        _ => None,
    };
    let now = state.clock.now();
    let action = format!(
        "settings.{}.{}",
        section.slug(),
        if active { "activated" } else { "deactivated" }
    );
    let record = AuditRecord::new(now, caller.audit_actor(), &action, caller.origin.clone())
        .object(section.slug(), key)
        .before(json!({ "active": before.item.get("active") }))
        .after(json!({ "active": active, "replacement": replacement }));
    let change = Activation {
        section,
        key,
        active,
        replacement: replacement.filter(|_| !active),
        definition,
        at: now,
    };
    store
        .set_settings_active(&change, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::UnknownRecord) => AppError::NotFound,
            other => internal(other),
        })
}
