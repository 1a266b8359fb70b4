//! The tools Docket takes alerts from.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSource {
    Elastic,
    Wazuh,
    Grafana,
    Alertmanager,
    Splunk,
    Generic,
    TheHive,
}

impl AlertSource {
    pub const ALL: [AlertSource; 7] = [
        AlertSource::Elastic,
        AlertSource::Wazuh,
        AlertSource::Grafana,
        AlertSource::Alertmanager,
        AlertSource::Splunk,
        AlertSource::Generic,
        AlertSource::TheHive,
    ];

    /// The path segment in `/api/v1/alerts/{source}`.
    pub fn slug(self) -> &'static str {
        match self {
            AlertSource::Elastic => "elastic",
            AlertSource::Wazuh => "wazuh",
            AlertSource::Grafana => "grafana",
            AlertSource::Alertmanager => "alertmanager",
            AlertSource::Splunk => "splunk",
            AlertSource::Generic => "generic",
            AlertSource::TheHive => "thehive",
        }
    }

    pub fn parse(slug: &str) -> Option<AlertSource> {
        AlertSource::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            AlertSource::Elastic => "Kibana",
            AlertSource::Wazuh => "Wazuh",
            AlertSource::Grafana => "Grafana",
            AlertSource::Alertmanager => "Alertmanager",
            AlertSource::Splunk => "Splunk",
            AlertSource::Generic => "the sender",
            AlertSource::TheHive => "TheHive",
        }
    }
}
