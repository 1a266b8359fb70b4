//! Which domain type each settings section holds: its editor schema, a blank item, and the
//! parsing, tidying and validation of what the editor sends.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::alerts::settings::AlertSourceDef;
use crate::domain::catalog::Catalog;
use crate::domain::config::api_key::ApiKeyDef;
use crate::domain::config::canned::CannedDef;
use crate::domain::config::department::Department;
use crate::domain::config::form::FormDef;
use crate::domain::config::general::General;
use crate::domain::config::help_topic::HelpTopic;
use crate::domain::config::organization::Organization;
use crate::domain::config::priority::PriorityDef;
use crate::domain::config::resolution::ResolutionDef;
use crate::domain::config::role::RoleDef;
use crate::domain::config::status::StatusDef;
use crate::domain::config::team::Team;
use crate::domain::config::{Item, Section};
use crate::domain::editor::Schema;
use crate::domain::mail::mailbox::MailboxDef;
use crate::domain::mail::template::MailTemplate;
use crate::domain::routing::Filter;
use crate::domain::sla::{Schedule, SlaPlan};
use crate::domain::webhooks::WebhookDef;
use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::use_cases::general_settings;

pub(super) fn schema(section: Section, catalog: &Catalog) -> Schema {
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
        Section::Resolutions => ResolutionDef::schema(),
        Section::SlaPlans => SlaPlan::schema(catalog),
        Section::Schedules => Schedule::schema(),
        Section::Filters => crate::domain::routing::schema(catalog),
        Section::Canned => CannedDef::schema(catalog),
        Section::ApiKeys => ApiKeyDef::schema(),
        Section::EmailTemplates => MailTemplate::schema(catalog),
        Section::Mailboxes => MailboxDef::schema(catalog),
        Section::AlertSources => AlertSourceDef::schema(catalog),
        Section::Webhooks => WebhookDef::schema(),
    }
}

fn to_value(item: &impl serde::Serialize) -> Value {
    serde_json::to_value(item).unwrap_or(Value::Null)
}

pub(super) async fn blank(state: &AppState, section: Section) -> Result<Value, AppError> {
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
        Section::Resolutions => to_value(&ResolutionDef::blank()),
        Section::SlaPlans => to_value(&SlaPlan::blank()),
        Section::Schedules => to_value(&Schedule::blank()),
        Section::Filters => to_value(&Filter::blank()),
        Section::Canned => to_value(&CannedDef::blank()),
        Section::ApiKeys => to_value(&ApiKeyDef::blank()),
        Section::EmailTemplates => to_value(&MailTemplate::blank()),
        Section::Mailboxes => to_value(&MailboxDef::blank()),
        Section::AlertSources => to_value(&AlertSourceDef::blank()),
        Section::Webhooks => to_value(&WebhookDef::blank()),
    })
}

/// An item parsed, tidied and validated: its canonical JSON and its name.
pub(super) struct Checked {
    pub item: Value,
    pub name: String,
    pub active: bool,
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

pub(super) fn check(
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
        Section::Resolutions => check_as::<ResolutionDef>(section, raw, key, catalog),
        Section::SlaPlans => check_as::<SlaPlan>(section, raw, key, catalog),
        Section::Schedules => check_as::<Schedule>(section, raw, key, catalog),
        Section::Filters => check_as::<Filter>(section, raw, key, catalog),
        Section::Canned => check_as::<CannedDef>(section, raw, key, catalog),
        Section::ApiKeys => check_as::<ApiKeyDef>(section, raw, key, catalog),
        Section::EmailTemplates => check_as::<MailTemplate>(section, raw, key, catalog),
        Section::Mailboxes => check_as::<MailboxDef>(section, raw, key, catalog),
        Section::AlertSources => check_as::<AlertSourceDef>(section, raw, key, catalog),
        Section::Webhooks => check_as::<WebhookDef>(section, raw, key, catalog),
    }
}
