//! Ticket filters (osTicket's routing rules): conditions on a new ticket and the actions taken
//! when they match, the engine that runs them in order, their validation and their editor schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::editor::{Opt, Schema, Spec, SpecKind};
use crate::domain::ticket::Named;
use crate::domain::user::Email;
use crate::error::FieldError;

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// "email", "name", "domain", "subject", "body", "topic", "source", "priority", "header", or
    /// "field:<custom field name>"
    pub subject: String,
    /// Header name when subject == "header" (case-insensitive match of header names); empty
    /// otherwise.
    #[serde(default)]
    pub header: String,
    pub operator: Operator,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Equal,
    NotEqual,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Matches,
    NotMatches,
}

impl Operator {
    pub const ALL: [Operator; 8] = [
        Operator::Equal,
        Operator::NotEqual,
        Operator::Contains,
        Operator::NotContains,
        Operator::StartsWith,
        Operator::EndsWith,
        Operator::Matches,
        Operator::NotMatches,
    ];

    /// The serde name.
    pub fn key(self) -> &'static str {
        match self {
            Operator::Equal => "equal",
            Operator::NotEqual => "not_equal",
            Operator::Contains => "contains",
            Operator::NotContains => "not_contains",
            Operator::StartsWith => "starts_with",
            Operator::EndsWith => "ends_with",
            Operator::Matches => "matches",
            Operator::NotMatches => "not_matches",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Operator::Equal => "equals",
            Operator::NotEqual => "does not equal",
            Operator::Contains => "contains",
            Operator::NotContains => "does not contain",
            Operator::StartsWith => "starts with",
            Operator::EndsWith => "ends with",
            Operator::Matches => "matches regex",
            Operator::NotMatches => "does not match regex",
        }
    }

    fn is_regex(self) -> bool {
        matches!(self, Operator::Matches | Operator::NotMatches)
    }
}

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

impl Condition {
    /// Whether the ticket meets this condition. Both sides are compared trimmed and lower-cased;
    /// a regular expression is searched for anywhere, ignoring case. An unknown subject or a
    /// regular expression that does not compile makes the condition false, for the negated
    /// operators too: a broken rule never acts.
    pub fn holds(&self, draft: &TicketDraft) -> bool {
        let Some(text) = self.text(draft) else {
            return false;
        };
        let value = self.value.trim();
        let regex = || regex_lite::Regex::new(&format!("(?i){value}")).ok();
        let lower = text.trim().to_lowercase();
        let value_lower = value.to_lowercase();
        match self.operator {
            Operator::Equal => lower == value_lower,
            Operator::NotEqual => lower != value_lower,
            Operator::Contains => lower.contains(&value_lower),
            Operator::NotContains => !lower.contains(&value_lower),
            Operator::StartsWith => lower.starts_with(&value_lower),
            Operator::EndsWith => lower.ends_with(&value_lower),
            Operator::Matches => regex().is_some_and(|re| re.is_match(text)),
            Operator::NotMatches => regex().is_some_and(|re| !re.is_match(text)),
        }
    }

    /// The ticket's text this condition looks at: empty when the ticket has none, `None` for
    /// an unknown subject.
    fn text<'a>(&self, draft: &'a TicketDraft) -> Option<&'a str> {
        let text = match self.subject.as_str() {
            "email" => &draft.email,
            "name" => &draft.name,
            "domain" => draft
                .email
                .rsplit_once('@')
                .map_or("", |(_, domain)| domain),
            "subject" => &draft.subject,
            "body" => &draft.body,
            "topic" => draft.topic.as_deref().unwrap_or(""),
            "source" => &draft.source,
            "priority" => draft.priority.as_deref().unwrap_or(""),
            "header" => draft
                .headers
                .iter()
                .find(|(name, _)| name.trim().eq_ignore_ascii_case(self.header.trim()))
                .map_or("", |(_, value)| value),
            subject => {
                let field = subject.strip_prefix(FIELD_PREFIX)?;
                draft.fields.get(field).map_or("", String::as_str)
            }
        };
        Some(text)
    }

    /// Problems by the field's name within the condition.
    fn problems(&self, catalog: &Catalog) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        match self.subject.strip_prefix(FIELD_PREFIX) {
            Some(field) if !knows(&catalog.fields, field) => problems.push((
                "subject",
                format!("There is no custom field “{field}”; choose another."),
            )),
            Some(_) => {}
            None if !SUBJECTS.iter().any(|(key, _)| *key == self.subject) => {
                problems.push(("subject", "Choose what to compare.".to_string()));
            }
            None => {}
        }

        if self.subject == "header" {
            let header = self.header.trim();
            if header.is_empty() {
                problems.push((
                    "header",
                    "Enter the header name, like X-Spam-Flag.".to_string(),
                ));
            } else if !header.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                problems.push((
                    "header",
                    "A header name has no spaces, colons or accented letters.".to_string(),
                ));
            }
        }

        let value = self.value.trim();
        let may_be_empty = matches!(self.operator, Operator::Equal | Operator::NotEqual);
        if value.is_empty() && !may_be_empty {
            problems.push(("value", "Enter a value to compare with.".to_string()));
        } else if self.operator.is_regex() {
            if value.chars().count() > MAX_PATTERN {
                problems.push((
                    "value",
                    format!("A regular expression can be at most {MAX_PATTERN} characters."),
                ));
            } else if let Err(e) = regex_lite::Regex::new(&format!("(?i){value}")) {
                problems.push((
                    "value",
                    format!("This is not a valid regular expression: {e}"),
                ));
            }
        } else if value.chars().count() > MAX_VALUE {
            problems.push((
                "value",
                format!("A value can be at most {MAX_VALUE} characters."),
            ));
        }
        problems
    }
}

impl FilterAction {
    /// What is wrong with this action's value, if anything.
    fn problem(&self, catalog: &Catalog) -> Option<String> {
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

/// The editor for one filter; choices come from `catalog`.
pub fn schema(catalog: &Catalog) -> Schema {
    let channels = Channel::ALL
        .iter()
        .map(|c| Opt::new(c.key(), c.label()))
        .collect();
    let matching = vec![
        Opt::new("all", "All conditions"),
        Opt::new("any", "Any condition"),
    ];

    let mut subjects: Vec<Opt> = SUBJECTS
        .iter()
        .map(|(key, label)| Opt::new(*key, *label))
        .collect();
    subjects.extend(catalog.fields.iter().map(|f| {
        Opt::new(
            format!("{FIELD_PREFIX}{}", f.key),
            format!("Field: {}", f.name),
        )
    }));
    let operators = Operator::ALL
        .iter()
        .map(|o| Opt::new(o.key(), o.label()))
        .collect();
    let sources = [
        ("web", "Web portal"),
        ("email", "Email"),
        ("api", "API"),
        ("phone", "Phone"),
        ("alert", "SIEM alert"),
        ("other", "Other"),
    ]
    .iter()
    .map(|(key, label)| Opt::new(*key, *label))
    .collect();
    let compared_with = SpecKind::ChoiceBy {
        sibling: "subject".to_string(),
        options: vec![
            ("topic".to_string(), options(&catalog.topics)),
            ("priority".to_string(), options(&catalog.priorities)),
            ("source".to_string(), sources),
        ],
    };

    let kinds = ActionKind::ALL
        .iter()
        .map(|k| Opt::new(k.key(), k.label()))
        .collect();
    let targets = [
        (ActionKind::Department, options(&catalog.departments)),
        (ActionKind::Priority, options(&catalog.priorities)),
        (ActionKind::SlaPlan, options(&catalog.sla_plans)),
        (ActionKind::Status, catalog.status_options()),
        (ActionKind::HelpTopic, options(&catalog.topics)),
        (ActionKind::AssignAgent, options(&catalog.agents)),
        (ActionKind::AssignTeam, options(&catalog.teams)),
        (ActionKind::CannedReply, options(&catalog.canned)),
        (ActionKind::Reject, Vec::new()),
        (ActionKind::SuppressAutoResponse, Vec::new()),
    ]
    .into_iter()
    .map(|(kind, opts)| (kind.key().to_string(), opts))
    .collect();

    Schema(vec![
        Spec::text("name", "Name"),
        Spec::toggle("active", "Active"),
        Spec::number("order", "Order").hint("Lower runs first"),
        Spec::choice("channel", "Channel", channels),
        Spec::choice("matching", "Match", matching),
        Spec::toggle("stop_on_match", "Stop here when this filter matches"),
        Spec::rows(
            "conditions",
            "Conditions",
            vec![
                Spec::choice("subject", "Compare", subjects),
                Spec::text("header", "Header name").shown_when("subject", &["header"]),
                Spec::choice("operator", "Operator", operators),
                Spec::new("value", "Value", compared_with),
            ],
        ),
        Spec::rows(
            "actions",
            "Actions",
            vec![
                Spec::choice("kind", "Action", kinds),
                Spec::new(
                    "value",
                    "Target",
                    SpecKind::ChoiceBy {
                        sibling: "kind".to_string(),
                        options: targets,
                    },
                ),
            ],
        ),
    ])
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
mod tests {
    use super::*;
    use crate::domain::ticket::{State, Status};

    fn named(key: &str) -> Named {
        Named {
            key: key.to_string(),
            name: key.to_uppercase(),
        }
    }

    fn catalog() -> Catalog {
        Catalog {
            departments: vec![named("support"), named("security")],
            teams: vec![named("night")],
            agents: vec![named("alice")],
            priorities: vec![named("low"), named("high")],
            statuses: vec![Status {
                key: "open".into(),
                name: "Open".into(),
                state: State::Open,
                pauses_sla: false,
                customer_may_reopen: false,
            }],
            topics: vec![named("billing")],
            sla_plans: vec![named("gold")],
            canned: vec![named("thanks")],
            fields: vec![Named {
                key: "affected_host".into(),
                name: "Affected host".into(),
            }],
            ..Catalog::default()
        }
    }

    fn draft() -> TicketDraft {
        TicketDraft {
            channel: Channel::Email,
            email: "Ann.Lee@Example.COM".into(),
            name: "Ann Lee".into(),
            subject: "URGENT: Printer on fire".into(),
            body: "The printer in room 4 is on fire.\nPlease help.".into(),
            topic: Some("billing".into()),
            source: "email".into(),
            priority: Some("low".into()),
            fields: BTreeMap::from([("affected_host".to_string(), "db-01.internal".to_string())]),
            headers: vec![
                ("Received".into(), "from mx".into()),
                ("X-Spam-Flag".into(), "YES".into()),
                ("x-spam-flag".into(), "NO".into()),
            ],
        }
    }

    fn when(subject: &str, operator: Operator, value: &str) -> Condition {
        Condition {
            subject: subject.into(),
            header: String::new(),
            operator,
            value: value.into(),
        }
    }

    fn header(name: &str, operator: Operator, value: &str) -> Condition {
        Condition {
            header: name.into(),
            ..when("header", operator, value)
        }
    }

    fn act(kind: ActionKind, value: &str) -> FilterAction {
        FilterAction {
            kind,
            value: value.into(),
        }
    }

    fn filter(name: &str, conditions: Vec<Condition>, actions: Vec<FilterAction>) -> Filter {
        Filter {
            name: name.into(),
            conditions,
            actions,
            ..Filter::blank()
        }
    }

    /// A filter that always matches the test draft.
    fn always(name: &str, actions: Vec<FilterAction>) -> Filter {
        filter(name, vec![when("email", Operator::Contains, "@")], actions)
    }

    fn holds(condition: Condition) -> bool {
        condition.holds(&draft())
    }

    #[test]
    fn equal_compares_whole_text_ignoring_case_and_surrounding_space() {
        assert!(holds(when("name", Operator::Equal, "  ann lee ")));
        assert!(!holds(when("name", Operator::Equal, "ann")));
    }

    #[test]
    fn not_equal_is_the_opposite_of_equal() {
        assert!(holds(when("name", Operator::NotEqual, "ann")));
        assert!(!holds(when("name", Operator::NotEqual, "ANN LEE")));
    }

    #[test]
    fn contains_finds_a_substring_ignoring_case() {
        assert!(holds(when("subject", Operator::Contains, "PRINTER")));
        assert!(!holds(when("subject", Operator::Contains, "scanner")));
    }

    #[test]
    fn not_contains_holds_only_without_the_substring() {
        assert!(holds(when("subject", Operator::NotContains, "scanner")));
        assert!(!holds(when("subject", Operator::NotContains, "urgent")));
    }

    #[test]
    fn starts_with_and_ends_with_look_at_the_edges_ignoring_case() {
        assert!(holds(when("subject", Operator::StartsWith, "urgent:")));
        assert!(!holds(when("subject", Operator::StartsWith, "printer")));
        assert!(holds(when("subject", Operator::EndsWith, "ON FIRE")));
        assert!(!holds(when("subject", Operator::EndsWith, "urgent")));
    }

    #[test]
    fn matches_searches_anywhere_ignoring_case() {
        assert!(holds(when("body", Operator::Matches, r"room \d+")));
        assert!(holds(when("body", Operator::Matches, "PLEASE HELP")));
        assert!(!holds(when("body", Operator::Matches, r"^please")));
    }

    #[test]
    fn not_matches_holds_only_when_the_pattern_is_absent() {
        assert!(holds(when("body", Operator::NotMatches, r"room \d{3}")));
        assert!(!holds(when("body", Operator::NotMatches, "FIRE")));
    }

    #[test]
    fn a_broken_regex_makes_the_condition_false_for_both_regex_operators() {
        assert!(!holds(when("body", Operator::Matches, "(unclosed")));
        assert!(!holds(when("body", Operator::NotMatches, "(unclosed")));
    }

    #[test]
    fn domain_is_the_part_of_the_email_after_the_at_sign() {
        assert!(holds(when("domain", Operator::Equal, "example.com")));
        assert!(!holds(when(
            "domain",
            Operator::Equal,
            "ann.lee@example.com"
        )));
        let no_at = TicketDraft {
            email: "nobody".into(),
            ..draft()
        };
        assert!(when("domain", Operator::Equal, "").holds(&no_at));
    }

    #[test]
    fn every_builtin_subject_reads_its_own_part_of_the_ticket() {
        assert!(holds(when("email", Operator::Equal, "ann.lee@example.com")));
        assert!(holds(when("body", Operator::Contains, "room 4")));
        assert!(holds(when("topic", Operator::Equal, "billing")));
        assert!(holds(when("source", Operator::Equal, "email")));
        assert!(holds(when("priority", Operator::Equal, "low")));
    }

    #[test]
    fn a_missing_topic_or_priority_reads_as_empty() {
        let bare = TicketDraft {
            topic: None,
            priority: None,
            ..draft()
        };
        assert!(when("topic", Operator::Equal, "").holds(&bare));
        assert!(when("priority", Operator::Equal, "").holds(&bare));
        assert!(!when("priority", Operator::Equal, "low").holds(&bare));
    }

    #[test]
    fn a_custom_field_is_read_by_name_and_reads_empty_when_absent() {
        assert!(holds(when(
            "field:affected_host",
            Operator::EndsWith,
            ".internal"
        )));
        assert!(holds(when("field:missing", Operator::Equal, "")));
        assert!(!holds(when("field:missing", Operator::Contains, "db")));
    }

    #[test]
    fn a_header_is_the_first_with_that_name_ignoring_case() {
        assert!(holds(header("x-spam-flag", Operator::Equal, "yes")));
        assert!(!holds(header("X-SPAM-FLAG", Operator::Equal, "no")));
        assert!(holds(header("X-Missing", Operator::Equal, "")));
    }

    #[test]
    fn an_unknown_subject_never_holds() {
        assert!(!holds(when("planet", Operator::NotEqual, "mars")));
    }

    #[test]
    fn all_needs_every_condition_and_any_needs_one() {
        let conditions = vec![
            when("subject", Operator::Contains, "fire"),
            when("name", Operator::Equal, "bob"),
        ];
        let mut f = filter("f", conditions, vec![act(ActionKind::AddTags, "x")]);
        assert!(!f.matches(&draft()));
        f.matching = Matching::Any;
        assert!(f.matches(&draft()));
    }

    #[test]
    fn a_filter_without_conditions_never_matches() {
        for matching in [Matching::All, Matching::Any] {
            let f = Filter {
                matching,
                ..filter("empty", Vec::new(), vec![act(ActionKind::AddTags, "x")])
            };
            assert!(!f.matches(&draft()));
            assert!(route(&draft(), &[f]).matched.is_empty());
        }
    }

    #[test]
    fn filters_run_by_order_then_name_not_by_position() {
        let late = Filter {
            order: 200,
            ..always("late", vec![act(ActionKind::Department, "security")])
        };
        let b = Filter {
            order: 10,
            ..always("b", vec![act(ActionKind::Department, "support")])
        };
        let a = Filter {
            order: 10,
            ..always("a", vec![act(ActionKind::Department, "sales")])
        };
        let outcome = route(&draft(), &[late, b, a]);
        assert_eq!(outcome.matched, vec!["a", "b", "late"]);
        assert_eq!(outcome.department.as_deref(), Some("security"));
    }

    #[test]
    fn the_last_matching_filter_wins_single_valued_targets() {
        let first = Filter {
            order: 1,
            ..always(
                "first",
                vec![
                    act(ActionKind::Priority, "low"),
                    act(ActionKind::AssignTeam, "night"),
                ],
            )
        };
        let second = Filter {
            order: 2,
            ..always("second", vec![act(ActionKind::Priority, "high")])
        };
        let outcome = route(&draft(), &[second, first]);
        assert_eq!(outcome.priority.as_deref(), Some("high"));
        assert_eq!(outcome.team.as_deref(), Some("night"));
    }

    #[test]
    fn tags_and_alerts_accumulate_without_duplicates() {
        let first = Filter {
            order: 1,
            ..always(
                "first",
                vec![
                    act(ActionKind::AddTags, " VIP, fire ,,"),
                    act(ActionKind::AlertAddress, "oncall@example.com"),
                ],
            )
        };
        let second = Filter {
            order: 2,
            ..always(
                "second",
                vec![
                    act(ActionKind::AddTags, "fire, facilities"),
                    act(ActionKind::AlertAddress, "OnCall@Example.com"),
                    act(ActionKind::AlertAddress, "boss@example.com"),
                ],
            )
        };
        let outcome = route(&draft(), &[first, second]);
        assert_eq!(outcome.tags, vec!["vip", "fire", "facilities"]);
        assert_eq!(
            outcome.alerts,
            vec!["oncall@example.com", "boss@example.com"]
        );
    }

    #[test]
    fn stop_on_match_skips_the_filters_after_it() {
        let stopper = Filter {
            order: 1,
            stop_on_match: true,
            ..always("stopper", vec![act(ActionKind::Department, "support")])
        };
        let later = Filter {
            order: 2,
            ..always("later", vec![act(ActionKind::Department, "security")])
        };
        let outcome = route(&draft(), &[later, stopper]);
        assert_eq!(outcome.matched, vec!["stopper"]);
        assert_eq!(outcome.department.as_deref(), Some("support"));
    }

    #[test]
    fn a_filter_that_does_not_match_does_not_stop_the_others() {
        let stopper = Filter {
            order: 1,
            stop_on_match: true,
            ..filter(
                "stopper",
                vec![when("name", Operator::Equal, "bob")],
                vec![act(ActionKind::Department, "support")],
            )
        };
        let later = Filter {
            order: 2,
            ..always("later", vec![act(ActionKind::Department, "security")])
        };
        let outcome = route(&draft(), &[stopper, later]);
        assert_eq!(outcome.matched, vec!["later"]);
    }

    #[test]
    fn reject_stops_at_once_and_names_the_filter() {
        let spam = Filter {
            order: 1,
            ..always(
                "spam",
                vec![
                    act(ActionKind::AddTags, "before"),
                    act(ActionKind::Reject, ""),
                    act(ActionKind::AddTags, "after"),
                ],
            )
        };
        let later = Filter {
            order: 2,
            ..always("later", vec![act(ActionKind::Department, "support")])
        };
        let outcome = route(&draft(), &[later, spam]);
        assert_eq!(outcome.rejected_by.as_deref(), Some("spam"));
        assert_eq!(outcome.matched, vec!["spam"]);
        assert_eq!(outcome.tags, vec!["before"]);
        assert_eq!(outcome.department, None);
    }

    #[test]
    fn inactive_filters_and_filters_for_other_channels_are_skipped() {
        let inactive = Filter {
            active: false,
            ..always("inactive", vec![act(ActionKind::AddTags, "inactive")])
        };
        let web_only = Filter {
            channel: Channel::Web,
            ..always("web", vec![act(ActionKind::AddTags, "web")])
        };
        let email_only = Filter {
            channel: Channel::Email,
            ..always("email", vec![act(ActionKind::AddTags, "email")])
        };
        let any = always("any", vec![act(ActionKind::AddTags, "any")]);
        let outcome = route(&draft(), &[inactive, web_only, email_only, any]);
        assert_eq!(outcome.matched, vec!["any", "email"]);
        assert_eq!(outcome.tags, vec!["any", "email"]);
    }

    #[test]
    fn every_action_kind_shows_in_the_outcome() {
        let everything = always(
            "everything",
            vec![
                act(ActionKind::Department, "support"),
                act(ActionKind::Priority, "high"),
                act(ActionKind::SlaPlan, "gold"),
                act(ActionKind::Status, "open"),
                act(ActionKind::HelpTopic, "billing"),
                act(ActionKind::AssignAgent, "alice"),
                act(ActionKind::AssignTeam, "night"),
                act(ActionKind::AddTags, "vip"),
                act(ActionKind::CannedReply, "thanks"),
                act(ActionKind::SuppressAutoResponse, ""),
                act(ActionKind::AlertAddress, "oncall@example.com"),
            ],
        );
        let outcome = route(&draft(), &[everything]);
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            outcome,
            Outcome {
                matched: vec!["everything".into()],
                rejected_by: None,
                department: some("support"),
                priority: some("high"),
                sla_plan: some("gold"),
                status: some("open"),
                topic: some("billing"),
                assignee: some("alice"),
                team: some("night"),
                tags: vec!["vip".into()],
                canned_reply: some("thanks"),
                suppress_auto_response: true,
                alerts: vec!["oncall@example.com".into()],
            }
        );
        assert_eq!(
            outcome.changes(),
            vec![
                "department → support",
                "priority → high",
                "SLA plan → gold",
                "status → open",
                "help topic → billing",
                "agent → alice",
                "team → night",
                "canned reply → thanks",
                "tags + vip",
                "auto-response suppressed",
                "alert oncall@example.com",
            ]
        );
        let rejected = route(
            &draft(),
            &[always("spam", vec![act(ActionKind::Reject, "")])],
        );
        assert_eq!(rejected.changes(), vec!["rejected by spam"]);
    }

    fn good() -> Filter {
        Filter {
            name: "Fire".into(),
            conditions: vec![
                when("subject", Operator::Matches, r"fire|smoke"),
                header("X-Spam-Flag", Operator::NotEqual, "yes"),
                when("field:affected_host", Operator::Equal, ""),
            ],
            actions: vec![
                act(ActionKind::Department, "security"),
                act(ActionKind::Status, "open"),
                act(ActionKind::AddTags, "fire, facilities"),
                act(ActionKind::AlertAddress, "oncall@example.com"),
                act(ActionKind::SuppressAutoResponse, "ignored"),
            ],
            ..Filter::blank()
        }
    }

    fn messages(f: &Filter) -> Vec<(String, String)> {
        f.validate(&catalog())
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_good_filter_has_no_errors() {
        assert_eq!(messages(&good()), Vec::new());
    }

    #[test]
    fn the_blank_filter_needs_a_name_a_value_and_a_department() {
        let fields: Vec<String> = messages(&Filter::blank())
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            vec!["name", "conditions.0.value", "actions.0.value"]
        );
    }

    #[test]
    fn a_filter_needs_conditions_and_actions() {
        let f = Filter {
            conditions: Vec::new(),
            actions: Vec::new(),
            ..good()
        };
        let fields: Vec<String> = messages(&f).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["conditions", "actions"]);
    }

    #[test]
    fn an_invalid_regex_is_refused_with_the_reason() {
        let mut f = good();
        f.conditions[0].value = "(fire".into();
        let errors = messages(&f);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "conditions.0.value");
        assert!(
            errors[0]
                .1
                .starts_with("This is not a valid regular expression: ")
        );
        assert!(errors[0].1.len() > "This is not a valid regular expression: ".len());
    }

    #[test]
    fn an_overlong_regex_is_refused() {
        let mut f = good();
        f.conditions[0].value = "a".repeat(501);
        assert_eq!(messages(&f)[0].0, "conditions.0.value");
    }

    #[test]
    fn an_unknown_department_is_refused() {
        let mut f = good();
        f.actions[0].value = "sales".into();
        assert_eq!(
            messages(&f),
            vec![("actions.0.value".into(), "Choose a department.".into())]
        );
    }

    #[test]
    fn an_unknown_status_is_refused() {
        let mut f = good();
        f.actions[1].value = "limbo".into();
        assert_eq!(messages(&f)[0].0, "actions.1.value");
    }

    #[test]
    fn a_header_condition_needs_a_header_name() {
        let mut f = good();
        f.conditions[1].header = "  ".into();
        assert_eq!(messages(&f)[0].0, "conditions.1.header");
        f.conditions[1].header = "X Spam: Flag".into();
        assert_eq!(messages(&f)[0].0, "conditions.1.header");
    }

    #[test]
    fn an_unknown_custom_field_or_subject_is_refused() {
        let mut f = good();
        f.conditions[2].subject = "field:nope".into();
        assert_eq!(messages(&f)[0].0, "conditions.2.subject");
        f.conditions[2].subject = "planet".into();
        assert_eq!(messages(&f)[0].0, "conditions.2.subject");
    }

    #[test]
    fn a_value_is_required_except_for_equality() {
        let mut f = good();
        f.conditions[2].operator = Operator::Contains;
        assert_eq!(
            messages(&f),
            vec![(
                "conditions.2.value".into(),
                "Enter a value to compare with.".into()
            )]
        );
        f.conditions[2].operator = Operator::Equal;
        f.conditions[2].value = "x".repeat(1001);
        assert_eq!(messages(&f)[0].0, "conditions.2.value");
    }

    #[test]
    fn a_bad_alert_address_is_refused() {
        let mut f = good();
        f.actions[3].value = "oncall at example".into();
        assert_eq!(messages(&f)[0].0, "actions.3.value");
    }

    #[test]
    fn tags_must_be_present_and_short() {
        let mut f = good();
        f.actions[2].value = " , ,".into();
        assert_eq!(messages(&f)[0].0, "actions.2.value");
        f.actions[2].value = format!("ok, {}", "t".repeat(41));
        assert_eq!(messages(&f)[0].0, "actions.2.value");
    }

    #[test]
    fn an_overlong_name_is_refused() {
        let f = Filter {
            name: "n".repeat(101),
            ..good()
        };
        assert_eq!(messages(&f)[0].0, "name");
    }

    fn inputs(schema: &Schema, rows: &str) -> Vec<Spec> {
        let spec = schema.0.iter().find(|s| s.name == rows).unwrap();
        match &spec.kind {
            SpecKind::Rows(inputs) => inputs.clone(),
            other => panic!("{rows} is not rows: {other:?}"),
        }
    }

    fn choice_values(spec: &Spec) -> Vec<String> {
        match &spec.kind {
            SpecKind::Choice { options, .. } => options.iter().map(|o| o.value.clone()).collect(),
            other => panic!("{} is not a choice: {other:?}", spec.name),
        }
    }

    fn serde_name<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn schema_action_kinds_are_the_serde_names() {
        let schema = schema(&catalog());
        let actions = inputs(&schema, "actions");
        let kinds = choice_values(&actions[0]);
        assert_eq!(kinds.len(), ActionKind::ALL.len());
        for kind in ActionKind::ALL {
            assert!(kinds.contains(&serde_name(kind)), "{kind:?}");
        }
        let SpecKind::ChoiceBy { sibling, options } = &actions[1].kind else {
            panic!("an action's value is a ChoiceBy");
        };
        assert_eq!(sibling, "kind");
        for (kind, _) in options {
            assert!(kinds.contains(kind), "{kind}");
        }
        let entry = |k: &str| options.iter().find(|(kind, _)| kind == k).map(|(_, o)| o);
        assert_eq!(entry("reject"), Some(&Vec::new()));
        assert_eq!(entry("add_tags"), None);
        assert_eq!(entry("alert_address"), None);
    }

    #[test]
    fn schema_operators_and_channels_are_the_serde_names() {
        let schema = schema(&catalog());
        let operators = choice_values(&inputs(&schema, "conditions")[2]);
        let expected: Vec<String> = Operator::ALL.into_iter().map(serde_name).collect();
        assert_eq!(operators, expected);
        let channel = schema.0.iter().find(|s| s.name == "channel").unwrap();
        let expected: Vec<String> = Channel::ALL.into_iter().map(serde_name).collect();
        assert_eq!(choice_values(channel), expected);
        let matching = schema.0.iter().find(|s| s.name == "matching").unwrap();
        assert_eq!(
            choice_values(matching),
            vec![serde_name(Matching::All), serde_name(Matching::Any)]
        );
    }

    #[test]
    fn schema_offers_each_custom_field_as_a_subject() {
        let schema = schema(&catalog());
        let conditions = inputs(&schema, "conditions");
        let subjects = match &conditions[0].kind {
            SpecKind::Choice { options, .. } => options.clone(),
            other => panic!("{other:?}"),
        };
        assert!(subjects.contains(&Opt::new("field:affected_host", "Field: Affected host")));
        assert!(subjects.contains(&Opt::new("header", "Email header")));
        assert_eq!(
            conditions[1].shown_when.as_ref().map(|s| s.values.clone()),
            Some(vec!["header".to_string()])
        );
    }

    #[test]
    fn filters_round_trip_as_snake_case_json() {
        let f = good();
        let json = serde_json::to_string(&f).unwrap();
        assert!(json.contains("\"kind\":\"suppress_auto_response\""));
        assert!(json.contains("\"operator\":\"not_equal\""));
        assert_eq!(serde_json::from_str::<Filter>(&json).unwrap(), f);
    }
}
