//! Each settings section's SurrealQL: its table, how a record reads as the domain type's JSON,
//! how that JSON is written back, who belongs to an item, and the list order.

use crate::domain::config::Section;

pub(super) fn table(section: Section) -> &'static str {
    match section {
        Section::General => "settings",
        Section::Departments => "department",
        Section::Teams => "team",
        Section::Roles => "role",
        Section::Organizations => "organization",
        Section::HelpTopics => "help_topic",
        Section::Forms => "form",
        Section::Statuses => "status",
        Section::Priorities => "priority",
        Section::Resolutions => "resolution_class",
        Section::SlaPlans => "sla_plan",
        Section::Schedules => "schedule",
        Section::Filters => "ticket_filter",
        Section::Canned => "canned_response",
        Section::ApiKeys => "api_key",
        Section::EmailTemplates => "email_template",
        Section::Mailboxes => "mailbox",
        Section::AlertSources => "alert_source",
        Section::Webhooks => "webhook",
    }
}

/// `field`'s record key, or none.
fn key_of(field: &str) -> String {
    format!("(IF {field} {{ record::id({field}) }} ELSE {{ NONE }})")
}

/// A record of `table` from the item's optional key `$item.{field}`.
fn record_of(table: &str, field: &str) -> String {
    format!("IF $item.{field} {{ type::record('{table}', $item.{field}) }} ELSE {{ NONE }}")
}

/// The item as its domain type's JSON shape (a string: the definition as JSON).
pub(super) fn projection(section: Section) -> String {
    match section {
        Section::Departments => format!(
            "{{ name: name, active: active, parent: {}, manager: {}, sla_plan: {}, schedule: {}, email: email }}",
            key_of("parent"),
            key_of("manager"),
            key_of("sla_plan"),
            key_of("schedule")
        ),
        Section::Teams => format!(
            "{{ name: name, active: active, lead: {}, members: members.map(|$m| record::id($m)) }}",
            key_of("lead")
        ),
        Section::Roles => "{ name: name, active: active, permissions: permissions }".into(),
        Section::Organizations => {
            "{ name: name, active: active, sharing: sharing, domains: array::join(domains, ', ') }"
                .into()
        }
        Section::HelpTopics => format!(
            "{{ name: name, active: active, public: public, parent: {}, department: record::id(department),
                priority: {}, sla_plan: {}, forms: forms.map(|$f| record::id($f)), assign_agent: {},
                assign_team: {}, sort: sort }}",
            key_of("parent"),
            key_of("priority"),
            key_of("sla_plan"),
            key_of("assign_agent"),
            key_of("assign_team")
        ),
        Section::Forms => "{ name: name, active: active ?? true,
            fields: (SELECT VALUE definition FROM form_field WHERE form = $parent.id ORDER BY sort) }"
            .into(),
        Section::Statuses => "{ name: name, active: active ?? true, state: state, pauses_sla: pauses_sla,
            customer_may_reopen: customer_may_reopen, sort: sort }"
            .into(),
        Section::Priorities => "{ name: name, active: active ?? true, urgency: urgency }".into(),
        Section::Resolutions => {
            "{ name: name, active: active ?? true, false_positive: false_positive, sort: sort }".into()
        }
        Section::Canned => format!(
            "{{ title: title, active: active, department: {}, body: body }}",
            key_of("department")
        ),
        Section::General
        | Section::SlaPlans
        | Section::Schedules
        | Section::Filters
        | Section::ApiKeys
        | Section::EmailTemplates
        | Section::Mailboxes
        | Section::AlertSources
        | Section::Webhooks => "definition".into(),
    }
}

/// The statement writing `$item` to `$rec` (which may not exist yet).
pub(super) fn write(section: Section) -> String {
    match section {
        Section::Departments => format!(
            "UPSERT $rec MERGE {{ name: $item.name, active: $item.active, parent: {}, manager: {},
                sla_plan: {}, schedule: {}, email: $item.email ?? NONE }};
             UPDATE ticket SET sla_dirty = true WHERE state = 'open' AND department = $rec AND sla_plan != NONE",
            record_of("department", "parent"),
            record_of("user", "manager"),
            record_of("sla_plan", "sla_plan"),
            record_of("schedule", "schedule")
        ),
        Section::Teams => format!(
            "UPSERT $rec MERGE {{ name: $item.name, active: $item.active, lead: {},
                members: $item.members.map(|$m| type::record('user', $m)) }}",
            record_of("user", "lead")
        ),
        Section::Roles => {
            "UPSERT $rec MERGE { name: $item.name, active: $item.active, permissions: $item.permissions }"
                .into()
        }
        Section::Organizations => "UPSERT $rec MERGE { name: $item.name, active: $item.active,
                sharing: $item.sharing,
                domains: string::split($item.domains, ', ').filter(|$d| $d != '') }"
            .into(),
        Section::HelpTopics => format!(
            "UPSERT $rec MERGE {{ name: $item.name, active: $item.active, public: $item.public, parent: {},
                department: type::record('department', $item.department), priority: {}, sla_plan: {},
                forms: $item.forms.map(|$f| type::record('form', $f)), assign_agent: {}, assign_team: {},
                sort: $item.sort }}",
            record_of("help_topic", "parent"),
            record_of("priority", "priority"),
            record_of("sla_plan", "sla_plan"),
            record_of("user", "assign_agent"),
            record_of("team", "assign_team")
        ),
        Section::Forms => "UPSERT $rec MERGE { name: $item.name, active: $item.active };
            DELETE form_field WHERE form = $rec;
            FOR $f IN $form_fields {
                CREATE form_field CONTENT { form: $rec, sort: $f.sort, name: $f.name, definition: $f.definition };
            };"
        .into(),
        Section::Statuses => "UPSERT $rec MERGE { name: $item.name, active: $item.active, state: $item.state,
                pauses_sla: $item.pauses_sla, customer_may_reopen: $item.customer_may_reopen, sort: $item.sort }"
            .into(),
        Section::Resolutions => "UPSERT $rec MERGE { name: $item.name, active: $item.active,
                false_positive: $item.false_positive, sort: $item.sort }"
            .into(),
        Section::Priorities => "UPSERT $rec MERGE { name: $item.name, active: $item.active,
                urgency: $item.urgency, is_default: $rec.is_default ?? false }"
            .into(),
        Section::Canned => format!(
            "UPSERT $rec MERGE {{ title: $item.title, active: $item.active, department: {},
                body: $item.body, sort: $rec.sort ?? 100 }}",
            record_of("department", "department")
        ),
        Section::General => "UPSERT $rec CONTENT { name: 'General', active: true, definition: $definition };
            UPDATE priority SET is_default = (record::id(id) = $item.default_priority);"
            .into(),
        Section::Filters => "UPSERT $rec CONTENT { name: $item.name, active: $item.active, sort: $item.order,
                definition: $definition }"
            .into(),
        Section::ApiKeys => "IF $secret_hash {
                CREATE $rec CONTENT { name: $item.name, active: $item.active, definition: $definition,
                    key_hash: $secret_hash, created_at: $at, last_used_at: NONE };
            } ELSE {
                UPDATE $rec MERGE { name: $item.name, active: $item.active, definition: $definition };
            };"
        .into(),
        Section::EmailTemplates | Section::Mailboxes | Section::AlertSources => {
            "UPSERT $rec CONTENT { name: $item.name, active: $item.active, definition: $definition }"
                .into()
        }
        Section::Webhooks => "UPSERT $rec CONTENT { name: $item.name, active: $item.active, definition: $definition,
                url: $item.url, secret: $item.secret, events: $item.events }"
            .into(),
        // Open tickets' stored SLA due times follow a changed plan or schedule.
        Section::SlaPlans => "UPSERT $rec CONTENT { name: $item.name, active: $item.active, definition: $definition };
            UPDATE ticket SET sla_dirty = true WHERE state = 'open' AND sla_plan = $rec;"
            .into(),
        Section::Schedules => "UPSERT $rec CONTENT { name: $item.name, active: $item.active, definition: $definition };
            UPDATE ticket SET sla_dirty = true WHERE state = 'open' AND sla_plan != NONE;"
            .into(),
    }
}

/// How many belong to the item (see [`super::SettingsRow::holders`]), for lists.
pub(super) fn holders(section: Section) -> &'static str {
    match section {
        Section::Departments => {
            "count(SELECT VALUE id FROM user WHERE active AND departments CONTAINS $parent.id)"
        }
        Section::Teams => "array::len(members)",
        Section::Roles => {
            "count(SELECT VALUE id FROM user WHERE active AND memberships[*].role CONTAINS $parent.id)"
        }
        Section::Organizations => {
            "count(SELECT VALUE id FROM user WHERE active AND organization = $parent.id)"
        }
        _ => "NONE",
    }
}

pub(super) fn order(section: Section) -> &'static str {
    match section {
        Section::HelpTopics
        | Section::Statuses
        | Section::Resolutions
        | Section::Filters
        | Section::Canned => "sort, key",
        Section::Priorities => "urgency, key",
        _ => "name, key",
    }
}
