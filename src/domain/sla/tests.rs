//! The rules of SLA plans and schedules.

use super::*;
use crate::domain::catalog::Catalog;
use crate::domain::editor::SpecKind;
use crate::domain::ticket::{Named, State, Status};
use crate::error::FieldError;

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
    let Some(SpecKind::Rows(inputs)) = schema.0.iter().find(|s| s.name == "hours").map(|s| &s.kind)
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
