//! A filter's actions: what it does to a ticket it matches, and their validation.

use serde::{Deserialize, Serialize};

use super::{MAX_TAG, tags};
use crate::domain::catalog::{Catalog, knows};
use crate::domain::ticket::Named;
use crate::domain::user::Email;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterAction {
    pub kind: ActionKind,
    /// The target key (department key, priority key, ...), comma-separated tags, or an email
    /// address; empty for Reject and SuppressAutoResponse.
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Reject,
    Department,
    Priority,
    SlaPlan,
    Status,
    HelpTopic,
    AssignAgent,
    AssignTeam,
    AddTags,
    CannedReply,
    SuppressAutoResponse,
    AlertAddress,
}

impl ActionKind {
    pub const ALL: [ActionKind; 12] = [
        ActionKind::Reject,
        ActionKind::Department,
        ActionKind::Priority,
        ActionKind::SlaPlan,
        ActionKind::Status,
        ActionKind::HelpTopic,
        ActionKind::AssignAgent,
        ActionKind::AssignTeam,
        ActionKind::AddTags,
        ActionKind::CannedReply,
        ActionKind::SuppressAutoResponse,
        ActionKind::AlertAddress,
    ];

    /// The serde name, also the sibling value the editor's target choice depends on.
    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Reject => "reject",
            ActionKind::Department => "department",
            ActionKind::Priority => "priority",
            ActionKind::SlaPlan => "sla_plan",
            ActionKind::Status => "status",
            ActionKind::HelpTopic => "help_topic",
            ActionKind::AssignAgent => "assign_agent",
            ActionKind::AssignTeam => "assign_team",
            ActionKind::AddTags => "add_tags",
            ActionKind::CannedReply => "canned_reply",
            ActionKind::SuppressAutoResponse => "suppress_auto_response",
            ActionKind::AlertAddress => "alert_address",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Reject => "Reject the ticket",
            ActionKind::Department => "Set department",
            ActionKind::Priority => "Set priority",
            ActionKind::SlaPlan => "Set SLA plan",
            ActionKind::Status => "Set status",
            ActionKind::HelpTopic => "Set help topic",
            ActionKind::AssignAgent => "Assign to agent",
            ActionKind::AssignTeam => "Assign to team",
            ActionKind::AddTags => "Add tags",
            ActionKind::CannedReply => "Send canned auto-reply",
            ActionKind::SuppressAutoResponse => "Suppress the auto-response",
            ActionKind::AlertAddress => "Alert an address",
        }
    }
}

impl FilterAction {
    /// What is wrong with this action's value, if anything.
    pub(super) fn problem(&self, catalog: &Catalog) -> Option<String> {
        let value = self.value.trim();
        let known =
            |list: &[Named], message: &str| (!knows(list, value)).then(|| message.to_string());
        match self.kind {
            ActionKind::Reject | ActionKind::SuppressAutoResponse => None,
            ActionKind::Department => known(&catalog.departments, "Choose a department."),
            ActionKind::Priority => known(&catalog.priorities, "Choose a priority."),
            ActionKind::SlaPlan => known(&catalog.sla_plans, "Choose an SLA plan."),
            ActionKind::HelpTopic => known(&catalog.topics, "Choose a help topic."),
            ActionKind::AssignAgent => known(&catalog.agents, "Choose an agent."),
            ActionKind::AssignTeam => known(&catalog.teams, "Choose a team."),
            ActionKind::CannedReply => known(&catalog.canned, "Choose a canned reply."),
            ActionKind::Status => catalog
                .status(value)
                .is_none()
                .then(|| "Choose a status.".to_string()),
            ActionKind::AddTags => {
                let tags = tags(value);
                if tags.is_empty() {
                    Some("Enter at least one tag; separate tags with commas.".to_string())
                } else if tags.iter().any(|t| t.chars().count() > MAX_TAG) {
                    Some(format!("A tag can be at most {MAX_TAG} characters."))
                } else {
                    None
                }
            }
            ActionKind::AlertAddress => Email::parse(value)
                .err()
                .map(|_| "Enter the email address to alert, like oncall@example.com.".to_string()),
        }
    }
}
