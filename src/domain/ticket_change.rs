//! What agents change on a ticket, how each change reads in the thread, and the version rule that
//! refuses changes based on a stale view (no locks: the later writer is told what happened).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change an agent makes to a ticket's properties. Keys name catalogue records or accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum TicketChange {
    /// Assign to an agent (by id), or release with `None`.
    Assign {
        agent: Option<String>,
    },
    /// Assign to a team (by key), or clear it with `None`; independent of the agent.
    AssignTeam {
        team: Option<String>,
    },
    /// Move to another department, with a comment kept as an internal note.
    Transfer {
        department: String,
        comment: String,
    },
    /// Give another department access without moving the ticket.
    Refer {
        department: String,
    },
    Status {
        status: String,
        /// How the ticket ended (a resolution class key), when the status closes it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolution: Option<String>,
    },
    Priority {
        priority: String,
    },
    HelpTopic {
        topic: String,
    },
    /// A manual due date (`None` clears it).
    Due {
        due: Option<DateTime<Utc>>,
    },
    Tags {
        tags: Vec<String>,
    },
    /// Customers (by email) copied on the ticket.
    Collaborators {
        emails: Vec<String>,
    },
    /// Custom field inputs by field name (fields not named keep their values).
    Fields {
        values: std::collections::BTreeMap<String, Vec<String>>,
    },
}

impl TicketChange {
    /// The name live events and the audit trail use for what changed.
    pub fn field(&self) -> &'static str {
        match self {
            TicketChange::Assign { .. } => "assignee",
            TicketChange::AssignTeam { .. } => "team",
            TicketChange::Transfer { .. } => "department",
            TicketChange::Refer { .. } => "referred",
            TicketChange::Status { .. } => "status",
            TicketChange::Priority { .. } => "priority",
            TicketChange::HelpTopic { .. } => "help_topic",
            TicketChange::Due { .. } => "due_at",
            TicketChange::Tags { .. } => "tags",
            TicketChange::Collaborators { .. } => "collaborators",
            TicketChange::Fields { .. } => "fields",
        }
    }

    /// Changes customers never learn about (who works on it, internal routing and labels).
    pub fn staff_only(&self) -> bool {
        !matches!(
            self,
            TicketChange::Status { .. }
                | TicketChange::Priority { .. }
                | TicketChange::HelpTopic { .. }
                | TicketChange::Collaborators { .. }
                | TicketChange::Transfer { .. }
                | TicketChange::Fields { .. }
        )
    }
}

/// The sentence a change leaves in the thread: "Priya changed priority from Normal to High."
pub fn change_sentence(actor: &str, what: &str, from: &str, to: &str) -> String {
    match (from.is_empty(), to.is_empty()) {
        (true, true) => format!("{actor} changed {what}."),
        (true, false) => format!("{actor} set {what} to {to}."),
        (false, true) => format!("{actor} cleared {what} (was {from})."),
        (false, false) => format!("{actor} changed {what} from {from} to {to}."),
    }
}

/// Refused because the ticket moved on since the caller read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("This ticket changed since you opened it (your version {based_on}, now {current}).")]
pub struct Stale {
    pub based_on: u64,
    pub current: u64,
}

/// A change based on version `based_on` applies only to a ticket still at that version.
pub fn check_version(based_on: u64, current: u64) -> Result<(), Stale> {
    if based_on == current {
        Ok(())
    } else {
        Err(Stale { based_on, current })
    }
}

/// The most tags one ticket carries.
pub const MAX_TAGS: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("Tags are letters, digits and - _ : . only (\"{0}\" is not).")]
    Invalid(String),
    #[error("Use at most 20 tags.")]
    TooMany,
}

/// Tags from a comma or space separated list: lower case, de-duplicated, in the order given.
pub fn parse_tags(input: &str) -> Result<Vec<String>, TagError> {
    let mut tags: Vec<String> = Vec::new();
    for raw in input
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let tag = raw.trim_start_matches('#').to_lowercase();
        let valid = !tag.is_empty()
            && tag.chars().count() <= 40
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
        if !valid {
            return Err(TagError::Invalid(raw.to_string()));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(TagError::TooMany);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_based_on_an_old_version_is_stale() {
        assert_eq!(check_version(3, 3), Ok(()));
        assert_eq!(
            check_version(3, 5),
            Err(Stale {
                based_on: 3,
                current: 5
            })
        );
    }

    #[test]
    fn change_sentences_read_naturally() {
        assert_eq!(
            change_sentence("Priya", "priority", "Normal", "High"),
            "Priya changed priority from Normal to High."
        );
        assert_eq!(
            change_sentence("Priya", "the assignee", "", "Sam"),
            "Priya set the assignee to Sam."
        );
        assert_eq!(
            change_sentence("Priya", "the assignee", "Sam", ""),
            "Priya cleared the assignee (was Sam)."
        );
    }

    #[test]
    fn tags_are_lower_case_and_unique() {
        assert_eq!(
            parse_tags("VPN, #mfa vpn  phishing:q3"),
            Ok(vec!["vpn".into(), "mfa".into(), "phishing:q3".into()])
        );
        assert_eq!(parse_tags(""), Ok(vec![]));
        assert!(matches!(parse_tags("a<b"), Err(TagError::Invalid(_))));
        let many = (0..21)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(parse_tags(&many), Err(TagError::TooMany));
    }

    #[test]
    fn assignment_and_referral_are_staff_only_but_status_is_not() {
        assert!(TicketChange::Assign { agent: None }.staff_only());
        assert!(
            TicketChange::Refer {
                department: "x".into()
            }
            .staff_only()
        );
        assert!(
            !TicketChange::Status {
                status: "open".into(),
                resolution: None,
            }
            .staff_only()
        );
    }
}
