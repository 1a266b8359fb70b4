//! The admin settings: list, read, create, change and (de)activate the items of every section.
//! Each item is parsed into its domain type, tidied and validated against the live catalogue
//! before it is stored with its audit event; the next request sees it (nothing is cached).

use serde_json::Value;

use crate::domain::audit::AuditRecord;
use crate::domain::config::{Section, slug};
use crate::domain::permission::{Action, Resource, authorize};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, SettingsWrite, StoreError};
use crate::server_fns::settings::{ItemSummary, SavedItem, SettingsSection};

mod activation;
mod registry;

pub use activation::set_active;
use activation::{check_deactivation, count};
use registry::{blank, check, schema};

/// The key of the one general settings item.
const GENERAL: &str = "general";
/// How many suffixed keys to try before giving up on a name's slug.
const KEY_ATTEMPTS: usize = 50;

fn admin(caller: &Caller) -> Result<(), AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    Ok(())
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

/// The help desk's public URL, which the Integrations page's recipes point at (admins).
pub fn base_url(state: &AppState, caller: &Caller) -> Result<String, AppError> {
    admin(caller)?;
    Ok(state.settings.base_url.clone())
}

/// The account an API key acts as must be an active agent or admin (its email is stored in
/// lower case, as accounts are).
async fn check_key_account(
    state: &AppState,
    mut checked: registry::Checked,
) -> Result<registry::Checked, AppError> {
    let Some(item) = checked.item.as_object_mut() else {
        return Ok(checked);
    };
    let email = item
        .get("acts_as")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if email.is_empty() {
        return Ok(checked);
    }
    if crate::server::use_cases::accounts::staff_by_email(state, &email)
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            "acts_as",
            format!("No active agent or admin has the email “{email}”."),
        ));
    }
    item.insert("acts_as".into(), Value::String(email));
    Ok(checked)
}

/// A mailbox's typed password is stored sealed with the server's key and never kept in clear;
/// an empty one keeps the stored password.
fn seal_mailbox_password(
    state: &AppState,
    mut checked: registry::Checked,
    before: Option<&crate::server::store::SettingsRow>,
) -> registry::Checked {
    if let Some(item) = checked.item.as_object_mut() {
        let typed = item
            .get("password")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let sealed = if typed.is_empty() {
            before
                .and_then(|b| b.item.get("sealed_password").cloned())
                .unwrap_or(Value::Null)
        } else {
            Value::String(state.secret.seal(&typed))
        };
        item.insert("password".into(), Value::String(String::new()));
        item.insert("sealed_password".into(), sealed);
    }
    checked
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
    save_unchecked(state, caller, section, key, raw).await
}

/// [`save`] for the operator's console (`docket api-key create`), who holds the database itself:
/// no session to check; audited as the console.
pub async fn save_from_console(
    state: &AppState,
    section: Section,
    raw: &Value,
) -> Result<SavedItem, AppError> {
    let caller = Caller::machine(
        crate::domain::audit::AuditActor {
            kind: crate::domain::audit::ActorKind::System,
            id: Some("console".into()),
            label: "operator console".into(),
        },
        crate::domain::audit::Origin {
            ip: None,
            user_agent: Some("docket command line".into()),
        },
    );
    save_unchecked(state, &caller, section, None, raw).await
}

async fn save_unchecked(
    state: &AppState,
    caller: &Caller,
    section: Section,
    key: Option<&str>,
    raw: &Value,
) -> Result<SavedItem, AppError> {
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
    let checked = match section {
        Section::Mailboxes => seal_mailbox_password(state, checked, before.as_ref()),
        Section::ApiKeys => check_key_account(state, checked).await?,
        _ => checked,
    };
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
