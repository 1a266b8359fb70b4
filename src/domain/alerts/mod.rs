//! SIEM alerts as tickets: each source's payload mapped to [`Alert`]s (title, description,
//! severity, link, observables, a fingerprint for de-duplication, firing or resolved), and what a
//! repeat does to the ticket it repeats. Pure: the payload is JSON already parsed.

pub mod fingerprint;
pub mod mapping;
pub mod observables;
pub mod recipes;
pub mod settings;
pub mod source;

pub use observables::{Observable, ObservableKind};
pub use source::AlertSource;

use serde::{Deserialize, Serialize};

/// How urgent the source says an alert is, on one scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Words sources use (`warning`, `error`, `page`, `info`, ...).
    pub fn from_word(word: &str) -> Option<Severity> {
        match word.trim().to_ascii_lowercase().as_str() {
            "low" | "info" | "informational" | "none" | "minor" => Some(Severity::Low),
            "medium" | "moderate" | "warning" | "warn" | "average" => Some(Severity::Medium),
            "high" | "major" | "error" | "severe" => Some(Severity::High),
            "critical" | "crit" | "disaster" | "page" | "emergency" | "fatal" => {
                Some(Severity::Critical)
            }
            _ => None,
        }
    }

    /// Wazuh rule levels 0-15: 0-6 low, 7-9 medium, 10-12 high, 13-15 critical.
    pub fn from_wazuh_level(level: i64) -> Severity {
        match level {
            ..=6 => Severity::Low,
            7..=9 => Severity::Medium,
            10..=12 => Severity::High,
            _ => Severity::Critical,
        }
    }

    /// TheHive's 1 (low) to 4 (critical).
    pub fn from_number(n: i64) -> Severity {
        match n {
            ..=1 => Severity::Low,
            2 => Severity::Medium,
            3 => Severity::High,
            _ => Severity::Critical,
        }
    }
}

/// Whether the alert is happening or over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Firing,
    Resolved,
}

/// One alert, whatever sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub source: AlertSource,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    /// Where to look at it in the source tool.
    pub link: Option<String>,
    /// The detection that fired (rule id or name): what "noisy rules" count.
    pub rule: Option<String>,
    /// Repeats share it.
    pub fingerprint: String,
    pub status: AlertStatus,
    pub observables: Vec<Observable>,
}

impl Alert {
    /// The ticket's first message: the description, the link and the observables, readable.
    pub fn message(&self) -> String {
        let mut text = self.description.trim().to_string();
        if text.is_empty() {
            text = self.title.clone();
        }
        if let Some(link) = &self.link {
            text.push_str(&format!("\n\nOpen in {}: {link}", self.source.label()));
        }
        if !self.observables.is_empty() {
            text.push_str("\n\nObservables:");
            for o in &self.observables {
                text.push_str(&format!("\n- {}: {}", o.kind.label(), o.value));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_from_words_levels_and_numbers() {
        assert_eq!(Severity::from_word("Warning"), Some(Severity::Medium));
        assert_eq!(Severity::from_word("critical"), Some(Severity::Critical));
        assert_eq!(Severity::from_word("purple"), None);
        assert_eq!(Severity::from_wazuh_level(10), Severity::High);
        assert_eq!(Severity::from_wazuh_level(3), Severity::Low);
        assert_eq!(Severity::from_number(3), Severity::High);
    }
}
