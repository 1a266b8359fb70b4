//! Ticket filters (osTicket's routing rules): conditions on a new ticket and the actions taken
//! when they match, the engine that runs them in order, their validation and their editor schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::catalog::Catalog;
use crate::domain::user::Email;
use crate::error::FieldError;

mod action;
mod condition;
mod schema;

pub use action::{ActionKind, FilterAction};
pub use condition::{Condition, Operator};
pub use schema::schema;

/// The longest filter name.
const MAX_NAME: usize = 100;
/// The longest value a condition compares with.
const MAX_VALUE: usize = 1000;
/// The longest regular expression a condition may use.
const MAX_PATTERN: usize = 500;
/// The longest single tag.
const MAX_TAG: usize = 40;

/// The built-in condition subjects, in display order, with their labels.
const SUBJECTS: [(&str, &str); 9] = [
    ("email", "Requester email"),
    ("name", "Requester name"),
    ("domain", "Requester email domain"),
    ("subject", "Subject"),
    ("body", "Message body"),
    ("topic", "Help topic"),
    ("source", "Source"),
    ("priority", "Priority"),
    ("header", "Email header"),
];

/// The prefix of a condition subject naming a custom field.
const FIELD_PREFIX: &str = "field:";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub name: String,
    pub active: bool,
    /// Lower runs first.
    pub order: i64,
    pub channel: Channel,
    pub matching: Matching,
    pub stop_on_match: bool,
    pub conditions: Vec<Condition>,
    pub actions: Vec<FilterAction>,
}

/// Where a ticket came from; a filter for `Any` sees every ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Any,
    Web,
    Email,
    Api,
    Alert,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Any,
        Channel::Web,
        Channel::Email,
        Channel::Api,
        Channel::Alert,
    ];

    /// The serde name.
    pub fn key(self) -> &'static str {
        match self {
            Channel::Any => "any",
            Channel::Web => "web",
            Channel::Email => "email",
            Channel::Api => "api",
            Channel::Alert => "alert",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Any => "Any channel",
            Channel::Web => "Web portal",
            Channel::Email => "Email",
            Channel::Api => "API",
            Channel::Alert => "SIEM alert",
        }
    }
}

/// Whether every condition must hold, or one is enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matching {
    All,
    Any,
}

/// What the filters see of a new ticket. Texts as given; comparisons are case-insensitive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketDraft {
    /// Never `Any`.
    pub channel: Channel,
    pub email: String,
    pub name: String,
    pub subject: String,
    pub body: String,
    /// Help topic key.
    pub topic: Option<String>,
    /// "web", "email", "api", "alert", ...
    pub source: String,
    /// Priority key.
    pub priority: Option<String>,
    /// Custom field values as display text, by field name.
    pub fields: BTreeMap<String, String>,
    /// Email headers (name, value); empty for other channels.
    pub headers: Vec<(String, String)>,
}

/// What the filters decided for a new ticket. Single-valued targets hold the last matching
/// filter's choice (keys, not names).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Names of the filters that matched, in the order they ran.
    pub matched: Vec<String>,
    /// The filter that rejected the ticket, if any (evaluation stops there).
    pub rejected_by: Option<String>,
    pub department: Option<String>,
    pub priority: Option<String>,
    pub sla_plan: Option<String>,
    pub status: Option<String>,
    pub topic: Option<String>,
    pub assignee: Option<String>,
    pub team: Option<String>,
    /// Tags added, deduplicated, in order, lower-cased and trimmed.
    pub tags: Vec<String>,
    pub canned_reply: Option<String>,
    pub suppress_auto_response: bool,
    /// Addresses to alert, deduplicated.
    pub alerts: Vec<String>,
}

impl Outcome {
    /// One short sentence per change the filters would make, for a dry run.
    pub fn changes(&self) -> Vec<String> {
        let mut changes = Vec::new();
        if let Some(name) = &self.rejected_by {
            changes.push(format!("rejected by {name}"));
        }
        let targets = [
            ("department", &self.department),
            ("priority", &self.priority),
            ("SLA plan", &self.sla_plan),
            ("status", &self.status),
            ("help topic", &self.topic),
            ("agent", &self.assignee),
            ("team", &self.team),
            ("canned reply", &self.canned_reply),
        ];
        for (what, target) in targets {
            if let Some(key) = target {
                changes.push(format!("{what} → {key}"));
            }
        }
        changes.extend(self.tags.iter().map(|tag| format!("tags + {tag}")));
        if self.suppress_auto_response {
            changes.push("auto-response suppressed".to_string());
        }
        changes.extend(self.alerts.iter().map(|address| format!("alert {address}")));
        changes
    }

    fn apply(&mut self, action: &FilterAction) {
        let value = action.value.trim();
        let target = match action.kind {
            ActionKind::Department => &mut self.department,
            ActionKind::Priority => &mut self.priority,
            ActionKind::SlaPlan => &mut self.sla_plan,
            ActionKind::Status => &mut self.status,
            ActionKind::HelpTopic => &mut self.topic,
            ActionKind::AssignAgent => &mut self.assignee,
            ActionKind::AssignTeam => &mut self.team,
            ActionKind::CannedReply => &mut self.canned_reply,
            ActionKind::AddTags => {
                for tag in tags(value) {
                    if !self.tags.contains(&tag) {
                        self.tags.push(tag);
                    }
                }
                return;
            }
            ActionKind::AlertAddress => {
                if let Ok(email) = Email::parse(value) {
                    let address = email.as_str().to_string();
                    if !self.alerts.contains(&address) {
                        self.alerts.push(address);
                    }
                }
                return;
            }
            ActionKind::SuppressAutoResponse => {
                self.suppress_auto_response = true;
                return;
            }
            // Handled by `route`, which must stop at once.
            ActionKind::Reject => return,
        };
        // An empty target is a broken rule (validation refuses it): it changes nothing.
        if !value.is_empty() {
            *target = Some(value.to_string());
        }
    }
}

/// The tags of an AddTags value: comma-separated, trimmed, lower-cased, empty ones dropped.
fn tags(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Runs `filters` on a new ticket: the active ones for its channel (or any channel), lowest
/// `order` first and then by name. Each matching filter's actions apply in order; later matches
/// overwrite single-valued targets, tags and alerts accumulate. A Reject stops everything at
/// once; `stop_on_match` stops after that filter.
pub fn route(draft: &TicketDraft, filters: &[Filter]) -> Outcome {
    let mut runnable: Vec<&Filter> = filters
        .iter()
        .filter(|f| f.active && (f.channel == Channel::Any || f.channel == draft.channel))
        .collect();
    runnable.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name)));

    let mut outcome = Outcome::default();
    for filter in runnable {
        if !filter.matches(draft) {
            continue;
        }
        outcome.matched.push(filter.name.clone());
        for action in &filter.actions {
            if action.kind == ActionKind::Reject {
                outcome.rejected_by = Some(filter.name.clone());
                return outcome;
            }
            outcome.apply(action);
        }
        if filter.stop_on_match {
            break;
        }
    }
    outcome
}

impl Filter {
    /// A new filter as the editor first shows it.
    pub fn blank() -> Filter {
        Filter {
            name: String::new(),
            active: true,
            order: 100,
            channel: Channel::Any,
            matching: Matching::All,
            stop_on_match: false,
            conditions: vec![Condition {
                subject: "email".to_string(),
                header: String::new(),
                operator: Operator::Contains,
                value: String::new(),
            }],
            actions: vec![FilterAction {
                kind: ActionKind::Department,
                value: String::new(),
            }],
        }
    }

    /// Whether the ticket meets this filter's conditions. A filter without conditions never
    /// matches, whatever its `matching`.
    pub fn matches(&self, draft: &TicketDraft) -> bool {
        if self.conditions.is_empty() {
            return false;
        }
        match self.matching {
            Matching::All => self.conditions.iter().all(|c| c.holds(draft)),
            Matching::Any => self.conditions.iter().any(|c| c.holds(draft)),
        }
    }

    /// The problems with this filter, by dotted path into its JSON shape
    /// (`conditions.0.value`); empty when it can be saved.
    pub fn validate(&self, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "Give the filter a name."));
        } else if name.chars().count() > MAX_NAME {
            errors.push(FieldError::new(
                "name",
                format!("A filter name can be at most {MAX_NAME} characters."),
            ));
        }

        if self.conditions.is_empty() {
            errors.push(FieldError::new("conditions", "Add at least one condition."));
        }
        for (i, condition) in self.conditions.iter().enumerate() {
            errors.extend(
                condition
                    .problems(catalog)
                    .into_iter()
                    .map(|(field, message)| {
                        FieldError::new(format!("conditions.{i}.{field}"), message)
                    }),
            );
        }

        if self.actions.is_empty() {
            errors.push(FieldError::new("actions", "Add at least one action."));
        }
        for (i, action) in self.actions.iter().enumerate() {
            if let Some(message) = action.problem(catalog) {
                errors.push(FieldError::new(format!("actions.{i}.value"), message));
            }
        }
        errors
    }
}

impl Channel {
    /// The channel a ticket of this source arrived through (phone and other count as web).
    pub fn of(source: crate::domain::ticket::Source) -> Channel {
        use crate::domain::ticket::Source;
        match source {
            Source::Email => Channel::Email,
            Source::Api => Channel::Api,
            Source::Alert => Channel::Alert,
            Source::Web | Source::Phone | Source::Other => Channel::Web,
        }
    }
}

impl crate::domain::config::Item for Filter {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        Filter::validate(self, catalog)
    }
}

#[cfg(test)]
mod tests;
