//! The catalogue tickets draw on: help topics with their forms, statuses and priorities.

use surrealdb::types::SurrealValue;

use super::{Store, StoreError};
use crate::domain::catalog::Catalog;
use crate::domain::config::resolution::ResolutionClass;
use crate::domain::form::FieldDef;
use crate::domain::ticket::{Named, State, Status};

/// A help topic as a customer chooses it, with the fields its forms ask for, in order.
#[derive(Clone, Debug)]
pub struct Topic {
    pub key: String,
    pub name: String,
    pub department: String,
    pub priority: Option<String>,
    pub sla_plan: Option<String>,
    /// The department's SLA plan, used when the topic has none.
    pub department_sla_plan: Option<String>,
    pub assign_agent: Option<String>,
    pub assign_team: Option<String>,
    pub fields: Vec<FieldDef>,
}

#[derive(SurrealValue)]
struct TopicRow {
    key: String,
    name: String,
    department: String,
    priority: Option<String>,
    sla_plan: Option<String>,
    department_sla_plan: Option<String>,
    assign_agent: Option<String>,
    assign_team: Option<String>,
    forms: Vec<String>,
}

#[derive(SurrealValue)]
struct FieldRow {
    form: String,
    definition: String,
}

#[derive(SurrealValue)]
struct NamedRow {
    key: String,
    name: String,
}

impl From<NamedRow> for Named {
    fn from(row: NamedRow) -> Self {
        Named {
            key: row.key,
            name: row.name,
        }
    }
}

#[derive(SurrealValue)]
struct StatusRow {
    key: String,
    name: String,
    state: String,
    pauses_sla: bool,
    customer_may_reopen: bool,
}

impl StatusRow {
    fn into_status(self) -> Result<Status, StoreError> {
        Ok(Status {
            state: parse_state(&self.state)?,
            key: self.key,
            name: self.name,
            pauses_sla: self.pauses_sla,
            customer_may_reopen: self.customer_may_reopen,
        })
    }
}

pub(super) fn parse_state(state: &str) -> Result<State, StoreError> {
    match state {
        "open" => Ok(State::Open),
        "closed" => Ok(State::Closed),
        other => Err(StoreError::Corrupt(format!("state {other}"))),
    }
}

/// A nested item's name as lists show it: `Parent / Name`.
const NESTED_NAME: &str = "(IF parent { string::concat(parent.name, ' / ', name) } ELSE { name })";

const TOPIC_FIELDS: &str = "record::id(id) AS key, (IF parent { string::concat(parent.name, ' / ', name) } ELSE { name }) AS name,
    record::id(department) AS department,
    (IF priority { record::id(priority) } ELSE { NONE }) AS priority, forms.map(|$f| record::id($f)) AS forms,
    (IF sla_plan { record::id(sla_plan) } ELSE { NONE }) AS sla_plan,
    (IF department.sla_plan { record::id(department.sla_plan) } ELSE { NONE }) AS department_sla_plan,
    (IF assign_agent.active { record::id(assign_agent) } ELSE { NONE }) AS assign_agent,
    (IF assign_team.active { record::id(assign_team) } ELSE { NONE }) AS assign_team";

#[derive(SurrealValue)]
struct ResolutionRow {
    key: String,
    name: String,
    false_positive: bool,
}

impl Store {
    /// Active public help topics, in display order, with their fields.
    pub async fn public_topics(&self) -> Result<Vec<Topic>, StoreError> {
        let rows: Vec<TopicRow> = self
            .db
            .query(format!(
                "SELECT {TOPIC_FIELDS}, sort FROM help_topic WHERE active AND public ORDER BY sort"
            ))
            .await?
            .take(0)?;
        let mut topics = Vec::with_capacity(rows.len());
        for row in rows {
            topics.push(self.with_fields(row).await?);
        }
        Ok(topics)
    }

    /// An active public help topic with its fields (what customers choose from).
    pub async fn public_topic(&self, key: &str) -> Result<Option<Topic>, StoreError> {
        self.topic_where(key, "active AND public").await
    }

    /// An active help topic, public or not, with its fields (what agents edit on a ticket).
    pub async fn topic(&self, key: &str) -> Result<Option<Topic>, StoreError> {
        self.topic_where(key, "active").await
    }

    async fn topic_where(
        &self,
        key: &str,
        condition: &'static str,
    ) -> Result<Option<Topic>, StoreError> {
        let row: Option<TopicRow> = self
            .db
            .query(format!(
                "SELECT {TOPIC_FIELDS} FROM ONLY type::record('help_topic', $key) WHERE {condition}"
            ))
            .bind(("key", key.to_string()))
            .await?
            .take(0)?;
        match row {
            Some(row) => Ok(Some(self.with_fields(row).await?)),
            None => Ok(None),
        }
    }

    /// The topic with its forms' fields: forms in the topic's order, fields in each form's order.
    async fn with_fields(&self, row: TopicRow) -> Result<Topic, StoreError> {
        let fields: Vec<FieldRow> = self
            .db
            .query("SELECT record::id(form) AS form, definition, sort FROM form_field WHERE record::id(form) IN $forms ORDER BY sort")
            .bind(("forms", row.forms.clone()))
            .await?
            .take(0)?;
        let mut ordered = Vec::new();
        for form in &row.forms {
            for field in fields.iter().filter(|f| &f.form == form) {
                ordered.push(
                    serde_json::from_str::<FieldDef>(&field.definition)
                        .map_err(|e| StoreError::Corrupt(format!("field definition: {e}")))?,
                );
            }
        }
        Ok(Topic {
            key: row.key,
            name: row.name,
            department: row.department,
            priority: row.priority,
            sla_plan: row.sla_plan,
            department_sla_plan: row.department_sla_plan,
            assign_agent: row.assign_agent,
            assign_team: row.assign_team,
            fields: ordered,
        })
    }

    /// A department's default SLA plan.
    pub async fn department_sla_plan(&self, key: &str) -> Result<Option<String>, StoreError> {
        let plan: Option<String> = self
            .db
            .query("SELECT VALUE (IF sla_plan { record::id(sla_plan) } ELSE { NONE }) FROM ONLY type::record('department', $key)")
            .bind(("key", key.to_string()))
            .await?
            .take(0)?;
        Ok(plan)
    }

    /// A department's own schedule (its business hours override its tickets' plans').
    pub async fn department_schedule(&self, key: &str) -> Result<Option<String>, StoreError> {
        let schedule: Option<String> = self
            .db
            .query("SELECT VALUE (IF schedule { record::id(schedule) } ELSE { NONE }) FROM ONLY type::record('department', $key)")
            .bind(("key", key.to_string()))
            .await?
            .take(0)?;
        Ok(schedule)
    }

    /// The priority new tickets get when nothing else decides.
    pub async fn default_priority(&self) -> Result<String, StoreError> {
        let key: Option<String> = self
            .db
            .query("SELECT VALUE record::id(id) FROM ONLY priority WHERE is_default LIMIT 1")
            .await?
            .take(0)?;
        key.ok_or_else(|| StoreError::Corrupt("no default priority".into()))
    }

    pub async fn status(&self, key: &str) -> Result<Option<Status>, StoreError> {
        let row: Option<StatusRow> = self
            .db
            .query("SELECT record::id(id) AS key, name, state, pauses_sla, customer_may_reopen FROM ONLY type::record('status', $key)")
            .bind(("key", key.to_string()))
            .await?
            .take(0)?;
        row.map(StatusRow::into_status).transpose()
    }

    /// Active statuses, in display order.
    pub async fn statuses(&self) -> Result<Vec<Status>, StoreError> {
        let rows: Vec<StatusRow> = self
            .db
            .query("SELECT record::id(id) AS key, name, state, pauses_sla, customer_may_reopen, sort FROM status WHERE active ORDER BY sort")
            .await?
            .take(0)?;
        rows.into_iter().map(StatusRow::into_status).collect()
    }

    /// Every status, deactivated ones too (a ticket's history may name them).
    pub async fn every_status(&self) -> Result<Vec<Status>, StoreError> {
        let rows: Vec<StatusRow> = self
            .db
            .query("SELECT record::id(id) AS key, name, state, pauses_sla, customer_may_reopen, sort FROM status ORDER BY sort")
            .await?
            .take(0)?;
        rows.into_iter().map(StatusRow::into_status).collect()
    }

    /// Active priorities from least to most urgent.
    pub async fn priorities(&self) -> Result<Vec<Named>, StoreError> {
        self.named("SELECT record::id(id) AS key, name, urgency FROM priority WHERE active ORDER BY urgency")
            .await
    }

    /// Active departments by name.
    pub async fn departments(&self) -> Result<Vec<Named>, StoreError> {
        self.named(&format!(
            "SELECT record::id(id) AS key, {NESTED_NAME} AS name FROM department WHERE active ORDER BY name"
        ))
            .await
    }

    /// Active teams by name.
    pub async fn teams(&self) -> Result<Vec<Named>, StoreError> {
        self.named("SELECT record::id(id) AS key, name FROM team WHERE active ORDER BY name")
            .await
    }

    /// Active help topics (public or not), in display order.
    pub async fn topics(&self) -> Result<Vec<Named>, StoreError> {
        self.named(&format!(
            "SELECT record::id(id) AS key, {NESTED_NAME} AS name, sort FROM help_topic WHERE active ORDER BY sort"
        ))
        .await
    }

    /// Everything settings may refer to, active only, for validation and choices.
    pub async fn catalog(&self) -> Result<Catalog, StoreError> {
        let mut response = self
            .db
            .query(format!(
                "SELECT record::id(id) AS key, {NESTED_NAME} AS name FROM department WHERE active ORDER BY name;
                 SELECT record::id(id) AS key, name FROM team WHERE active ORDER BY name;
                 SELECT record::id(id) AS key, name FROM user WHERE role IN ['agent', 'admin'] AND active ORDER BY name;
                 SELECT record::id(id) AS key, name, urgency FROM priority WHERE active ORDER BY urgency;
                 SELECT record::id(id) AS key, {NESTED_NAME} AS name, sort FROM help_topic WHERE active ORDER BY sort;
                 SELECT record::id(id) AS key, name FROM form WHERE active ORDER BY name;
                 SELECT record::id(id) AS key, name FROM sla_plan WHERE active ORDER BY name;
                 SELECT record::id(id) AS key, name FROM schedule WHERE active ORDER BY name;
                 SELECT record::id(id) AS key, title AS name, sort FROM canned_response WHERE active ORDER BY sort;
                 SELECT record::id(id) AS key, name FROM role WHERE active ORDER BY name;
                 SELECT record::id(id) AS key, name FROM organization WHERE active ORDER BY name;
                 SELECT record::id(form) AS form, definition, name FROM form_field WHERE form.active ORDER BY name;
                 SELECT record::id(id) AS key, name, false_positive, sort FROM resolution_class WHERE active ORDER BY sort, key;"
            ))
            .await?;
        let mut named = |i: usize| -> Result<Vec<Named>, StoreError> {
            let rows: Vec<NamedRow> = response.take(i)?;
            Ok(rows.into_iter().map(Named::from).collect())
        };
        let mut catalog = Catalog {
            departments: named(0)?,
            teams: named(1)?,
            agents: named(2)?,
            priorities: named(3)?,
            topics: named(4)?,
            forms: named(5)?,
            sla_plans: named(6)?,
            schedules: named(7)?,
            canned: named(8)?,
            roles: named(9)?,
            organizations: named(10)?,
            ..Catalog::default()
        };
        let fields: Vec<FieldRow> = response.take(11)?;
        for field in fields {
            let def = serde_json::from_str::<FieldDef>(&field.definition)
                .map_err(|e| StoreError::Corrupt(format!("field definition: {e}")))?;
            if !catalog.fields.iter().any(|f| f.key == def.name) {
                catalog.fields.push(Named {
                    key: def.name,
                    name: def.label,
                });
            }
        }
        let resolutions: Vec<ResolutionRow> = response.take(12)?;
        catalog.resolutions = resolutions
            .into_iter()
            .map(|r| ResolutionClass {
                key: r.key,
                name: r.name,
                false_positive: r.false_positive,
            })
            .collect();
        catalog.statuses = self.statuses().await?;
        Ok(catalog)
    }

    async fn named(&self, sql: &str) -> Result<Vec<Named>, StoreError> {
        let rows: Vec<NamedRow> = self.db.query(sql.to_string()).await?.take(0)?;
        Ok(rows.into_iter().map(Named::from).collect())
    }
}
