//! How alerts from one source become tickets, as admins set it: where they go, who the requester
//! is, which priority each severity gets, and what repeats and recoveries do.

use serde::{Deserialize, Serialize};

use super::{AlertSource, Severity};
use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::config::{Item, check_name, check_ref};
use crate::domain::editor::{Opt, Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertSourceDef {
    pub name: String,
    pub active: bool,
    pub source: AlertSource,
    /// None: the help topic's department.
    pub department: Option<String>,
    /// None: the default help topic.
    pub help_topic: Option<String>,
    /// The ticket's requester (an account is made for it); it gets no auto-responses.
    pub requester: String,
    pub low: String,
    pub medium: String,
    pub high: String,
    pub critical: String,
    /// A repeat of an alert whose ticket is closed reopens it (else it only notes the repeat).
    pub reopen_closed: bool,
    /// A "resolved" payload resolves the ticket (else it only notes the recovery).
    pub resolve_on_recovery: bool,
    /// The payload fields (dot paths, comma separated) whose values make the fingerprint;
    /// empty: the source's built-in rule.
    #[serde(default)]
    pub fingerprint: String,
}

impl AlertSourceDef {
    /// What applies when an admin has set nothing for a source.
    pub fn default_for(source: AlertSource) -> AlertSourceDef {
        AlertSourceDef {
            name: source.label().replace("the sender", "Generic").to_string(),
            active: true,
            source,
            department: None,
            help_topic: None,
            requester: format!("{}@alerts.docket.localhost", source.slug()),
            low: "low".into(),
            medium: "normal".into(),
            high: "high".into(),
            critical: "emergency".into(),
            reopen_closed: true,
            resolve_on_recovery: false,
            fingerprint: String::new(),
        }
    }

    pub fn blank() -> AlertSourceDef {
        AlertSourceDef {
            name: String::new(),
            ..AlertSourceDef::default_for(AlertSource::Wazuh)
        }
    }

    /// The active settings for `source`, else its defaults.
    pub fn pick(defs: &[AlertSourceDef], source: AlertSource) -> AlertSourceDef {
        defs.iter()
            .find(|d| d.active && d.source == source)
            .cloned()
            .unwrap_or_else(|| AlertSourceDef::default_for(source))
    }

    pub fn priority(&self, severity: Severity) -> &str {
        match severity {
            Severity::Low => &self.low,
            Severity::Medium => &self.medium,
            Severity::High => &self.high,
            Severity::Critical => &self.critical,
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        let sources = AlertSource::ALL
            .iter()
            .map(|s| Opt::new(s.slug(), s.slug()))
            .collect();
        let priorities = options(&catalog.priorities);
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::choice("source", "Source", sources),
            Spec::optional_choice("department", "Department", options(&catalog.departments))
                .hint("None: the help topic's department."),
            Spec::optional_choice("help_topic", "Help topic", options(&catalog.topics))
                .hint("None: the default help topic."),
            Spec::text("requester", "Requester address")
                .hint("The alert tickets' requester; it never gets auto-responses."),
            Spec::choice("low", "Low severity → priority", priorities.clone()),
            Spec::choice("medium", "Medium severity → priority", priorities.clone()),
            Spec::choice("high", "High severity → priority", priorities.clone()),
            Spec::choice("critical", "Critical severity → priority", priorities),
            Spec::toggle("reopen_closed", "A repeat reopens a closed ticket"),
            Spec::toggle("resolve_on_recovery", "A recovery resolves the ticket"),
            Spec::text("fingerprint", "Fingerprint fields").hint(
                "Payload fields whose values together mean “the same alert again”, e.g. \
                 rule.id, agent.name. Empty: the source's built-in rule.",
            ),
        ])
    }
}

impl Item for AlertSourceDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        check_ref(
            &catalog.departments,
            self.department.as_deref(),
            "department",
            "Choose an active department.",
            &mut errors,
        );
        check_ref(
            &catalog.topics,
            self.help_topic.as_deref(),
            "help_topic",
            "Choose an active help topic.",
            &mut errors,
        );
        if crate::domain::user::Email::parse(&self.requester).is_err() {
            errors.push(FieldError::new(
                "requester",
                "Enter an address like siem@example.com.",
            ));
        }
        for (field, key) in [
            ("low", &self.low),
            ("medium", &self.medium),
            ("high", &self.high),
            ("critical", &self.critical),
        ] {
            if !knows(&catalog.priorities, key) {
                errors.push(FieldError::new(field, "Choose an active priority."));
            }
        }
        if let Some(problem) = super::fingerprint::check(&self.fingerprint) {
            errors.push(FieldError::new("fingerprint", problem));
        }
        errors
    }

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.requester = self.requester.trim().to_ascii_lowercase();
        self.fingerprint = super::fingerprint::fields(&self.fingerprint).join(", ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admins_settings_win_over_the_defaults_and_map_severities() {
        let mine = AlertSourceDef {
            critical: "high".into(),
            ..AlertSourceDef::default_for(AlertSource::Wazuh)
        };
        let defs = [mine];
        assert_eq!(
            AlertSourceDef::pick(&defs, AlertSource::Wazuh).priority(Severity::Critical),
            "high"
        );
        assert_eq!(
            AlertSourceDef::pick(&defs, AlertSource::Grafana).priority(Severity::Critical),
            "emergency"
        );
        assert_eq!(
            AlertSourceDef::pick(&defs, AlertSource::Grafana).requester,
            "grafana@alerts.docket.localhost"
        );
    }
}
