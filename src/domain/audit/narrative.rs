//! Audit events told as sentences ("Priya changed priority from Normal to High"), for a ticket's
//! History tab. Keys recorded in the trail are shown by their configured names where known.

use serde_json::Value;

use super::AuditRecord;
use crate::domain::catalog::Catalog;
use crate::domain::ticket::Named;
use crate::domain::ticket_change::change_sentence;

/// The record as one sentence, naming people and settings as the catalogue knows them now.
pub fn describe(record: &AuditRecord, catalog: &Catalog) -> String {
    let who = actor_name(record, catalog);
    let after = |key: &str| record.after.as_ref().and_then(|v| v.get(key)).cloned();
    let text = |key: &str| after(key).as_ref().map(shown).unwrap_or_default();
    match record.action.as_str() {
        "ticket.created" => format!("{who} opened the ticket{}.", via(&text("source"))),
        "ticket.viewed" => format!("{who} viewed the ticket{}.", via(&text("via"))),
        "ticket.replied" => format!("{who} replied ({} characters).", text("length")),
        "ticket.noted" => format!(
            "{who} added an internal note ({} characters).",
            text("length")
        ),
        "ticket.closed" => format!("{who} closed the ticket."),
        "ticket.reopened" => format!("{who} reopened the ticket."),
        "ticket.merged" => format!("{who} merged this ticket into #{}.", text("merged_into")),
        "ticket.unmerged" => format!("{who} undid the merge."),
        "ticket.linked" => format!("{who} linked this ticket to #{}.", text("linked")),
        "ticket.guest_link_issued" => format!("{who} was sent a guest link to the ticket."),
        "ticket.guest_link_revoked" => format!("{who} revoked the guest links to the ticket."),
        "ticket.sla_breached" => format!("The {} clock was breached.", text("clock")),
        "ticket.sla_escalated" => format!("SLA escalation step {} ran.", text("step")),
        "attachment.downloaded" => format!("{who} downloaded {}.", text("name")),
        "alert.repeated" => "The alert fired again.".to_string(),
        "alert.resolved" => "The alert source reported the alert resolved.".to_string(),
        action => match action
            .strip_prefix("ticket.")
            .and_then(|a| a.strip_suffix("_changed"))
        {
            Some(field) => changed(&who, field, record, catalog),
            None => format!("{who}: {action}."),
        },
    }
}

/// Records told as sentences, newest first, with runs of views by the same actor from the same
/// place (a page that refreshes live reloads the ticket each time) told once with their count:
/// "Priya Shah viewed the ticket in the agent workspace (4 times since 09:12:03)."
/// Each sentence comes with the record it stands for (the newest of a run).
pub fn history<'a>(
    records: &[&'a AuditRecord],
    catalog: &Catalog,
) -> Vec<(&'a AuditRecord, String)> {
    let mut told: Vec<(&AuditRecord, String, usize, chrono::DateTime<chrono::Utc>)> = Vec::new();
    for record in records {
        if let Some((newest, _, count, since)) = told.last_mut()
            && same_view(newest, record)
        {
            *count += 1;
            *since = record.at;
            continue;
        }
        told.push((record, describe(record, catalog), 1, record.at));
    }
    told.into_iter()
        .map(|(record, sentence, count, since)| match count {
            1 => (record, sentence),
            n => {
                let base = sentence.trim_end_matches('.');
                let since = since.format("%H:%M:%S");
                (record, format!("{base} ({n} times since {since})."))
            }
        })
        .collect()
}

/// Whether two records are the same person viewing the same way from the same address.
fn same_view(a: &AuditRecord, b: &AuditRecord) -> bool {
    a.action == "ticket.viewed"
        && b.action == a.action
        && a.object_id == b.object_id
        && a.actor == b.actor
        && a.origin == b.origin
        && a.after == b.after
}

/// The actor's name: an agent's as configured now, else the label kept at the time.
fn actor_name(record: &AuditRecord, catalog: &Catalog) -> String {
    record
        .actor
        .id
        .as_deref()
        .and_then(|id| name_in(&catalog.agents, id))
        .unwrap_or_else(|| record.actor.label.clone())
}

fn via(channel: &str) -> String {
    match channel {
        "" => String::new(),
        "portal" | "web" => " in the portal".into(),
        "agent" => " in the agent workspace".into(),
        "guest_link" => " through a guest link".into(),
        "email" => " by email".into(),
        "api" => " through the API".into(),
        other => format!(" ({other})"),
    }
}

fn changed(who: &str, field: &str, record: &AuditRecord, catalog: &Catalog) -> String {
    let side = |v: &Option<Value>| v.as_ref().and_then(|v| v.get(field)).cloned();
    let (before, after) = (side(&record.before), side(&record.after));
    let list: Option<&[Named]> = match field {
        "priority" => Some(&catalog.priorities),
        "department" | "referred" => Some(&catalog.departments),
        "team" => Some(&catalog.teams),
        "assignee" => Some(&catalog.agents),
        "help_topic" => Some(&catalog.topics),
        _ => None,
    };
    let name = |value: Option<Value>| -> String {
        let Some(value) = value else {
            return String::new();
        };
        match (field, &value, list) {
            ("status", Value::String(key), _) => catalog
                .status(key)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| key.clone()),
            (_, Value::String(key), Some(list)) => {
                name_in(list, key).unwrap_or_else(|| key.clone())
            }
            _ => shown(&value),
        }
    };
    if field == "fields" {
        let keys: Vec<String> = after
            .as_ref()
            .and_then(Value::as_object)
            .map(|m| m.keys().map(|k| field_label(catalog, k)).collect())
            .unwrap_or_default();
        return format!("{who} changed {}.", keys.join(", "));
    }
    let what = field.replace('_', " ").replace("due at", "due date");
    change_sentence(who, &what, &name(before), &name(after))
}

fn field_label(catalog: &Catalog, key: &str) -> String {
    name_in(&catalog.fields, key).unwrap_or_else(|| key.to_string())
}

fn name_in(list: &[Named], key: &str) -> Option<String> {
    list.iter().find(|n| n.key == key).map(|n| n.name.clone())
}

/// A recorded value as plain text: strings bare, lists joined, nothing for null.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditActor, Origin};
    use serde_json::json;

    fn catalog() -> Catalog {
        let named = |key: &str, name: &str| Named {
            key: key.into(),
            name: name.into(),
        };
        Catalog {
            agents: vec![named("u1", "Priya Shah")],
            priorities: vec![named("normal", "Normal"), named("high", "High")],
            departments: vec![named("soc", "Security Operations")],
            fields: vec![named("host", "Affected host")],
            ..Catalog::default()
        }
    }

    fn record(action: &str, before: Option<Value>, after: Option<Value>) -> AuditRecord {
        AuditRecord {
            before,
            after,
            ..AuditRecord::new(
                chrono::Utc::now(),
                AuditActor::user("u1", "priya@example.com"),
                action,
                Origin::default(),
            )
        }
    }

    #[test]
    fn a_priority_change_reads_with_the_agents_name_and_the_priority_names() {
        let r = record(
            "ticket.priority_changed",
            Some(json!({"priority": "normal"})),
            Some(json!({"priority": "high"})),
        );
        assert_eq!(
            describe(&r, &catalog()),
            "Priya Shah changed priority from Normal to High."
        );
    }

    #[test]
    fn a_view_says_where_it_happened_and_unknown_actors_keep_their_label() {
        let mut r = record("ticket.viewed", None, Some(json!({"via": "api"})));
        r.actor = AuditActor::user("u9", "sam@example.com");
        assert_eq!(
            describe(&r, &catalog()),
            "sam@example.com viewed the ticket through the API."
        );
    }

    #[test]
    fn setting_an_empty_value_and_custom_fields_read_naturally() {
        let r = record(
            "ticket.department_changed",
            Some(json!({"department": null})),
            Some(json!({"department": "soc"})),
        );
        assert_eq!(
            describe(&r, &catalog()),
            "Priya Shah set department to Security Operations."
        );
        let r = record(
            "ticket.fields_changed",
            Some(json!({"fields": {"host": ["a"]}})),
            Some(json!({"fields": {"host": ["b"]}})),
        );
        assert_eq!(
            describe(&r, &catalog()),
            "Priya Shah changed Affected host."
        );
    }

    #[test]
    fn repeated_views_by_one_person_are_told_once_with_their_count() {
        let view = |minute: u32| AuditRecord {
            at: chrono::DateTime::parse_from_rfc3339(&format!("2026-11-28T09:{minute:02}:00Z"))
                .unwrap()
                .with_timezone(&chrono::Utc),
            ..record("ticket.viewed", None, Some(json!({"via": "agent"})))
        };
        let change = record(
            "ticket.priority_changed",
            Some(json!({"priority": "normal"})),
            Some(json!({"priority": "high"})),
        );
        let (v3, v2, v1, v0) = (view(30), view(20), view(10), view(5));
        let told: Vec<String> = history(&[&v3, &v2, &change, &v1, &v0], &catalog())
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(
            told,
            [
                "Priya Shah viewed the ticket in the agent workspace (2 times since 09:20:00).",
                "Priya Shah changed priority from Normal to High.",
                "Priya Shah viewed the ticket in the agent workspace (2 times since 09:05:00).",
            ]
        );
    }

    #[test]
    fn an_unknown_event_still_names_who_did_it() {
        let r = record("ticket.something_new", None, None);
        assert_eq!(
            describe(&r, &catalog()),
            "Priya Shah: ticket.something_new."
        );
    }
}
