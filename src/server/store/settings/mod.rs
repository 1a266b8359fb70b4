//! Settings items as the admin pages edit them: each section's records read as, and written
//! from, the JSON shape of its domain type (`domain::config`). Typed tables (departments, help
//! topics, ...) map field by field so tickets keep real record links; sections without one keep
//! the whole definition as JSON.

use chrono::{DateTime, Utc};
use serde_json::Value;
use surrealdb::types::SurrealValue;

use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::config::Section;

mod statements;

use statements::{holders, order, projection, table, write};

/// One stored item: its key, and the item as its domain type serialises.
#[derive(Clone, Debug)]
pub struct SettingsRow {
    pub key: String,
    pub item: Value,
    /// When an API key was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Who belongs to it: a department's or team's members, a role's agents, an
    /// organization's customers (lists only).
    pub holders: Option<u64>,
}

#[derive(SurrealValue)]
struct RawRow {
    key: String,
    item: Value,
    last_used_at: Option<DateTime<Utc>>,
    holders: Option<i64>,
}

/// A settings item to write.
pub struct SettingsWrite<'a> {
    pub section: Section,
    pub key: &'a str,
    pub item: &'a Value,
    /// Creating refuses a key in use; updating refuses an unknown key.
    pub create: bool,
    /// For a new API key: the SHA-256 of the key shown once.
    pub secret_hash: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// What uses a settings item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub tickets: u64,
    /// Other settings (help topics, departments) or, for roles, agents.
    pub references: u64,
}

impl Usage {
    pub fn is_empty(&self) -> bool {
        self.tickets == 0 && self.references == 0
    }
}

/// Activating or deactivating an item.
pub struct Activation<'a> {
    pub section: Section,
    pub key: &'a str,
    pub active: bool,
    /// On deactivation: the item that takes over what used this one.
    pub replacement: Option<&'a str>,
    /// For sections kept as a JSON definition: the definition with the new `active`.
    pub definition: Option<String>,
    pub at: DateTime<Utc>,
}

/// The JSON-string parts of a row parsed (definitions, form field definitions).
fn parsed(section: Section, row: RawRow) -> Result<SettingsRow, StoreError> {
    let corrupt =
        |e: serde_json::Error| StoreError::Corrupt(format!("{section:?} definition: {e}"));
    let item = match (section, row.item) {
        (_, Value::String(json)) => serde_json::from_str(&json).map_err(corrupt)?,
        (Section::Forms, Value::Object(mut form)) => {
            if let Some(Value::Array(fields)) = form.get_mut("fields") {
                for field in fields.iter_mut() {
                    if let Value::String(json) = field {
                        *field = serde_json::from_str(json).map_err(corrupt)?;
                    }
                }
            }
            Value::Object(form)
        }
        (_, other) => other,
    };
    Ok(SettingsRow {
        key: row.key,
        item,
        last_used_at: row.last_used_at,
        holders: row.holders.and_then(|n| u64::try_from(n).ok()),
    })
}

impl Store {
    /// Every item of a section (active or not) in its display order.
    pub async fn settings_items(&self, section: Section) -> Result<Vec<SettingsRow>, StoreError> {
        let last_used = if section == Section::ApiKeys {
            "last_used_at"
        } else {
            "NONE AS last_used_at"
        };
        let rows: Vec<RawRow> = self
            .db
            .query(format!(
                "SELECT record::id(id) AS key, {} AS item, {last_used}, {} AS holders, {} FROM {} ORDER BY {}",
                projection(section),
                holders(section),
                match section {
                    Section::HelpTopics
                    | Section::Statuses
                    | Section::Resolutions
                    | Section::Filters
                    | Section::Canned => "sort",
                    Section::Priorities => "urgency",
                    _ => "name",
                },
                table(section),
                order(section)
            ))
            .await?
            .take(0)?;
        rows.into_iter().map(|r| parsed(section, r)).collect()
    }

    pub async fn settings_item(
        &self,
        section: Section,
        key: &str,
    ) -> Result<Option<SettingsRow>, StoreError> {
        let last_used = if section == Section::ApiKeys {
            "last_used_at"
        } else {
            "NONE AS last_used_at"
        };
        let row: Option<RawRow> = self
            .db
            .query(format!(
                "SELECT record::id(id) AS key, {} AS item, {last_used}, NONE AS holders FROM ONLY type::record('{}', $key)",
                projection(section),
                table(section)
            ))
            .bind(("key", key.to_string()))
            .await?
            .take(0)?;
        row.map(|r| parsed(section, r)).transpose()
    }

    /// Creates or replaces an item with its audit event, in one transaction.
    pub async fn save_settings_item(
        &self,
        write_item: &SettingsWrite<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let section = write_item.section;
        let guard = if write_item.create {
            "IF $rec.id != NONE { THROW 'docket:key_taken' };"
        } else {
            "IF $rec.id = NONE { THROW 'docket:unknown_record' };"
        };
        let sql = format!(
            "LET $rec = type::record('{}', $key);\n{guard}\n{};",
            table(section),
            write(section)
        );
        let definition = serde_json::to_string(write_item.item)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let form_fields: Vec<Value> = match write_item.item.get("fields") {
            Some(Value::Array(fields)) if section == Section::Forms => fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    serde_json::json!({
                        "sort": i + 1,
                        "name": f.get("name").cloned().unwrap_or(Value::Null),
                        "definition": f.to_string(),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let binds = Binds::default()
            .with("key", write_item.key.to_string())
            .with("item", write_item.item.clone())
            .with("definition", definition)
            .with("form_fields", form_fields)
            .with("secret_hash", write_item.secret_hash.map(str::to_string))
            .with("at", write_item.at);
        self.audited_write(&sql, binds, record).await
    }

    /// What uses the item and would be stranded by deactivating it: open tickets (any ticket for
    /// a status), and other settings (help topics, departments, agents' memberships).
    pub async fn settings_usage(&self, section: Section, key: &str) -> Result<Usage, StoreError> {
        let (tickets, references) = match section {
            Section::Departments => (
                "SELECT VALUE id FROM ticket WHERE department = $rec AND state = 'open'",
                "SELECT VALUE id FROM help_topic WHERE department = $rec AND active",
            ),
            Section::Statuses => ("SELECT VALUE id FROM ticket WHERE status = $rec", "[]"),
            Section::Priorities => (
                "SELECT VALUE id FROM ticket WHERE priority = $rec AND state = 'open'",
                "SELECT VALUE id FROM help_topic WHERE priority = $rec AND active",
            ),
            Section::Teams => (
                "SELECT VALUE id FROM ticket WHERE team = $rec AND state = 'open'",
                "SELECT VALUE id FROM help_topic WHERE assign_team = $rec AND active",
            ),
            Section::SlaPlans => (
                "SELECT VALUE id FROM ticket WHERE sla_plan = $rec AND state = 'open'",
                "array::concat((SELECT VALUE id FROM help_topic WHERE sla_plan = $rec AND active),
                    (SELECT VALUE id FROM department WHERE sla_plan = $rec AND active))",
            ),
            Section::Roles => (
                "[]",
                "SELECT VALUE id FROM user WHERE active AND memberships[*].role CONTAINS $rec",
            ),
            _ => return Ok(Usage::default()),
        };
        let counts: Vec<i64> = self
            .db
            .query(format!(
                "LET $rec = type::record('{}', $key);
                 RETURN [count({tickets}), count({references})];",
                table(section)
            ))
            .bind(("key", key.to_string()))
            .await?
            .take(1)?;
        let at = |i: usize| u64::try_from(counts.get(i).copied().unwrap_or(0)).unwrap_or(0);
        Ok(Usage {
            tickets: at(0),
            references: at(1),
        })
    }

    /// Activates or deactivates an item; a replacement takes over what used it (see
    /// [`Store::settings_usage`]), in the same transaction.
    pub async fn set_settings_active(
        &self,
        change: &Activation<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let section = change.section;
        let table = table(section);
        // The replacement must exist; what used the item then moves to it.
        let take_over = format!(
            "LET $to = type::record('{table}', $replacement);
             IF $to.id = NONE {{ THROW 'docket:unknown_record' }};"
        );
        let moving = match (section, change.replacement) {
            (Section::Departments, Some(_)) => format!(
                "{take_over}
                 UPDATE ticket SET department = $to, version += 1, stats_dirty = true, changed = ['department'], staff_only = false,
                    updated_at = $at, sla_dirty = true WHERE department = $rec AND state = 'open';
                 UPDATE help_topic SET department = $to WHERE department = $rec;"
            ),
            (Section::Statuses, Some(_)) => format!(
                "{take_over}
                 UPDATE ticket SET status = $to, state = $to.state, version += 1, stats_dirty = true, changed = ['status'],
                    staff_only = false, updated_at = $at, sla_dirty = true,
                    status_log = array::append(status_log ?? [], {{ status: record::id($to), at: $at }})
                    WHERE status = $rec;"
            ),
            (Section::Teams, Some(_)) => format!(
                "{take_over}
                 UPDATE ticket SET team = $to, version += 1, stats_dirty = true, changed = ['team'], staff_only = true,
                    updated_at = $at WHERE team = $rec AND state = 'open';
                 UPDATE help_topic SET assign_team = $to WHERE assign_team = $rec;"
            ),
            (Section::SlaPlans, Some(_)) => format!(
                "{take_over}
                 UPDATE ticket SET sla_plan = $to, version += 1, stats_dirty = true, changed = ['sla_plan'], staff_only = true,
                    updated_at = $at, sla_dirty = true WHERE sla_plan = $rec AND state = 'open';
                 UPDATE help_topic SET sla_plan = $to WHERE sla_plan = $rec;
                 UPDATE department SET sla_plan = $to WHERE sla_plan = $rec;"
            ),
            (Section::Roles, Some(_)) => format!(
                "{take_over}
                 UPDATE user SET memberships = memberships.map(|$m| IF $m.role = $rec {{
                    {{ department: $m.department, role: $to }} }} ELSE {{ $m }})
                    WHERE memberships[*].role CONTAINS $rec;"
            ),
            (Section::Priorities, Some(_)) => format!(
                "{take_over}
                 UPDATE ticket SET priority = $to, version += 1, stats_dirty = true, changed = ['priority'], staff_only = false,
                    updated_at = $at, sla_dirty = true WHERE priority = $rec AND state = 'open';
                 UPDATE help_topic SET priority = $to WHERE priority = $rec;"
            ),
            _ => String::new(),
        };
        // Sections kept as a JSON definition carry `active` inside it too.
        let set_definition = if change.definition.is_some() {
            "definition = $definition,"
        } else {
            ""
        };
        let sql = format!(
            "LET $rec = type::record('{table}', $key);
             IF $rec.id = NONE {{ THROW 'docket:unknown_record' }};
             {moving}
             UPDATE $rec SET {set_definition} active = $active;"
        );
        let binds = Binds::default()
            .with("key", change.key.to_string())
            .with("active", change.active)
            .with("replacement", change.replacement.map(str::to_string))
            .with("definition", change.definition.clone())
            .with("at", change.at);
        self.audited_write(&sql, binds, record).await
    }

    /// The API key with this hash (active or not): its key and definition.
    pub async fn api_key_by_hash(&self, hash: &str) -> Result<Option<SettingsRow>, StoreError> {
        let row: Option<RawRow> = self
            .db
            .query("SELECT record::id(id) AS key, definition AS item, last_used_at, NONE AS holders FROM api_key WHERE key_hash = $hash LIMIT 1")
            .bind(("hash", hash.to_string()))
            .await?
            .take(0)?;
        row.map(|r| parsed(Section::ApiKeys, r)).transpose()
    }

    /// Notes when a key was last used (shown on the API keys page), at most once a minute: every
    /// request of a busy key writing one row made concurrent requests conflict. A lost race is
    /// fine (another request just noted about the same time).
    pub async fn api_key_used(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut response = self
            .db
            .query(
                "UPDATE type::record('api_key', $key) SET last_used_at = $at
                 WHERE last_used_at = NONE OR last_used_at < $at - 1m RETURN NONE",
            )
            .bind(("key", key.to_string()))
            .bind(("at", at))
            .await?;
        match response.take_errors().into_values().next() {
            Some(e) if !super::is_conflict(&e) => Err(e.into()),
            _ => Ok(()),
        }
    }
}
