//! Copy-paste recipes for pointing each tool at Docket, with the help desk's URL and a key filled
//! in. The integration tests post each tool's payload to the address its recipe gives.

use super::AlertSource;

/// One tool's setup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub source: AlertSource,
    pub title: &'static str,
    /// Where in the tool this goes.
    pub place: &'static str,
    /// The address alerts are posted to.
    pub url: String,
    pub snippet: String,
}

pub fn recipe(source: AlertSource, base_url: &str, key: &str) -> Recipe {
    let base = base_url.trim_end_matches('/');
    let url = format!("{base}/api/v1/alerts/{}", source.slug());
    let (title, place, url, snippet) = match source {
        AlertSource::Elastic => (
            "Kibana (Elastic Security)",
            "Stack Management → Connectors → Webhook: method POST, URL below, header X-API-Key. Then in each detection rule's actions, this body:",
            url.clone(),
            format!(
                "URL: {url}\nHeader: X-API-Key: {key}\nBody:\n{{\n  \"rule\": {{\"id\": \"{{{{rule.id}}}}\", \"rule_id\": \"{{{{context.rule.rule_id}}}}\", \"name\": \"{{{{rule.name}}}}\",\n           \"description\": \"{{{{context.rule.description}}}}\", \"severity\": \"{{{{context.rule.severity}}}}\", \"url\": \"{{{{rule.url}}}}\"}},\n  \"alert_id\": \"{{{{alert.id}}}}\",\n  \"alerts\": {{{{#toJson}}}}context.alerts{{{{/toJson}}}}\n}}"
            ),
        ),
        AlertSource::Wazuh => (
            "Wazuh",
            "On the manager: this block in /var/ossec/etc/ossec.conf, and the script below as /var/ossec/integrations/custom-docket (root:wazuh, mode 750); then restart wazuh-manager.",
            url.clone(),
            format!(
                "<integration>\n  <name>custom-docket</name>\n  <hook_url>{url}</hook_url>\n  <api_key>{key}</api_key>\n  <level>7</level>\n  <alert_format>json</alert_format>\n</integration>\n\n#!/usr/bin/env python3\n# custom-docket: posts the alert file Wazuh passes (argv 1) to hook_url (argv 3) with api_key (argv 2).\nimport sys, urllib.request\nalert = open(sys.argv[1], 'rb').read()\nreq = urllib.request.Request(sys.argv[3], data=alert, method='POST',\n    headers={{'X-API-Key': sys.argv[2], 'Content-Type': 'application/json'}})\nurllib.request.urlopen(req, timeout=10)"
            ),
        ),
        AlertSource::Alertmanager => (
            "Prometheus Alertmanager",
            "alertmanager.yml: a receiver, and a route that uses it.",
            url.clone(),
            format!(
                "receivers:\n  - name: docket\n    webhook_configs:\n      - url: {url}\n        send_resolved: true\n        http_config:\n          authorization:\n            type: Bearer\n            credentials: {key}"
            ),
        ),
        AlertSource::Grafana => (
            "Grafana",
            "Alerting → Contact points → New: integration Webhook, then Optional Webhook settings.",
            url.clone(),
            format!(
                "URL: {url}\nHTTP Method: POST\nAuthorization Header - Scheme: Bearer\nAuthorization Header - Credentials: {key}"
            ),
        ),
        AlertSource::Splunk => {
            let with_token = format!("{url}?token={key}");
            (
                "Splunk",
                "The saved search's Trigger Actions → Add Actions → Webhook (Splunk's webhook sends no headers, so the key goes in the URL).",
                with_token.clone(),
                format!("URL: {with_token}"),
            )
        }
        AlertSource::Generic => (
            "Anything else (generic JSON)",
            "POST this shape; only title is required. Repeats with the same fingerprint count on one ticket; status resolved notes recovery.",
            url.clone(),
            format!(
                "curl -X POST '{url}' -H 'X-API-Key: {key}' -H 'Content-Type: application/json' \\\n  -d '{{\"title\": \"Disk full on db-3\", \"description\": \"/var is 97% full\", \"severity\": \"high\",\n       \"fingerprint\": \"disk-db-3\", \"status\": \"firing\", \"link\": \"https://monitor.example/db-3\",\n       \"observables\": [{{\"kind\": \"host\", \"value\": \"db-3\"}}]}}'"
            ),
        ),
        AlertSource::TheHive => {
            let thehive = format!("{base}/api/alert");
            (
                "Tools that speak TheHive",
                "Give the tool Docket's address as its TheHive URL and the key as its TheHive API key (sent as Authorization: Bearer).",
                thehive.clone(),
                format!(
                    "TheHive URL: {base}\nAPI key: {key}\n(alerts arrive at {thehive} and {base}/api/v1/alert)"
                ),
            )
        }
    };
    Recipe {
        source,
        title,
        place,
        url,
        snippet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_carry_the_url_and_the_key() {
        for source in AlertSource::ALL {
            let r = recipe(source, "https://help.example.com/", "dk_KEY");
            assert!(
                r.url.starts_with("https://help.example.com/api/"),
                "{source:?}: {}",
                r.url
            );
            assert!(r.snippet.contains("dk_KEY"), "{source:?}");
        }
        let kibana = recipe(AlertSource::Elastic, "http://d", "k");
        assert!(
            kibana.snippet.contains("{{rule.name}}")
                && kibana
                    .snippet
                    .contains("{{#toJson}}context.alerts{{/toJson}}")
        );
        assert_eq!(
            recipe(AlertSource::Splunk, "http://d", "k").url,
            "http://d/api/v1/alerts/splunk?token=k"
        );
    }
}
