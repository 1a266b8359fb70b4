//! An admin's own fingerprint rule for a source: the payload fields whose values together say
//! "the same alert again" (e.g. `rule.id, agent.name` for Wazuh), instead of the built-in rule.

use serde_json::Value;

use super::mapping::text;
use super::{Alert, AlertSource};

/// The most fields one rule names.
pub const MAX_FIELDS: usize = 10;

/// The rule's fields: dot paths separated by commas.
pub fn fields(rule: &str) -> Vec<&str> {
    rule.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

/// Why a rule cannot be used, if it cannot.
pub fn check(rule: &str) -> Option<String> {
    let fields = fields(rule);
    if fields.len() > MAX_FIELDS {
        return Some(format!("Name at most {MAX_FIELDS} fields."));
    }
    fields
        .iter()
        .find(|f| {
            f.len() > 200
                || !f
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        })
        .map(|f| format!("“{f}” is not a field path like rule.id or agent.name."))
}

/// The JSON object each of the payload's alerts was mapped from, in the mappers' order.
fn items(source: AlertSource, payload: &Value) -> Vec<&Value> {
    let list = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
            .map(|a| a.iter().collect::<Vec<_>>())
    };
    match source {
        AlertSource::Alertmanager | AlertSource::Grafana => list("alerts").unwrap_or_default(),
        AlertSource::Elastic => list("alerts").unwrap_or_else(|| vec![payload]),
        AlertSource::Wazuh => vec![
            payload
                .get("alert")
                .or_else(|| payload.get("parameters").and_then(|p| p.get("alert")))
                .unwrap_or(payload),
        ],
        AlertSource::Splunk | AlertSource::Generic | AlertSource::TheHive => vec![payload],
    }
}

/// The value at a dot path; a key that itself contains dots (`kibana.alert.uuid`) is found too.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(found) = value.get(path) {
        return Some(found);
    }
    path.match_indices('.').find_map(|(i, _)| {
        value
            .get(&path[..i])
            .and_then(|inner| lookup(inner, &path[i + 1..]))
    })
}

/// Gives each alert the fingerprint `rule` makes of its own fields. An alert none of whose fields
/// has a value keeps the built-in fingerprint; a missing field counts as `-`.
pub fn apply(rule: &str, source: AlertSource, payload: &Value, alerts: &mut [Alert]) {
    let fields = fields(rule);
    let items = items(source, payload);
    if fields.is_empty() || items.len() != alerts.len() {
        return;
    }
    for (alert, item) in alerts.iter_mut().zip(items) {
        let values: Vec<Option<String>> = fields
            .iter()
            .map(|f| lookup(item, f).and_then(text))
            .collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        let joined: Vec<String> = values
            .into_iter()
            .map(|v| v.unwrap_or_else(|| "-".into()))
            .collect();
        alert.fingerprint = format!("{}:{}", source.slug(), joined.join(":"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::mapping::map;
    use serde_json::json;

    #[test]
    fn a_rule_fingerprints_each_alert_by_its_own_fields() {
        let payload = json!({ "version": "4", "groupKey": "g", "alerts": [
            { "status": "firing", "labels": { "alertname": "DiskFull", "instance": "db-1:9100" }, "fingerprint": "a1" },
            { "status": "firing", "labels": { "alertname": "DiskFull", "instance": "db-2:9100" }, "fingerprint": "a2" },
        ]});
        let mut alerts = map(AlertSource::Alertmanager, &payload).unwrap();
        apply(
            "labels.alertname, labels.instance",
            AlertSource::Alertmanager,
            &payload,
            &mut alerts,
        );
        assert_eq!(alerts[0].fingerprint, "alertmanager:DiskFull:db-1:9100");
        assert_eq!(alerts[1].fingerprint, "alertmanager:DiskFull:db-2:9100");
    }

    #[test]
    fn wazuh_envelopes_dotted_keys_and_missing_fields() {
        let payload = json!({ "alert": { "rule": { "id": "5712", "description": "sshd" },
            "agent": { "name": "web-1" } } });
        let mut alerts = map(AlertSource::Wazuh, &payload).unwrap();
        let builtin = alerts[0].fingerprint.clone();
        apply(
            "rule.id, data.srcip",
            AlertSource::Wazuh,
            &payload,
            &mut alerts,
        );
        assert_eq!(alerts[0].fingerprint, "wazuh:5712:-");
        let mut again = map(AlertSource::Wazuh, &payload).unwrap();
        apply("nothing.here", AlertSource::Wazuh, &payload, &mut again);
        assert_eq!(again[0].fingerprint, builtin, "no value: the built-in rule");
        let dotted = json!({ "kibana.alert.uuid": "u-1" });
        assert_eq!(lookup(&dotted, "kibana.alert.uuid"), Some(&json!("u-1")));
    }

    #[test]
    fn rules_are_field_paths() {
        assert_eq!(check("rule.id, agent.name"), None);
        assert!(check("rule.id; DROP").is_some());
        assert!(check(&"a,".repeat(11)).is_some());
    }
}
