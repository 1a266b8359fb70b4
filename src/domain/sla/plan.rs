//! SLA plans: targets per priority, pauses and escalation steps.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{MAX_NAME_CHARS, MAX_OFFSET_MINUTES, MAX_TARGET_MINUTES};
use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::config::check_name;
use crate::domain::editor::{Opt, Schema, Spec, SpecKind};
use crate::domain::ticket::{Named, State};
use crate::error::FieldError;

/// Response and resolution targets, in business minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Priority key; empty for a plan's default target.
    #[serde(default)]
    pub priority: String,
    pub first_response_minutes: u32,
    pub resolution_minutes: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    FirstResponse,
    Resolution,
}

impl Clock {
    pub const ALL: [Clock; 2] = [Clock::FirstResponse, Clock::Resolution];

    /// The stored (serde) name.
    pub fn key(self) -> &'static str {
        match self {
            Clock::FirstResponse => "first_response",
            Clock::Resolution => "resolution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Clock::FirstResponse => "First response",
            Clock::Resolution => "Resolution",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationAction {
    NotifyAssignee,
    NotifyManager,
    NotifyTeam,
    RaisePriority,
    AssignTeam,
    AssignAgent,
}

impl EscalationAction {
    pub const ALL: [EscalationAction; 6] = [
        EscalationAction::NotifyAssignee,
        EscalationAction::NotifyManager,
        EscalationAction::NotifyTeam,
        EscalationAction::RaisePriority,
        EscalationAction::AssignTeam,
        EscalationAction::AssignAgent,
    ];

    /// The stored (serde) name.
    pub fn key(self) -> &'static str {
        match self {
            EscalationAction::NotifyAssignee => "notify_assignee",
            EscalationAction::NotifyManager => "notify_manager",
            EscalationAction::NotifyTeam => "notify_team",
            EscalationAction::RaisePriority => "raise_priority",
            EscalationAction::AssignTeam => "assign_team",
            EscalationAction::AssignAgent => "assign_agent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EscalationAction::NotifyAssignee => "Notify the assignee",
            EscalationAction::NotifyManager => "Notify the manager",
            EscalationAction::NotifyTeam => "Notify the team",
            EscalationAction::RaisePriority => "Raise the priority to",
            EscalationAction::AssignTeam => "Assign to team",
            EscalationAction::AssignAgent => "Assign to agent",
        }
    }

    /// The keys `value` must be one of, and what to say otherwise; `None` when the action takes
    /// no value.
    pub(super) fn targets(self, catalog: &Catalog) -> Option<(&[Named], &'static str)> {
        match self {
            EscalationAction::RaisePriority => {
                Some((&catalog.priorities, "Choose one of the priorities."))
            }
            EscalationAction::AssignTeam => Some((&catalog.teams, "Choose one of the teams.")),
            EscalationAction::AssignAgent => Some((&catalog.agents, "Choose one of the agents.")),
            EscalationAction::NotifyAssignee
            | EscalationAction::NotifyManager
            | EscalationAction::NotifyTeam => None,
        }
    }
}

/// Something that happens at a fixed distance from a clock's due time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub clock: Clock,
    /// Minutes relative to the due time: negative = before, 0 = at breach, positive = after.
    pub offset_minutes: i32,
    pub action: EscalationAction,
    /// Target key for RaisePriority (priority), AssignTeam (team), AssignAgent (agent); empty
    /// otherwise.
    #[serde(default)]
    pub value: String,
}

/// How fast tickets must be answered and resolved, counted in a schedule's business minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaPlan {
    pub name: String,
    pub active: bool,
    /// Schedule key; None = 24/7.
    pub schedule: Option<String>,
    /// Targets per priority; a priority without a row uses `default_target`.
    pub targets: Vec<Target>,
    /// Its `priority` is ignored.
    pub default_target: Target,
    /// Status keys that stop the clocks (besides statuses that pause SLA themselves).
    pub pause_statuses: Vec<String>,
    /// Percentage of the target used after which the clock is "at risk" (1..=99).
    pub at_risk_percent: u8,
    pub escalations: Vec<Escalation>,
}

impl SlaPlan {
    /// A new plan: around the clock, first response within 4 hours, resolution within 2 days.
    pub fn blank() -> SlaPlan {
        SlaPlan {
            name: String::new(),
            active: true,
            schedule: None,
            targets: Vec::new(),
            default_target: Target {
                priority: String::new(),
                first_response_minutes: 240,
                resolution_minutes: 2880,
            },
            pause_statuses: Vec::new(),
            at_risk_percent: 75,
            escalations: Vec::new(),
        }
    }

    /// The target for tickets of `priority`: its own row, else the default.
    pub fn target_for(&self, priority: &str) -> &Target {
        self.targets
            .iter()
            .find(|t| t.priority == priority)
            .unwrap_or(&self.default_target)
    }

    pub fn validate(&self, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, MAX_NAME_CHARS, &mut errors);
        if let Some(schedule) = &self.schedule
            && !knows(&catalog.schedules, schedule)
        {
            errors.push(FieldError::new("schedule", "Choose one of the schedules."));
        }
        check_target("default_target", &self.default_target, &mut errors);
        let mut priorities = HashSet::new();
        for (i, target) in self.targets.iter().enumerate() {
            let field = format!("targets.{i}.priority");
            if !knows(&catalog.priorities, &target.priority) {
                errors.push(FieldError::new(field, "Choose one of the priorities."));
            } else if !priorities.insert(target.priority.as_str()) {
                errors.push(FieldError::new(
                    field,
                    "This priority already has a target.",
                ));
            }
            check_target(&format!("targets.{i}"), target, &mut errors);
        }
        for (i, key) in self.pause_statuses.iter().enumerate() {
            let field = format!("pause_statuses.{i}");
            match catalog.status(key) {
                None => errors.push(FieldError::new(field, "Choose one of the statuses.")),
                Some(status) if status.state != State::Open => errors.push(FieldError::new(
                    field,
                    "A closed status already stops the clock.",
                )),
                Some(_) => {}
            }
        }
        if !(1..=99).contains(&self.at_risk_percent) {
            errors.push(FieldError::new(
                "at_risk_percent",
                "Enter a percentage from 1 to 99.",
            ));
        }
        self.check_escalations(catalog, &mut errors);
        errors
    }

    fn check_escalations(&self, catalog: &Catalog, errors: &mut Vec<FieldError>) {
        let mut seen = HashSet::new();
        for (i, escalation) in self.escalations.iter().enumerate() {
            if escalation.offset_minutes.unsigned_abs() > MAX_OFFSET_MINUTES {
                errors.push(FieldError::new(
                    format!("escalations.{i}.offset_minutes"),
                    "Stay within a week (10080 minutes) of the due time.",
                ));
            }
            if let Some((known, message)) = escalation.action.targets(catalog)
                && !knows(known, &escalation.value)
            {
                errors.push(FieldError::new(format!("escalations.{i}.value"), message));
            }
            let identity = (
                escalation.clock,
                escalation.offset_minutes,
                escalation.action,
            );
            if !seen.insert(identity) {
                errors.push(FieldError::new(
                    format!("escalations.{i}.action"),
                    "The same escalation is already listed.",
                ));
            }
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        let open_statuses = catalog
            .statuses
            .iter()
            .filter(|s| s.state == State::Open)
            .map(|s| Opt::new(&s.key, &s.name))
            .collect();
        let clocks = Clock::ALL
            .iter()
            .map(|c| Opt::new(c.key(), c.label()))
            .collect();
        let actions = EscalationAction::ALL
            .iter()
            .map(|a| Opt::new(a.key(), a.label()))
            .collect();
        let values = EscalationAction::ALL
            .iter()
            .map(|a| {
                let offered = a
                    .targets(catalog)
                    .map_or_else(Vec::new, |(known, _)| options(known));
                (a.key().to_string(), offered)
            })
            .collect();
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::optional_choice("schedule", "Business hours", options(&catalog.schedules))
                .hint("None means around the clock"),
            Spec::number(
                "default_target.first_response_minutes",
                "First response within (minutes)",
            ),
            Spec::number(
                "default_target.resolution_minutes",
                "Resolution within (minutes)",
            ),
            Spec::rows(
                "targets",
                "Targets by priority",
                vec![
                    Spec::choice("priority", "Priority", options(&catalog.priorities)),
                    Spec::number("first_response_minutes", "First response within (minutes)"),
                    Spec::number("resolution_minutes", "Resolution within (minutes)"),
                ],
            ),
            Spec::choices("pause_statuses", "Also pause in", open_statuses),
            Spec::number("at_risk_percent", "At risk after (% of the target)"),
            Spec::rows(
                "escalations",
                "Escalations",
                vec![
                    Spec::choice("clock", "Clock", clocks),
                    Spec::number("offset_minutes", "Minutes from the due time")
                        .hint("Negative = before the due time"),
                    Spec::choice("action", "Action", actions),
                    Spec::new(
                        "value",
                        "Target",
                        SpecKind::ChoiceBy {
                            sibling: "action".to_string(),
                            options: values,
                        },
                    ),
                ],
            ),
        ])
    }
}

/// The minute rules of one target; `prefix` is its path (`default_target`, `targets.2`).
fn check_target(prefix: &str, target: &Target, errors: &mut Vec<FieldError>) {
    let in_range = |minutes: u32| (1..=MAX_TARGET_MINUTES).contains(&minutes);
    let mut valid = true;
    for (field, minutes) in [
        ("first_response_minutes", target.first_response_minutes),
        ("resolution_minutes", target.resolution_minutes),
    ] {
        if !in_range(minutes) {
            valid = false;
            errors.push(FieldError::new(
                format!("{prefix}.{field}"),
                "Enter between 1 and 525600 minutes (a year).",
            ));
        }
    }
    if valid && target.resolution_minutes < target.first_response_minutes {
        errors.push(FieldError::new(
            format!("{prefix}.resolution_minutes"),
            "Resolution cannot be due before the first response.",
        ));
    }
}

impl crate::domain::config::Item for SlaPlan {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        SlaPlan::validate(self, catalog)
    }
}
