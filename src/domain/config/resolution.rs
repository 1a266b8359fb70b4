//! Resolution classes: how a ticket ended (true positive with or without impact, false positive,
//! benign, duplicate, ...), chosen on closing and required for alert tickets; the classes marked
//! as false positives feed the noisy-rule report.

use serde::{Deserialize, Serialize};

use super::{Item, check_name};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResolutionDef {
    pub name: String,
    pub active: bool,
    /// Counts towards a rule's false-positive rate.
    pub false_positive: bool,
    pub sort: i64,
}

/// An active resolution class as choices and reports use it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionClass {
    pub key: String,
    pub name: String,
    pub false_positive: bool,
}

impl ResolutionDef {
    pub fn blank() -> ResolutionDef {
        ResolutionDef {
            name: String::new(),
            active: true,
            false_positive: false,
            sort: 10,
        }
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::toggle("false_positive", "Counts as a false positive").hint(
                "Tickets closed with it count against their alert rule in the noisy-rules report.",
            ),
            Spec::number("sort", "Order").hint("Lower comes first in lists."),
        ])
    }
}

impl Item for ResolutionDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        errors
    }
}

/// Why a close needs a resolution class, or which one it names is not offered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolutionRefused {
    #[error("Choose how this alert was resolved (true positive, false positive, ...).")]
    Required,
    #[error("Choose one of the resolution classes.")]
    Unknown,
}

/// The class a close records: `chosen` must be an active class; alert tickets must have one
/// (when any class is configured).
pub fn resolution_for_close(
    chosen: Option<&str>,
    is_alert: bool,
    classes: &[ResolutionClass],
) -> Result<Option<String>, ResolutionRefused> {
    match chosen.map(str::trim).filter(|c| !c.is_empty()) {
        Some(key) if classes.iter().any(|c| c.key == key) => Ok(Some(key.to_string())),
        Some(_) => Err(ResolutionRefused::Unknown),
        None if is_alert && !classes.is_empty() => Err(ResolutionRefused::Required),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<ResolutionClass> {
        vec![ResolutionClass {
            key: "false_positive".into(),
            name: "False positive".into(),
            false_positive: true,
        }]
    }

    #[test]
    fn closing_an_alert_needs_a_resolution_class() {
        assert_eq!(
            resolution_for_close(None, true, &classes()),
            Err(ResolutionRefused::Required)
        );
        assert_eq!(
            resolution_for_close(Some("false_positive"), true, &classes()),
            Ok(Some("false_positive".into()))
        );
    }

    #[test]
    fn other_tickets_may_close_without_one_but_never_with_an_unknown_one() {
        assert_eq!(resolution_for_close(Some(" "), false, &classes()), Ok(None));
        assert_eq!(
            resolution_for_close(Some("nope"), false, &classes()),
            Err(ResolutionRefused::Unknown)
        );
    }

    #[test]
    fn without_any_class_configured_alerts_close_as_before() {
        assert_eq!(resolution_for_close(None, true, &[]), Ok(None));
    }
}
