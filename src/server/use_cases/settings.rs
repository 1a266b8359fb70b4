//! The admin settings: list, read, create, change and (de)activate the items of every section.
//! Each item is parsed into its domain type, tidied and validated against the live catalogue
//! before it is stored with its audit event; the next request sees it (nothing is cached).

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::domain::audit::AuditRecord;
use crate::domain::catalog::Catalog;
use crate::domain::config::api_key::ApiKeyDef;
use crate::domain::config::canned::CannedDef;
use crate::domain::config::department::Department;
use crate::domain::config::form::FormDef;
use crate::domain::config::general::General;
use crate::domain::config::help_topic::HelpTopic;
use crate::domain::config::organization::Organization;
use crate::domain::config::priority::PriorityDef;
use crate::domain::config::role::RoleDef;
use crate::domain::config::status::StatusDef;
use crate::domain::config::team::Team;
use crate::domain::config::{Item, Section, slug};
use crate::domain::editor::Schema;
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::routing::Filter;
use crate::domain::sla::{Schedule, SlaPlan};
use crate::domain::ticket::State;
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Activation, Refusal, SettingsWrite, StoreError, Usage};
use crate::server::use_cases::general_settings;
use crate::server_fns::settings::{ItemSummary, SavedItem, SettingsSection};

/// The key of the one general settings item.
const GENERAL: &str = "general";
/// How many suffixed keys to try before giving up on a name's slug.
const KEY_ATTEMPTS: usize = 50;

fn admin(caller: &Caller) -> Result<(), AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    Ok(())
}

fn schema(section: Section, catalog: &Catalog) -> Schema {
    match section {
        Section::General => General::schema(catalog),
        Section::Departments => Department::schema(catalog),
        Section::Teams => Team::schema(catalog),
        Section::Roles => RoleDef::schema(),
        Section::Organizations => Organization::schema(),
        Section::HelpTopics => HelpTopic::schema(catalog),
        Section::Forms => FormDef::schema(),
        Section::Statuses => StatusDef::schema(),
        Section::Priorities => PriorityDef::schema(),
        Section::SlaPlans => SlaPlan::schema(catalog),
        Section::Schedules => Schedule::schema(),
        Section::Filters => crate::domain::routing::schema(catalog),
        Section::Canned => CannedDef::schema(catalog),
        Section::ApiKeys => ApiKeyDef::schema(),
    }
}

fn to_value(item: &impl serde::Serialize) -> Value {
    serde_json::to_value(item).unwrap_or(Value::Null)
}

async fn blank(state: &AppState, section: Section) -> Result<Value, AppError> {
    Ok(match section {
        Section::General => to_value(&general_settings::current(state).await?),
        Section::Departments => to_value(&Department::blank()),
        Section::Teams => to_value(&Team::blank()),
        Section::Roles => to_value(&RoleDef::blank()),
        Section::Organizations => to_value(&Organization::blank()),
        Section::HelpTopics => to_value(&HelpTopic::blank()),
        Section::Forms => to_value(&FormDef::blank()),
        Section::Statuses => to_value(&StatusDef::blank()),
        Section::Priorities => to_value(&PriorityDef::blank()),
        Section::SlaPlans => to_value(&SlaPlan::blank()),
        Section::Schedules => to_value(&Schedule::blank()),
        Section::Filters => to_value(&Filter::blank()),
        Section::Canned => to_value(&CannedDef::blank()),
        Section::ApiKeys => to_value(&ApiKeyDef::blank()),
    })
}

/// An item parsed, tidied and validated: its canonical JSON and its name.
struct Checked {
    item: Value,
    name: String,
    active: bool,
}

fn check_as<T: Item>(
    section: Section,
    raw: &Value,
    key: Option<&str>,
    catalog: &Catalog,
) -> Result<Checked, AppError> {
    let mut item: T = parse(section, raw)?;
    item.normalize();
    let errors = item.validate(key, catalog);
    if !errors.is_empty() {
        return Err(AppError::Invalid { fields: errors });
    }
    Ok(Checked {
        item: to_value(&item),
        name: item.name().trim().to_string(),
        active: item.active(),
    })
}

fn parse<T: DeserializeOwned>(section: Section, raw: &Value) -> Result<T, AppError> {
    serde_json::from_value(raw.clone()).map_err(|e| {
        AppError::invalid(
            "item",
            format!(
                "This {} could not be read; check every value is filled in ({e}).",
                section.noun()
            ),
        )
    })
}

fn check(
    section: Section,
    raw: &Value,
    key: Option<&str>,
    catalog: &Catalog,
) -> Result<Checked, AppError> {
    match section {
        Section::General => check_as::<General>(section, raw, key, catalog),
        Section::Departments => check_as::<Department>(section, raw, key, catalog),
        Section::Teams => check_as::<Team>(section, raw, key, catalog),
        Section::Roles => check_as::<RoleDef>(section, raw, key, catalog),
        Section::Organizations => check_as::<Organization>(section, raw, key, catalog),
        Section::HelpTopics => check_as::<HelpTopic>(section, raw, key, catalog),
        Section::Forms => check_as::<FormDef>(section, raw, key, catalog),
        Section::Statuses => check_as::<StatusDef>(section, raw, key, catalog),
        Section::Priorities => check_as::<PriorityDef>(section, raw, key, catalog),
        Section::SlaPlans => check_as::<SlaPlan>(section, raw, key, catalog),
        Section::Schedules => check_as::<Schedule>(section, raw, key, catalog),
        Section::Filters => check_as::<Filter>(section, raw, key, catalog),
        Section::Canned => check_as::<CannedDef>(section, raw, key, catalog),
        Section::ApiKeys => check_as::<ApiKeyDef>(section, raw, key, catalog),
    }
}

fn item_name(item: &Value) -> String {
    item.get("name")
        .or_else(|| item.get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A section's page: how its items are edited, a blank item, and the items.
pub async fn section(
    state: &AppState,
    caller: &Caller,
    section: Section,
) -> Result<SettingsSection, AppError> {
    admin(caller)?;
    let catalog = state.store.catalog().await.map_err(internal)?;
    let rows = if section.is_single() {
        Vec::new()
    } else {
        state
            .store
            .settings_items(section)
            .await
            .map_err(internal)?
    };
    let items = rows
        .into_iter()
        .map(|row| ItemSummary {
            name: item_name(&row.item),
            active: row
                .item
                .get("active")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            detail: match (section, row.last_used_at, row.holders) {
                (Section::ApiKeys, Some(at), _) => {
                    format!("Last used {}", at.format("%Y-%m-%d %H:%M UTC"))
                }
                (Section::ApiKeys, None, _) => "Never used".to_string(),
                (Section::Departments | Section::Teams, _, Some(n)) => {
                    count(n, "member", "members")
                }
                (Section::Roles, _, Some(n)) => count(n, "agent", "agents"),
                (Section::Organizations, _, Some(n)) => count(n, "customer", "customers"),
                _ => String::new(),
            },
            key: row.key,
        })
        .collect();
    Ok(SettingsSection {
        section,
        schema: schema(section, &catalog),
        blank: blank(state, section).await?,
        items,
    })
}

/// One item as stored (the general settings as they are in effect).
pub async fn item(
    state: &AppState,
    caller: &Caller,
    section: Section,
    key: &str,
) -> Result<Value, AppError> {
    admin(caller)?;
    if section.is_single() {
        return blank(state, section).await;
    }
    state
        .store
        .settings_item(section, key)
        .await
        .map_err(internal)?
        .map(|row| row.item)
        .ok_or(AppError::NotFound)
}

/// Creates (`key: None`) or changes an item. A new API key's secret is returned once.
pub async fn save(
    state: &AppState,
    caller: &Caller,
    section: Section,
    key: Option<&str>,
    raw: &Value,
) -> Result<SavedItem, AppError> {
    admin(caller)?;
    let store = &state.store;
    let key = if section.is_single() {
        Some(GENERAL)
    } else {
        key
    };
    let catalog = store.catalog().await.map_err(internal)?;
    let checked = check(section, raw, key, &catalog)?;
    let before = match key {
        Some(key) => store.settings_item(section, key).await.map_err(internal)?,
        None => None,
    };
    if key.is_some() && before.is_none() && !section.is_single() {
        return Err(AppError::NotFound);
    }
    if let Some(before) = &before {
        let deactivating = !checked.active && before.item.get("active") == Some(&Value::Bool(true));
        if deactivating {
            check_deactivation(state, section, key.unwrap_or_default(), None).await?;
        }
    }
    let now = state.clock.now();
    let create = before.is_none();
    let action = format!(
        "settings.{}.{}",
        section.slug(),
        if create { "created" } else { "changed" }
    );
    // A new API key: the secret is shown once; only its hash is kept.
    let secret = (section == Section::ApiKeys && create).then(crate::server::auth::new_api_key);
    let secret_hash = secret.as_deref().map(crate::server::auth::token_key);
    let candidates: Vec<String> = match key {
        Some(key) => vec![key.to_string()],
        None => {
            let base = slug(&checked.name);
            std::iter::once(base.clone())
                .chain((2..=KEY_ATTEMPTS).map(|n| format!("{base}_{n}")))
                .collect()
        }
    };
    for candidate in candidates {
        let mut record =
            AuditRecord::new(now, caller.audit_actor(), &action, caller.origin.clone())
                .object(section.slug(), &candidate)
                .after(checked.item.clone());
        if let Some(before) = &before {
            record = record.before(before.item.clone());
        }
        let write = SettingsWrite {
            section,
            key: &candidate,
            item: &checked.item,
            create,
            secret_hash: secret_hash.as_deref(),
            at: now,
        };
        match store.save_settings_item(&write, &record).await {
            Ok(()) => {
                return Ok(SavedItem {
                    key: candidate,
                    secret,
                });
            }
            Err(StoreError::Refused(Refusal::KeyTaken)) if key.is_none() => continue,
            Err(StoreError::Refused(Refusal::UnknownRecord)) => return Err(AppError::NotFound),
            Err(other) => return Err(internal(other)),
        }
    }
    Err(AppError::invalid(
        "name",
        "Too many items have this name; choose another.",
    ))
}

/// What must stay active: the default department and priority, the status new tickets start
/// in, one open and one closed status. What is in use needs a replacement to move to.
async fn check_deactivation(
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
fn count(n: u64, one: &str, many: &str) -> String {
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
                Section::Departments => crate::domain::catalog::knows(&catalog.departments, r),
                Section::Priorities => crate::domain::catalog::knows(&catalog.priorities, r),
                Section::Statuses => catalog.status(r).is_some(),
                Section::Teams => crate::domain::catalog::knows(&catalog.teams, r),
                Section::SlaPlans => crate::domain::catalog::knows(&catalog.sla_plans, r),
                Section::Roles => crate::domain::catalog::knows(&catalog.roles, r),
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
        Section::SlaPlans | Section::Schedules | Section::Filters | Section::ApiKeys => {
            Some(after.to_string())
        }
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
