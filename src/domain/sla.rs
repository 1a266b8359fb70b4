//! SLA configuration: business-hours schedules and SLA plans (targets per priority, pausing
//! statuses, escalations), as admins store them and the rules they must follow. The SLA clock that
//! runs against them is not here.

use std::collections::HashSet;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::editor::{Opt, Schema, Spec, SpecKind};
use crate::domain::ticket::{Named, State};
use crate::error::FieldError;

const MAX_NAME_CHARS: usize = 100;
/// The longest target: a year, in minutes.
const MAX_TARGET_MINUTES: u32 = 525_600;
/// How far an escalation may sit from the due time: a week, in minutes.
const MAX_OFFSET_MINUTES: u32 = 10_080;
const END_OF_DAY: u16 = 24 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The stored (serde) name: `mon`..`sun`.
    pub fn key(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Weekday::Mon => "Monday",
            Weekday::Tue => "Tuesday",
            Weekday::Wed => "Wednesday",
            Weekday::Thu => "Thursday",
            Weekday::Fri => "Friday",
            Weekday::Sat => "Saturday",
            Weekday::Sun => "Sunday",
        }
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Weekday {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }
}

/// Business hours: which minutes count towards SLA targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub name: String,
    pub active: bool,
    /// IANA zone, e.g. "Europe/Berlin".
    pub time_zone: String,
    /// Opening intervals; a weekday may have several (split shifts) or none (closed).
    pub hours: Vec<OpeningHours>,
    pub holidays: Vec<Holiday>,
}

/// One opening interval of a weekday, in the schedule's time zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpeningHours {
    pub day: Weekday,
    /// `HH:MM`, 00:00 to 23:59.
    pub opens: String,
    /// `HH:MM`, after `opens`; `24:00` is the end of the day.
    pub closes: String,
}

/// A day on which the schedule is closed all day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holiday {
    /// `YYYY-MM-DD`, in the schedule's time zone.
    pub date: String,
    pub name: String,
}

impl Schedule {
    /// A new schedule: Monday to Friday, 09:00 to 17:00 UTC.
    pub fn blank() -> Schedule {
        let hours = Weekday::ALL[..5]
            .iter()
            .map(|&day| OpeningHours {
                day,
                opens: "09:00".to_string(),
                closes: "17:00".to_string(),
            })
            .collect();
        Schedule {
            name: String::new(),
            active: true,
            time_zone: "UTC".to_string(),
            hours,
            holidays: Vec::new(),
        }
    }

    /// The time zone, when `time_zone` names one.
    pub fn tz(&self) -> Option<Tz> {
        self.time_zone.trim().parse::<Tz>().ok()
    }

    /// The day's opening intervals as minutes since midnight `(opens, closes)`, sorted; rows that
    /// do not validate are left out.
    pub fn minutes_open(&self, day: Weekday) -> Vec<(u16, u16)> {
        let mut open: Vec<(u16, u16)> = self
            .hours
            .iter()
            .filter(|h| h.day == day)
            .filter_map(OpeningHours::interval)
            .collect();
        open.sort_unstable();
        open
    }

    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, &mut errors);
        if self.tz().is_none() {
            errors.push(FieldError::new(
                "time_zone",
                "Choose a time zone such as Europe/Berlin.",
            ));
        }
        self.check_hours(&mut errors);
        self.check_holidays(&mut errors);
        errors
    }

    fn check_hours(&self, errors: &mut Vec<FieldError>) {
        for (i, row) in self.hours.iter().enumerate() {
            let opens = parse_clock(&row.opens, false);
            let closes = parse_clock(&row.closes, true);
            if opens.is_none() {
                errors.push(FieldError::new(
                    format!("hours.{i}.opens"),
                    "Enter a time as HH:MM, from 00:00 to 23:59.",
                ));
            }
            if closes.is_none() {
                errors.push(FieldError::new(
                    format!("hours.{i}.closes"),
                    "Enter a time as HH:MM, from 00:00 to 24:00.",
                ));
            }
            let (Some(opens), Some(closes)) = (opens, closes) else {
                continue;
            };
            if closes <= opens {
                errors.push(FieldError::new(
                    format!("hours.{i}.closes"),
                    "Closing time must be after opening time; split an overnight shift over two days.",
                ));
                continue;
            }
            let overlapped = self.hours[..i].iter().find(|earlier| {
                earlier.day == row.day
                    && earlier
                        .interval()
                        .is_some_and(|(o, c)| opens < c && o < closes)
            });
            if let Some(earlier) = overlapped {
                errors.push(FieldError::new(
                    format!("hours.{i}.opens"),
                    format!(
                        "Overlaps the hours from {} to {} on {}.",
                        earlier.opens,
                        earlier.closes,
                        row.day.name()
                    ),
                ));
            }
        }
        if self.hours.iter().all(|h| h.interval().is_none()) {
            errors.push(FieldError::new("hours", "Open at least one day."));
        }
    }

    fn check_holidays(&self, errors: &mut Vec<FieldError>) {
        let mut seen = HashSet::new();
        for (i, holiday) in self.holidays.iter().enumerate() {
            match parse_date(&holiday.date) {
                None => errors.push(FieldError::new(
                    format!("holidays.{i}.date"),
                    "Enter a real date as YYYY-MM-DD.",
                )),
                Some(date) if !seen.insert(date) => errors.push(FieldError::new(
                    format!("holidays.{i}.date"),
                    "This date is already a holiday.",
                )),
                Some(_) => {}
            }
            let name = holiday.name.trim();
            if name.is_empty() {
                errors.push(FieldError::new(
                    format!("holidays.{i}.name"),
                    "Name the holiday.",
                ));
            } else if name.chars().count() > MAX_NAME_CHARS {
                errors.push(FieldError::new(
                    format!("holidays.{i}.name"),
                    "Use at most 100 characters.",
                ));
            }
        }
    }

    pub fn schema() -> Schema {
        let days = Weekday::ALL
            .iter()
            .map(|d| Opt::new(d.key(), d.name()))
            .collect();
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::text("time_zone", "Time zone")
                .hint("IANA name, e.g. Europe/Berlin or America/New_York"),
            Spec::rows(
                "hours",
                "Opening hours",
                vec![
                    Spec::choice("day", "Day", days),
                    Spec::new("opens", "Opens", SpecKind::Time),
                    Spec::new("closes", "Closes", SpecKind::Time),
                ],
            ),
            Spec::rows(
                "holidays",
                "Holidays",
                vec![
                    Spec::new("date", "Date", SpecKind::Date),
                    Spec::text("name", "Name"),
                ],
            ),
        ])
    }
}

impl OpeningHours {
    /// `(opens, closes)` in minutes since midnight, when both parse and it opens at all.
    fn interval(&self) -> Option<(u16, u16)> {
        let opens = parse_clock(&self.opens, false)?;
        let closes = parse_clock(&self.closes, true)?;
        (opens < closes).then_some((opens, closes))
    }
}

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
    fn targets(self, catalog: &Catalog) -> Option<(&[Named], &'static str)> {
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
        check_name(&self.name, &mut errors);
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

fn check_name(name: &str, errors: &mut Vec<FieldError>) {
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Enter a name."));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new("name", "Use at most 100 characters."));
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

/// Minutes since midnight of a strict `HH:MM`; `24:00` (end of day) only when allowed.
fn parse_clock(text: &str, allow_end_of_day: bool) -> Option<u16> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let two_digits = |pair: &[u8]| -> Option<u16> {
        pair.iter().try_fold(0u16, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0'))
        })
    };
    let hours = two_digits(&bytes[..2])?;
    let minutes = two_digits(&bytes[3..])?;
    let total = hours * 60 + minutes;
    match (hours, minutes) {
        (0..=23, 0..=59) => Some(total),
        (24, 0) if allow_end_of_day => Some(END_OF_DAY),
        _ => None,
    }
}

/// A strict `YYYY-MM-DD` calendar date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl crate::domain::config::Item for Schedule {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        Schedule::validate(self)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::Status;

    fn named(keys: &[&str]) -> Vec<Named> {
        keys.iter()
            .map(|k| Named {
                key: k.to_string(),
                name: k.to_uppercase(),
            })
            .collect()
    }

    fn status(key: &str, state: State, pauses_sla: bool) -> Status {
        Status {
            key: key.to_string(),
            name: key.to_uppercase(),
            state,
            pauses_sla,
            customer_may_reopen: false,
        }
    }

    fn catalog() -> Catalog {
        Catalog {
            priorities: named(&["low", "normal", "high"]),
            teams: named(&["tier2"]),
            agents: named(&["ana"]),
            schedules: named(&["office"]),
            statuses: vec![
                status("open", State::Open, false),
                status("waiting", State::Open, true),
                status("on_hold", State::Open, false),
                status("closed", State::Closed, false),
            ],
            ..Catalog::default()
        }
    }

    fn hours(day: Weekday, opens: &str, closes: &str) -> OpeningHours {
        OpeningHours {
            day,
            opens: opens.to_string(),
            closes: closes.to_string(),
        }
    }

    fn office() -> Schedule {
        Schedule {
            name: "Office".to_string(),
            time_zone: "Europe/Berlin".to_string(),
            holidays: vec![Holiday {
                date: "2025-12-25".to_string(),
                name: "Christmas".to_string(),
            }],
            ..Schedule::blank()
        }
    }

    fn target(priority: &str, first_response: u32, resolution: u32) -> Target {
        Target {
            priority: priority.to_string(),
            first_response_minutes: first_response,
            resolution_minutes: resolution,
        }
    }

    fn escalation(clock: Clock, offset: i32, action: EscalationAction, value: &str) -> Escalation {
        Escalation {
            clock,
            offset_minutes: offset,
            action,
            value: value.to_string(),
        }
    }

    fn plan() -> SlaPlan {
        SlaPlan {
            name: "Standard".to_string(),
            schedule: Some("office".to_string()),
            targets: vec![target("high", 30, 480)],
            pause_statuses: vec!["on_hold".to_string()],
            escalations: vec![
                escalation(Clock::Resolution, -60, EscalationAction::NotifyAssignee, ""),
                escalation(
                    Clock::Resolution,
                    0,
                    EscalationAction::RaisePriority,
                    "high",
                ),
                escalation(
                    Clock::Resolution,
                    120,
                    EscalationAction::AssignTeam,
                    "tier2",
                ),
            ],
            ..SlaPlan::blank()
        }
    }

    /// The error messages by field, in order.
    fn errors(found: Vec<FieldError>) -> Vec<(String, String)> {
        found.into_iter().map(|e| (e.field, e.message)).collect()
    }

    fn one(field: &str, message: &str) -> Vec<(String, String)> {
        vec![(field.to_string(), message.to_string())]
    }

    #[test]
    fn a_blank_schedule_needs_only_a_name() {
        assert_eq!(
            errors(Schedule::blank().validate()),
            one("name", "Enter a name.")
        );
        assert_eq!(errors(office().validate()), vec![]);
    }

    #[test]
    fn a_schedule_name_is_at_most_a_hundred_characters() {
        let mut schedule = office();
        schedule.name = "x".repeat(101);
        assert_eq!(
            errors(schedule.validate()),
            one("name", "Use at most 100 characters.")
        );
        schedule.name = format!("  {}  ", "x".repeat(100));
        assert_eq!(errors(schedule.validate()), vec![]);
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(office().tz(), Some(chrono_tz::Europe::Berlin));
        let mut schedule = office();
        schedule.time_zone = "America/New_York".to_string();
        assert_eq!(schedule.tz(), Some(chrono_tz::America::New_York));
        for wrong in ["", "CEST", "Europe/Atlantis"] {
            schedule.time_zone = wrong.to_string();
            assert_eq!(schedule.tz(), None, "{wrong}");
            assert_eq!(
                errors(schedule.validate()),
                one("time_zone", "Choose a time zone such as Europe/Berlin."),
                "{wrong}"
            );
        }
    }

    #[test]
    fn opening_times_must_be_hh_mm() {
        for wrong in ["9:00", "09:60", "24:00", "ab:cd", "09.00", "09:00:00"] {
            let mut schedule = office();
            schedule.hours[0].opens = wrong.to_string();
            assert_eq!(
                errors(schedule.validate()),
                one(
                    "hours.0.opens",
                    "Enter a time as HH:MM, from 00:00 to 23:59."
                ),
                "{wrong}"
            );
        }
        let mut schedule = office();
        schedule.hours[1].closes = "24:01".to_string();
        assert_eq!(
            errors(schedule.validate()),
            one(
                "hours.1.closes",
                "Enter a time as HH:MM, from 00:00 to 24:00."
            )
        );
    }

    #[test]
    fn a_day_may_close_at_midnight_as_24_00() {
        let mut schedule = office();
        schedule.hours = vec![hours(Weekday::Sat, "00:00", "24:00")];
        assert_eq!(errors(schedule.validate()), vec![]);
        assert_eq!(schedule.minutes_open(Weekday::Sat), vec![(0, 1440)]);
    }

    #[test]
    fn closing_before_opening_is_refused() {
        let mut schedule = office();
        schedule.hours.push(hours(Weekday::Sat, "22:00", "06:00"));
        schedule.hours.push(hours(Weekday::Sun, "10:00", "10:00"));
        let message =
            "Closing time must be after opening time; split an overnight shift over two days.";
        assert_eq!(
            errors(schedule.validate()),
            vec![
                ("hours.5.closes".to_string(), message.to_string()),
                ("hours.6.closes".to_string(), message.to_string()),
            ]
        );
    }

    #[test]
    fn overlapping_hours_on_one_day_are_refused() {
        let mut schedule = office();
        schedule.hours = vec![
            hours(Weekday::Mon, "09:00", "12:00"),
            hours(Weekday::Mon, "11:30", "17:00"),
        ];
        assert_eq!(
            errors(schedule.validate()),
            one(
                "hours.1.opens",
                "Overlaps the hours from 09:00 to 12:00 on Monday."
            )
        );
    }

    #[test]
    fn touching_shifts_and_other_days_do_not_overlap() {
        let mut schedule = office();
        schedule.hours = vec![
            hours(Weekday::Mon, "09:00", "12:00"),
            hours(Weekday::Mon, "12:00", "17:00"),
            hours(Weekday::Tue, "10:00", "11:00"),
        ];
        assert_eq!(errors(schedule.validate()), vec![]);
    }

    #[test]
    fn a_schedule_must_open_at_least_one_day() {
        let mut schedule = office();
        schedule.hours.clear();
        assert_eq!(
            errors(schedule.validate()),
            one("hours", "Open at least one day.")
        );
    }

    #[test]
    fn holidays_need_a_real_date() {
        for wrong in ["2025-02-30", "2025/12/25", "2025-1-5", "christmas"] {
            let mut schedule = office();
            schedule.holidays[0].date = wrong.to_string();
            assert_eq!(
                errors(schedule.validate()),
                one("holidays.0.date", "Enter a real date as YYYY-MM-DD."),
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_holiday_date_is_listed_once() {
        let mut schedule = office();
        schedule.holidays.push(Holiday {
            date: "2025-12-25".to_string(),
            name: "Christmas again".to_string(),
        });
        assert_eq!(
            errors(schedule.validate()),
            one("holidays.1.date", "This date is already a holiday.")
        );
    }

    #[test]
    fn a_holiday_needs_a_short_name() {
        let mut schedule = office();
        schedule.holidays[0].name = "  ".to_string();
        assert_eq!(
            errors(schedule.validate()),
            one("holidays.0.name", "Name the holiday.")
        );
        schedule.holidays[0].name = "x".repeat(101);
        assert_eq!(
            errors(schedule.validate()),
            one("holidays.0.name", "Use at most 100 characters.")
        );
    }

    #[test]
    fn minutes_open_lists_split_shifts_in_order() {
        let mut schedule = office();
        schedule.hours = vec![
            hours(Weekday::Mon, "14:00", "18:30"),
            hours(Weekday::Tue, "08:00", "12:00"),
            hours(Weekday::Mon, "08:15", "12:00"),
        ];
        assert_eq!(
            schedule.minutes_open(Weekday::Mon),
            vec![(495, 720), (840, 1110)]
        );
        assert_eq!(schedule.minutes_open(Weekday::Tue), vec![(480, 720)]);
        assert_eq!(schedule.minutes_open(Weekday::Sun), vec![]);
        assert_eq!(
            Weekday::from(chrono::Weekday::Sun),
            Weekday::Sun,
            "the clock can look a chrono day up"
        );
    }

    #[test]
    fn weekdays_are_offered_by_their_stored_names() {
        let schema = Schedule::schema();
        let Some(SpecKind::Rows(inputs)) =
            schema.0.iter().find(|s| s.name == "hours").map(|s| &s.kind)
        else {
            panic!("hours are rows");
        };
        let SpecKind::Choice { options, .. } = &inputs[0].kind else {
            panic!("day is a choice");
        };
        for (day, option) in Weekday::ALL.iter().zip(options) {
            assert_eq!(serde_json::to_value(day).unwrap(), option.value.as_str());
        }
        assert_eq!(options.len(), 7);
    }

    #[test]
    fn a_blank_plan_needs_only_a_name_and_a_typical_plan_is_valid() {
        assert_eq!(
            errors(SlaPlan::blank().validate(&catalog())),
            one("name", "Enter a name.")
        );
        assert_eq!(errors(plan().validate(&catalog())), vec![]);
    }

    #[test]
    fn a_plan_refers_to_a_known_schedule() {
        let mut plan = plan();
        plan.schedule = Some("night_shift".to_string());
        assert_eq!(
            errors(plan.validate(&catalog())),
            one("schedule", "Choose one of the schedules.")
        );
        plan.schedule = None;
        assert_eq!(errors(plan.validate(&catalog())), vec![]);
    }

    #[test]
    fn targets_are_between_a_minute_and_a_year() {
        let message = "Enter between 1 and 525600 minutes (a year).";
        let mut plan = plan();
        plan.default_target = target("", 0, 525_601);
        plan.targets[0] = target("high", 0, 60);
        assert_eq!(
            errors(plan.validate(&catalog())),
            vec![
                (
                    "default_target.first_response_minutes".to_string(),
                    message.to_string()
                ),
                (
                    "default_target.resolution_minutes".to_string(),
                    message.to_string()
                ),
                (
                    "targets.0.first_response_minutes".to_string(),
                    message.to_string()
                ),
            ]
        );
    }

    #[test]
    fn resolution_cannot_be_due_before_the_first_response() {
        let message = "Resolution cannot be due before the first response.";
        let mut plan = plan();
        plan.default_target = target("", 60, 59);
        assert_eq!(
            errors(plan.validate(&catalog())),
            one("default_target.resolution_minutes", message)
        );
        let mut plan = self::plan();
        plan.targets[0] = target("high", 60, 30);
        assert_eq!(
            errors(plan.validate(&catalog())),
            one("targets.0.resolution_minutes", message)
        );
    }

    #[test]
    fn target_priorities_are_known_and_listed_once() {
        let mut plan = plan();
        plan.targets.push(target("urgent", 10, 60));
        plan.targets.push(target("high", 10, 60));
        assert_eq!(
            errors(plan.validate(&catalog())),
            vec![
                (
                    "targets.1.priority".to_string(),
                    "Choose one of the priorities.".to_string()
                ),
                (
                    "targets.2.priority".to_string(),
                    "This priority already has a target.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn pause_statuses_are_known_open_statuses() {
        let mut plan = plan();
        plan.pause_statuses = vec![
            "waiting".to_string(),
            "gone".to_string(),
            "closed".to_string(),
        ];
        assert_eq!(
            errors(plan.validate(&catalog())),
            vec![
                (
                    "pause_statuses.1".to_string(),
                    "Choose one of the statuses.".to_string()
                ),
                (
                    "pause_statuses.2".to_string(),
                    "A closed status already stops the clock.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn at_risk_is_a_percentage_from_1_to_99() {
        for wrong in [0, 100, 255] {
            let mut plan = plan();
            plan.at_risk_percent = wrong;
            assert_eq!(
                errors(plan.validate(&catalog())),
                one("at_risk_percent", "Enter a percentage from 1 to 99."),
                "{wrong}"
            );
        }
        let mut plan = plan();
        plan.at_risk_percent = 99;
        assert_eq!(errors(plan.validate(&catalog())), vec![]);
    }

    #[test]
    fn escalations_stay_within_a_week_of_the_due_time() {
        let mut plan = plan();
        plan.escalations[0].offset_minutes = -10_081;
        plan.escalations[2].offset_minutes = 10_080;
        plan.escalations[1].offset_minutes = i32::MIN;
        let message = "Stay within a week (10080 minutes) of the due time.";
        assert_eq!(
            errors(plan.validate(&catalog())),
            vec![
                (
                    "escalations.0.offset_minutes".to_string(),
                    message.to_string()
                ),
                (
                    "escalations.1.offset_minutes".to_string(),
                    message.to_string()
                ),
            ]
        );
    }

    #[test]
    fn escalation_targets_are_known_where_the_action_needs_one() {
        let mut plan = plan();
        plan.escalations = vec![
            escalation(
                Clock::FirstResponse,
                0,
                EscalationAction::RaisePriority,
                "urgent",
            ),
            escalation(Clock::FirstResponse, 10, EscalationAction::AssignTeam, ""),
            escalation(
                Clock::FirstResponse,
                20,
                EscalationAction::AssignAgent,
                "bob",
            ),
            escalation(
                Clock::FirstResponse,
                30,
                EscalationAction::AssignAgent,
                "ana",
            ),
            escalation(
                Clock::FirstResponse,
                40,
                EscalationAction::NotifyTeam,
                "anything",
            ),
        ];
        assert_eq!(
            errors(plan.validate(&catalog())),
            vec![
                (
                    "escalations.0.value".to_string(),
                    "Choose one of the priorities.".to_string()
                ),
                (
                    "escalations.1.value".to_string(),
                    "Choose one of the teams.".to_string()
                ),
                (
                    "escalations.2.value".to_string(),
                    "Choose one of the agents.".to_string()
                ),
            ]
        );
    }

    #[test]
    fn the_same_escalation_is_listed_once() {
        let mut plan = plan();
        plan.escalations.push(escalation(
            Clock::Resolution,
            0,
            EscalationAction::RaisePriority,
            "normal",
        ));
        plan.escalations.push(escalation(
            Clock::FirstResponse,
            0,
            EscalationAction::RaisePriority,
            "normal",
        ));
        assert_eq!(
            errors(plan.validate(&catalog())),
            one(
                "escalations.3.action",
                "The same escalation is already listed."
            )
        );
    }

    #[test]
    fn a_priority_without_a_target_uses_the_default() {
        let plan = plan();
        assert_eq!(plan.target_for("high").first_response_minutes, 30);
        assert_eq!(plan.target_for("low"), &plan.default_target);
        assert_eq!(plan.target_for("").resolution_minutes, 2880);
    }

    #[test]
    fn every_escalation_action_is_offered_by_its_stored_name() {
        let schema = SlaPlan::schema(&catalog());
        let Some(SpecKind::Rows(inputs)) = schema
            .0
            .iter()
            .find(|s| s.name == "escalations")
            .map(|s| &s.kind)
        else {
            panic!("escalations are rows");
        };
        let kind = |name: &str| &inputs.iter().find(|s| s.name == name).unwrap().kind;
        let SpecKind::Choice { options, .. } = kind("action") else {
            panic!("action is a choice");
        };
        let SpecKind::ChoiceBy {
            sibling,
            options: by_action,
        } = kind("value")
        else {
            panic!("value depends on the action");
        };
        assert_eq!(sibling, "action");
        for action in EscalationAction::ALL {
            let stored = serde_json::to_value(action).unwrap();
            let stored = stored.as_str().unwrap();
            assert!(options.iter().any(|o| o.value == stored), "{stored}");
            let offered = &by_action.iter().find(|(a, _)| a == stored).unwrap().1;
            assert_eq!(offered.is_empty(), action.targets(&catalog()).is_none());
        }
        let clocks = kind("clock");
        for clock in Clock::ALL {
            let stored = serde_json::to_value(clock).unwrap();
            assert!(
                matches!(clocks, SpecKind::Choice { options, .. } if options.iter().any(|o| o.value == stored.as_str().unwrap()))
            );
        }
    }

    #[test]
    fn only_open_statuses_are_offered_for_pausing() {
        let schema = SlaPlan::schema(&catalog());
        let pause = schema
            .0
            .iter()
            .find(|s| s.name == "pause_statuses")
            .unwrap();
        let SpecKind::Choices(options) = &pause.kind else {
            panic!("pause statuses are choices");
        };
        let keys: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(keys, vec!["open", "waiting", "on_hold"]);
    }

    #[test]
    fn a_default_target_may_omit_its_priority_in_json() {
        let json = serde_json::json!({
            "name": "Gold", "active": true, "schedule": null, "targets": [],
            "default_target": { "first_response_minutes": 60, "resolution_minutes": 480 },
            "pause_statuses": [], "at_risk_percent": 80,
            "escalations": [{ "clock": "first_response", "offset_minutes": -15, "action": "notify_team" }]
        });
        let plan: SlaPlan = serde_json::from_value(json).unwrap();
        assert_eq!(plan.default_target.priority, "");
        assert_eq!(plan.escalations[0].value, "");
        assert_eq!(errors(plan.validate(&catalog())), vec![]);
    }
}
