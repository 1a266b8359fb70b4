//! Each source's payload as [`Alert`]s. Unknown fields are ignored; a payload without anything
//! to call the alert by is refused with a message naming what is missing.

use serde_json::Value;

use super::observables::{add, scan};
use super::{Alert, AlertSource, AlertStatus, Observable, ObservableKind, Severity};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapError(pub String);

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = value;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn text_at(value: &Value, path: &[&str]) -> Option<String> {
    let mut v = value;
    for key in path {
        v = v.get(key)?;
    }
    text(v)
}

/// A value as text: a non-empty string (trimmed), a number or a boolean.
pub(super) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The observables a payload lists as objects (`[{kind_key: "ip", value_key: "…"}]`).
fn listed_observables(p: &Value, kind_key: &str, value_key: &str) -> Vec<Observable> {
    let mut observables = Vec::new();
    for o in p
        .get("observables")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(value) = text_at(o, &[value_key]) {
            let kind =
                str_at(o, &[kind_key]).map_or(ObservableKind::Other, ObservableKind::from_name);
            add(&mut observables, Observable::new(kind, value));
        }
    }
    observables
}

/// The alerts in a payload from `source`.
pub fn map(source: AlertSource, payload: &Value) -> Result<Vec<Alert>, MapError> {
    if !payload.is_object() {
        return Err(MapError("The payload must be a JSON object.".into()));
    }
    match source {
        AlertSource::Elastic => elastic(payload),
        AlertSource::Wazuh => wazuh(payload).map(|a| vec![a]),
        AlertSource::Grafana | AlertSource::Alertmanager => prometheus_style(source, payload),
        AlertSource::Splunk => splunk(payload).map(|a| vec![a]),
        AlertSource::Generic => generic(payload).map(|a| vec![a]),
        AlertSource::TheHive => thehive(payload).map(|a| vec![a]),
    }
}

fn severity_or(word: Option<&str>, default: Severity) -> Severity {
    word.and_then(Severity::from_word).unwrap_or(default)
}

/// A Kibana webhook connector's JSON body (one per rule run; each of its alerts is one alert).
fn elastic(p: &Value) -> Result<Vec<Alert>, MapError> {
    let title = str_at(p, &["rule", "name"])
        .or_else(|| str_at(p, &["title"]))
        .ok_or_else(|| {
            MapError("rule.name is missing: name the rule in the connector's body.".into())
        })?;
    let rule = str_at(p, &["rule", "rule_id"])
        .or_else(|| str_at(p, &["rule", "id"]))
        .map(str::to_string);
    let description = str_at(p, &["rule", "description"])
        .unwrap_or("")
        .to_string();
    let severity = severity_or(str_at(p, &["rule", "severity"]), Severity::Medium);
    let link = str_at(p, &["rule", "url"]).map(str::to_string);
    let entries: Vec<&Value> = p
        .get("alerts")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let one = |entry: Option<&Value>| {
        let mut observables = Vec::new();
        let host = entry.and_then(|e| str_at(e, &["host", "name"]));
        if let Some(e) = entry {
            if let Some(h) = host {
                add(&mut observables, Observable::new(ObservableKind::Host, h));
            }
            for path in [["source", "ip"], ["destination", "ip"]] {
                if let Some(ip) = str_at(e, &path) {
                    add(&mut observables, Observable::new(ObservableKind::Ip, ip));
                }
            }
            if let Some(user) = str_at(e, &["user", "name"]) {
                add(
                    &mut observables,
                    Observable::new(ObservableKind::User, user),
                );
            }
        }
        scan(&description, &mut observables);
        let uuid = entry
            .and_then(|e| str_at(e, &["kibana.alert.uuid"]))
            .or_else(|| str_at(p, &["alert_id"]));
        let fingerprint = match uuid {
            Some(uuid) => format!("elastic:{uuid}"),
            None => format!(
                "elastic:{}:{}",
                rule.as_deref().unwrap_or(title),
                host.unwrap_or("-")
            ),
        };
        let severity = entry
            .and_then(|e| str_at(e, &["kibana.alert.severity"]))
            .and_then(Severity::from_word)
            .unwrap_or(severity);
        Alert {
            source: AlertSource::Elastic,
            title: match host {
                Some(h) => format!("{title} on {h}"),
                None => title.to_string(),
            },
            description: description.clone(),
            severity,
            link: link.clone(),
            rule: rule.clone().or(Some(title.to_string())),
            fingerprint,
            status: AlertStatus::Firing,
            observables,
        }
    };
    Ok(if entries.is_empty() {
        vec![one(None)]
    } else {
        entries.into_iter().map(|e| one(Some(e))).collect()
    })
}

/// A Wazuh alert as the manager writes it, or wrapped by an integration script (`{"alert": …}`)
/// or an active response (`{"parameters": {"alert": …}}`).
fn wazuh(p: &Value) -> Result<Alert, MapError> {
    let alert = p
        .get("alert")
        .or_else(|| p.get("parameters").and_then(|x| x.get("alert")))
        .unwrap_or(p);
    let title = str_at(alert, &["rule", "description"]).ok_or_else(|| {
        MapError("rule.description is missing: send the Wazuh alert JSON.".into())
    })?;
    let rule_id = text_at(alert, &["rule", "id"]).unwrap_or_else(|| "-".into());
    let level = alert
        .get("rule")
        .and_then(|r| r.get("level"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let agent = str_at(alert, &["agent", "name"]).or_else(|| str_at(alert, &["agent", "id"]));
    let src_ip = str_at(alert, &["data", "srcip"]);
    let mut observables = Vec::new();
    if let Some(ip) = src_ip {
        add(&mut observables, Observable::new(ObservableKind::Ip, ip));
    }
    if let Some(host) = str_at(alert, &["agent", "name"]) {
        add(
            &mut observables,
            Observable::new(ObservableKind::Host, host),
        );
    }
    if let Some(ip) = str_at(alert, &["agent", "ip"]) {
        add(&mut observables, Observable::new(ObservableKind::Ip, ip));
    }
    for user in [["data", "srcuser"], ["data", "dstuser"]] {
        if let Some(u) = str_at(alert, &user) {
            add(&mut observables, Observable::new(ObservableKind::User, u));
        }
    }
    for id in alert
        .pointer("/rule/mitre/id")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        add(
            &mut observables,
            Observable::new(ObservableKind::Technique, id),
        );
    }
    let full_log = str_at(alert, &["full_log"]).unwrap_or("");
    scan(full_log, &mut observables);
    let mut description = format!("Wazuh rule {rule_id} (level {level})");
    if let Some(agent) = agent {
        description.push_str(&format!(" on agent {agent}"));
    }
    description.push('.');
    if !full_log.is_empty() {
        description.push_str(&format!("\n\n{full_log}"));
    }
    if let Some(location) = str_at(alert, &["location"]) {
        description.push_str(&format!("\nLocation: {location}"));
    }
    Ok(Alert {
        source: AlertSource::Wazuh,
        title: match agent {
            Some(a) => format!("{title} ({a})"),
            None => title.to_string(),
        },
        description,
        severity: Severity::from_wazuh_level(level),
        link: None,
        rule: Some(rule_id.clone()),
        fingerprint: format!(
            "wazuh:{rule_id}:{}:{}",
            agent.unwrap_or("-"),
            src_ip.unwrap_or("-")
        ),
        status: AlertStatus::Firing,
        observables,
    })
}

/// Grafana's and Alertmanager's webhook (version 4): one alert per entry, with its fingerprint.
fn prometheus_style(source: AlertSource, p: &Value) -> Result<Vec<Alert>, MapError> {
    if source == AlertSource::Alertmanager
        && let Some(version) = str_at(p, &["version"])
        && version != "4"
    {
        return Err(MapError(format!(
            "Alertmanager payload version {version} is not supported; version 4 is."
        )));
    }
    let entries = p
        .get("alerts")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| MapError("alerts is missing or empty.".into()))?;
    let group = str_at(p, &["groupKey"]).unwrap_or("-");
    entries
        .iter()
        .map(|a| {
            let name = str_at(a, &["labels", "alertname"])
                .ok_or_else(|| MapError("An alert has no labels.alertname.".into()))?;
            let summary = str_at(a, &["annotations", "summary"]);
            let description = str_at(a, &["annotations", "description"])
                .or(summary)
                .unwrap_or("")
                .to_string();
            let mut observables = Vec::new();
            if let Some(instance) = str_at(a, &["labels", "instance"]) {
                let host = instance.rsplit_once(':').map_or(instance, |(h, _)| h);
                add(
                    &mut observables,
                    Observable::new(ObservableKind::Host, host),
                );
            }
            for label in ["host", "hostname", "node"] {
                if let Some(h) = str_at(a, &["labels", label]) {
                    add(&mut observables, Observable::new(ObservableKind::Host, h));
                }
            }
            scan(&description, &mut observables);
            let fingerprint = str_at(a, &["fingerprint"])
                .map(str::to_string)
                .unwrap_or_else(|| format!("{group}:{name}"));
            Ok(Alert {
                source,
                title: match summary {
                    Some(s) if s != name => format!("{name}: {s}"),
                    _ => name.to_string(),
                },
                description,
                severity: severity_or(str_at(a, &["labels", "severity"]), Severity::Medium),
                link: str_at(a, &["generatorURL"]).map(str::to_string),
                rule: Some(name.to_string()),
                fingerprint: format!("{}:{fingerprint}", source.slug()),
                status: if str_at(a, &["status"]) == Some("resolved") {
                    AlertStatus::Resolved
                } else {
                    AlertStatus::Firing
                },
                observables,
            })
        })
        .collect()
}

/// Splunk's webhook alert action: the saved search and its first result row.
fn splunk(p: &Value) -> Result<Alert, MapError> {
    let search = str_at(p, &["search_name"]).ok_or_else(|| {
        MapError("search_name is missing: send Splunk's webhook alert action.".into())
    })?;
    let result = p.get("result").and_then(Value::as_object);
    let mut observables = Vec::new();
    let mut lines = Vec::new();
    for (key, value) in result.into_iter().flatten() {
        let Some(text) = value
            .as_str()
            .map(str::to_string)
            .or_else(|| value.as_number().map(|n| n.to_string()))
        else {
            continue;
        };
        lines.push(format!("{key}: {text}"));
        let kind = match key.as_str() {
            "src_ip" | "src" | "dest_ip" | "dest" | "ip" | "clientip" => Some(ObservableKind::Ip),
            "user" | "src_user" | "dest_user" => Some(ObservableKind::User),
            "host" | "dest_host" | "src_host" => Some(ObservableKind::Host),
            _ => None,
        };
        match kind {
            Some(ObservableKind::Ip) if text.parse::<std::net::IpAddr>().is_err() => {
                add(
                    &mut observables,
                    Observable::new(ObservableKind::Host, text),
                );
            }
            Some(kind) => add(&mut observables, Observable::new(kind, text)),
            None => {}
        }
    }
    let subject = ["src_ip", "src", "host", "user"]
        .iter()
        .find_map(|k| result.and_then(|r| r.get(*k)).and_then(Value::as_str))
        .unwrap_or("-");
    Ok(Alert {
        source: AlertSource::Splunk,
        title: format!("{search} ({subject})"),
        description: format!("Splunk search “{search}” found:\n{}", lines.join("\n")),
        severity: severity_or(
            result
                .and_then(|r| r.get("severity").or(r.get("urgency")))
                .and_then(Value::as_str),
            Severity::Medium,
        ),
        link: str_at(p, &["results_link"]).map(str::to_string),
        rule: Some(search.to_string()),
        fingerprint: format!("splunk:{search}:{subject}"),
        status: AlertStatus::Firing,
        observables,
    })
}

/// Docket's own shape, for anything else:
/// `{"title", "description", "severity", "link", "rule", "fingerprint", "status",
///   "observables": [{"kind": "ip", "value": "…"}]}`; only `title` is required.
fn generic(p: &Value) -> Result<Alert, MapError> {
    let title = str_at(p, &["title"]).ok_or_else(|| MapError("title is missing.".into()))?;
    let description = str_at(p, &["description"]).unwrap_or("").to_string();
    let mut observables = listed_observables(p, "kind", "value");
    scan(&description, &mut observables);
    let rule = str_at(p, &["rule"]).map(str::to_string);
    Ok(Alert {
        source: AlertSource::Generic,
        title: title.to_string(),
        description,
        severity: severity_or(str_at(p, &["severity"]), Severity::Medium),
        link: str_at(p, &["link"]).map(str::to_string),
        fingerprint: format!(
            "generic:{}",
            str_at(p, &["fingerprint"])
                .or(rule.as_deref())
                .unwrap_or(title)
        ),
        rule,
        status: if str_at(p, &["status"]) == Some("resolved") {
            AlertStatus::Resolved
        } else {
            AlertStatus::Firing
        },
        observables,
    })
}

/// TheHive's alert: type, source and sourceRef identify it.
fn thehive(p: &Value) -> Result<Alert, MapError> {
    let title = str_at(p, &["title"]).ok_or_else(|| MapError("title is missing.".into()))?;
    let (kind, source, source_ref) = (
        str_at(p, &["type"]).unwrap_or("external"),
        str_at(p, &["source"]).unwrap_or("unknown"),
        text_at(p, &["sourceRef"]).ok_or_else(|| MapError("sourceRef is missing.".into()))?,
    );
    let description = str_at(p, &["description"]).unwrap_or("").to_string();
    let mut observables = listed_observables(p, "dataType", "data");
    scan(&description, &mut observables);
    Ok(Alert {
        source: AlertSource::TheHive,
        title: title.to_string(),
        description,
        severity: p
            .get("severity")
            .and_then(Value::as_i64)
            .map_or(Severity::Medium, Severity::from_number),
        link: None,
        rule: Some(format!("{source}/{kind}")),
        fingerprint: format!("thehive:{kind}:{source}:{source_ref}"),
        status: AlertStatus::Firing,
        observables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/tests/fixtures/alerts/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn has(alert: &Alert, kind: ObservableKind, value: &str) -> bool {
        alert.observables.contains(&Observable::new(kind, value))
    }

    #[test]
    fn wazuh_maps_rule_agent_source_ip_and_mitre() {
        let a = &map(AlertSource::Wazuh, &fixture("wazuh-sshd-bruteforce.json")).unwrap()[0];
        assert_eq!(
            a.title,
            "sshd: brute force trying to get access to the system. Non existent user. (web-frontend-2)"
        );
        assert_eq!(a.severity, Severity::High);
        assert_eq!(a.fingerprint, "wazuh:5712:web-frontend-2:198.51.100.23");
        assert_eq!(a.rule.as_deref(), Some("5712"));
        for (kind, value) in [
            (ObservableKind::Ip, "198.51.100.23"),
            (ObservableKind::Host, "web-frontend-2"),
            (ObservableKind::Ip, "10.20.0.14"),
            (ObservableKind::User, "oracle"),
            (ObservableKind::Technique, "T1110"),
        ] {
            assert!(has(a, kind, value), "{kind:?} {value}: {:?}", a.observables);
        }
        // The integration envelope maps the same.
        let wrapped = serde_json::json!({ "alert": fixture("wazuh-sshd-bruteforce.json") });
        assert_eq!(
            map(AlertSource::Wazuh, &wrapped).unwrap()[0].fingerprint,
            a.fingerprint
        );
    }

    #[test]
    fn elastic_maps_the_rule_and_each_alert() {
        let a = &map(AlertSource::Elastic, &fixture("elastic-json-template.json")).unwrap()[0];
        assert_eq!(a.title, "SSH Brute Force Attempt on web-frontend-2");
        assert_eq!(a.severity, Severity::High);
        assert_eq!(a.fingerprint, "elastic:f1c9a4d2e7b3");
        assert_eq!(a.rule.as_deref(), Some("ssh-bruteforce-linux"));
        assert_eq!(
            a.link.as_deref(),
            Some("http://kibana.local:5601/app/security/rules/id/8c4f1e2a")
        );
        assert!(
            has(a, ObservableKind::Ip, "198.51.100.23") && has(a, ObservableKind::User, "oracle")
        );
    }

    #[test]
    fn alertmanager_and_grafana_carry_fingerprints_and_status() {
        let firing = &map(
            AlertSource::Alertmanager,
            &fixture("alertmanager-v4-firing.json"),
        )
        .unwrap()[0];
        assert_eq!(firing.title, "HostDiskFull: Disk almost full on db-3");
        assert_eq!(firing.severity, Severity::Critical);
        assert_eq!(firing.fingerprint, "alertmanager:9d2b41f3a0c7e611");
        assert_eq!(firing.status, AlertStatus::Firing);
        assert!(has(firing, ObservableKind::Host, "db-3"));
        let resolved = &map(
            AlertSource::Alertmanager,
            &fixture("alertmanager-v4-resolved.json"),
        )
        .unwrap()[0];
        assert_eq!(
            (resolved.fingerprint.as_str(), resolved.status),
            (firing.fingerprint.as_str(), AlertStatus::Resolved)
        );
        let mut old = fixture("alertmanager-v4-firing.json");
        old["version"] = "3".into();
        assert!(
            map(AlertSource::Alertmanager, &old)
                .unwrap_err()
                .0
                .contains("version 3")
        );
        let g = &map(AlertSource::Grafana, &fixture("grafana-firing.json")).unwrap()[0];
        assert_eq!(
            g.title,
            "Failed logins spike: Failed VPN logins above 200/min"
        );
        assert_eq!(g.fingerprint, "grafana:4f0e2ab9d1c35a77");
        assert!(has(g, ObservableKind::Host, "vpn-gw-1"));
        assert_eq!(
            g.link.as_deref(),
            Some("http://grafana.local/alerting/grafana/cdx81/view")
        );
    }

    #[test]
    fn splunk_and_thehive() {
        let s = &map(AlertSource::Splunk, &fixture("splunk-webhook.json")).unwrap()[0];
        assert_eq!(s.title, "Excessive failed logins (203.0.113.77)");
        assert_eq!(s.fingerprint, "splunk:Excessive failed logins:203.0.113.77");
        assert!(
            has(s, ObservableKind::Ip, "203.0.113.77")
                && has(s, ObservableKind::User, "svc_backup")
        );
        assert!(s.description.contains("count: 57"));
        let t = &map(AlertSource::TheHive, &fixture("thehive-alert.json")).unwrap()[0];
        assert_eq!(t.title, "SSH brute force on web-frontend-2");
        assert_eq!(t.severity, Severity::High);
        assert_eq!(
            t.fingerprint,
            "thehive:siem:elastic:5712-web-frontend-2-198.51.100.23"
        );
        assert!(
            has(t, ObservableKind::Ip, "198.51.100.23")
                && has(t, ObservableKind::Host, "web-frontend-2")
        );
    }

    #[test]
    fn payloads_without_a_name_are_refused_by_what_is_missing() {
        assert!(
            map(AlertSource::Wazuh, &serde_json::json!({}))
                .unwrap_err()
                .0
                .contains("rule.description")
        );
        assert!(map(AlertSource::Generic, &serde_json::json!([])).is_err());
        assert!(map(AlertSource::Grafana, &serde_json::json!({ "alerts": [] })).is_err());
        let g = map(AlertSource::Generic, &serde_json::json!({ "title": "Disk", "status": "resolved", "observables": [{ "kind": "ip", "value": "192.0.2.1" }] })).unwrap();
        assert_eq!(
            (g[0].fingerprint.as_str(), g[0].status),
            ("generic:Disk", AlertStatus::Resolved)
        );
    }
}
