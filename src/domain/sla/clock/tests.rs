//! The SLA clock on hand-computed cases (weekends, holidays, midnight, DST, pauses) and on
//! seeded random cases for its invariants.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

use super::*;
use crate::domain::sla::schedule::{Holiday, OpeningHours, Schedule, Weekday};
use crate::domain::ticket::StatusChange;

fn berlin() -> Tz {
    "Europe/Berlin".parse().unwrap()
}

/// Berlin local time as an instant.
fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    berlin()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn schedule(days: &[Weekday], opens: &str, closes: &str, holidays: &[&str]) -> Schedule {
    Schedule {
        name: "Office".into(),
        active: true,
        time_zone: "Europe/Berlin".into(),
        hours: days
            .iter()
            .map(|day| OpeningHours {
                day: *day,
                opens: opens.into(),
                closes: closes.into(),
            })
            .collect(),
        holidays: holidays
            .iter()
            .map(|date| Holiday {
                date: date.to_string(),
                name: "Holiday".into(),
            })
            .collect(),
    }
}

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

fn office(holidays: &[&str]) -> Calendar {
    Calendar::of(&schedule(&WEEKDAYS, "09:00", "17:00", holidays)).unwrap()
}

fn every_day_all_day() -> Calendar {
    Calendar::of(&schedule(&Weekday::ALL, "00:00", "24:00", &[])).unwrap()
}

fn hours(n: i64) -> i64 {
    n * 3600
}

#[test]
fn friday_1630_plus_two_business_hours_over_a_monday_holiday_is_tuesday_1030() {
    // Friday 4 December 2026; Monday 7 December is a holiday.
    let calendar = office(&["2026-12-07"]);
    let due = calendar.after(local(2026, 12, 4, 16, 30), hours(2), &[]);
    assert_eq!(due, Some(local(2026, 12, 8, 10, 30)));
    assert_eq!(
        calendar.seconds_between(local(2026, 12, 4, 16, 30), local(2026, 12, 8, 10, 30), &[]),
        hours(2)
    );
}

#[test]
fn a_ticket_opened_at_night_starts_counting_when_the_office_opens() {
    let calendar = office(&[]);
    // Wednesday 22:00 + 1 hour: Thursday 10:00.
    assert_eq!(
        calendar.after(local(2026, 12, 2, 22, 0), hours(1), &[]),
        Some(local(2026, 12, 3, 10, 0))
    );
}

#[test]
fn around_the_clock_crosses_midnight_and_weekends_as_plain_time() {
    let start = Utc.with_ymd_and_hms(2026, 12, 5, 23, 30, 0).unwrap();
    assert_eq!(
        Calendar::AroundTheClock.after(start, 3600, &[]),
        Some(Utc.with_ymd_and_hms(2026, 12, 6, 0, 30, 0).unwrap())
    );
}

#[test]
fn the_spring_dst_change_leaves_out_the_skipped_hour() {
    // Berlin moves from 02:00 to 03:00 on Sunday 28 March 2027.
    let calendar = every_day_all_day();
    let saturday_noon = local(2027, 3, 27, 12, 0);
    let sunday_noon = local(2027, 3, 28, 12, 0);
    assert_eq!(
        calendar.seconds_between(saturday_noon, sunday_noon, &[]),
        hours(23)
    );
    assert_eq!(
        calendar.after(saturday_noon, hours(24), &[]),
        Some(local(2027, 3, 28, 13, 0))
    );
}

#[test]
fn the_autumn_dst_change_counts_the_repeated_hour() {
    // Berlin moves from 03:00 back to 02:00 on Sunday 25 October 2026.
    let calendar = every_day_all_day();
    assert_eq!(
        calendar.seconds_between(local(2026, 10, 24, 12, 0), local(2026, 10, 25, 12, 0), &[]),
        hours(25)
    );
}

#[test]
fn office_hours_keep_their_local_times_across_a_dst_change() {
    // Friday 26 March 2027 16:00 (UTC+1) + 2 h: Monday 29 March 10:00 (now UTC+2).
    let due = office(&[]).after(local(2027, 3, 26, 16, 0), hours(2), &[]);
    assert_eq!(due, Some(local(2027, 3, 29, 10, 0)));
    assert_eq!(
        due,
        Some(Utc.with_ymd_and_hms(2027, 3, 29, 8, 0, 0).unwrap())
    );
}

#[test]
fn an_opening_time_skipped_by_dst_opens_at_the_first_valid_minute() {
    let calendar = Calendar::of(&schedule(&[Weekday::Sun], "02:30", "04:00", &[])).unwrap();
    // On 28 March 2027 02:30 does not exist: the day opens at 03:00 (01:00 UTC), one hour.
    assert_eq!(
        calendar.seconds_between(local(2027, 3, 28, 0, 0), local(2027, 3, 29, 0, 0), &[]),
        hours(1)
    );
}

#[test]
fn a_pause_over_a_weekend_resumes_with_the_remaining_time() {
    let calendar = office(&[]);
    // Started Friday 10:00 with 8 business hours; paused Friday 16:00 to Monday 10:00.
    let started = local(2026, 12, 4, 10, 0);
    let pause = Span {
        from: local(2026, 12, 4, 16, 0),
        to: local(2026, 12, 7, 10, 0),
    };
    assert_eq!(
        calendar.after(started, hours(8), &[pause]),
        Some(local(2026, 12, 7, 12, 0))
    );
}

#[test]
fn a_calendar_that_never_opens_has_no_due_time() {
    let closed = Calendar::of(&schedule(&[], "09:00", "17:00", &[])).unwrap();
    assert_eq!(closed.after(local(2026, 12, 4, 10, 0), 60, &[]), None);
}

fn clock(started: DateTime<Utc>, target_minutes: u32) -> ClockInput {
    ClockInput {
        started,
        target_minutes,
        pauses: Vec::new(),
        paused_since: None,
        stopped_at: None,
        manual_due: None,
        at_risk_percent: 75,
    }
}

#[test]
fn a_clock_is_on_track_then_at_risk_then_breached() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let c = clock(start, 60);
    let at = |minutes| {
        evaluate(
            &c,
            &Calendar::AroundTheClock,
            start + Duration::minutes(minutes),
        )
    };
    assert_eq!(at(30).state, SlaState::OnTrack);
    assert_eq!(at(30).remaining_seconds, 1800);
    assert_eq!(at(30).due_at, Some(start + Duration::minutes(60)));
    assert_eq!(at(45).state, SlaState::AtRisk, "75 % used");
    assert_eq!(at(60).state, SlaState::Breached);
    assert_eq!(at(90).remaining_seconds, -1800);
}

#[test]
fn a_paused_clock_neither_counts_nor_breaches() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let paused = ClockInput {
        paused_since: Some(start + Duration::minutes(20)),
        ..clock(start, 60)
    };
    let view = evaluate(
        &paused,
        &Calendar::AroundTheClock,
        start + Duration::hours(5),
    );
    assert_eq!(view.state, SlaState::Paused);
    assert_eq!(view.remaining_seconds, 40 * 60, "frozen at the pause");
    assert_eq!(view.due_at, None);
    // Resumed an hour later: due 60 min after the start plus the hour paused.
    let resumed = ClockInput {
        pauses: vec![Span {
            from: start + Duration::minutes(20),
            to: start + Duration::minutes(80),
        }],
        ..clock(start, 60)
    };
    let view = evaluate(
        &resumed,
        &Calendar::AroundTheClock,
        start + Duration::minutes(90),
    );
    assert_eq!(view.due_at, Some(start + Duration::minutes(120)));
    assert_eq!(view.remaining_seconds, 30 * 60);
}

#[test]
fn a_clock_stopped_in_time_is_met_and_one_stopped_late_is_breached() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let later = start + Duration::days(3);
    let met = ClockInput {
        stopped_at: Some(start + Duration::minutes(50)),
        ..clock(start, 60)
    };
    assert_eq!(
        evaluate(&met, &Calendar::AroundTheClock, later).state,
        SlaState::Met
    );
    let late = ClockInput {
        stopped_at: Some(start + Duration::minutes(70)),
        ..clock(start, 60)
    };
    assert_eq!(
        evaluate(&late, &Calendar::AroundTheClock, later).state,
        SlaState::Breached
    );
}

#[test]
fn a_manual_due_date_overrides_the_plan() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let manual = ClockInput {
        manual_due: Some(start + Duration::days(2)),
        ..clock(start, 60)
    };
    let view = evaluate(&manual, &office(&[]), start + Duration::hours(3));
    assert_eq!(view.state, SlaState::OnTrack);
    assert_eq!(view.due_at, Some(start + Duration::days(2)));
}

/// A small deterministic generator (64-bit LCG), so the invariants are checked on many cases and
/// every failure can be replayed.
struct Cases(u64);

impl Cases {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    fn instant(&mut self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
            + Duration::minutes(i64::try_from(self.next(60 * 24 * 700)).unwrap())
    }

    fn calendar(&mut self) -> Calendar {
        match self.next(3) {
            0 => Calendar::AroundTheClock,
            1 => office(&["2026-12-25", "2027-01-01", "2026-05-01"]),
            _ => every_day_all_day(),
        }
    }
}

#[test]
fn remaining_time_never_grows_while_a_clock_runs() {
    let mut cases = Cases(7);
    for _ in 0..300 {
        let calendar = cases.calendar();
        let start = cases.instant();
        let c = ClockInput {
            target_minutes: u32::try_from(cases.next(5000) + 1).unwrap(),
            ..clock(start, 0)
        };
        let mut now = start;
        let mut last = i64::MAX;
        for _ in 0..8 {
            now += Duration::minutes(i64::try_from(cases.next(3000)).unwrap());
            let remaining = evaluate(&c, &calendar, now).remaining_seconds;
            assert!(remaining <= last, "{calendar:?} from {start} at {now}");
            last = remaining;
        }
    }
}

#[test]
fn a_pause_is_the_same_as_not_counting_the_paused_span() {
    let mut cases = Cases(11);
    for _ in 0..300 {
        let calendar = cases.calendar();
        let start = cases.instant();
        let pause_from = start + Duration::minutes(i64::try_from(cases.next(6000)).unwrap());
        let pause_to = pause_from + Duration::minutes(i64::try_from(cases.next(6000)).unwrap());
        let end = pause_to + Duration::minutes(i64::try_from(cases.next(6000)).unwrap());
        let pause = Span {
            from: pause_from,
            to: pause_to,
        };
        assert_eq!(
            calendar.seconds_between(start, end, &[pause]),
            calendar.seconds_between(start, pause_from, &[])
                + calendar.seconds_between(pause_to, end, &[]),
            "{calendar:?} {start} {pause:?} {end}"
        );
    }
}

#[test]
fn the_due_time_is_exactly_the_target_of_counted_time_away() {
    let mut cases = Cases(13);
    for _ in 0..300 {
        let calendar = cases.calendar();
        let start = cases.instant();
        let target = i64::try_from(cases.next(60 * 60 * 200) + 1).unwrap();
        let due = calendar.after(start, target, &[]).unwrap();
        assert_eq!(
            calendar.seconds_between(start, due, &[]),
            target,
            "{calendar:?} {start}"
        );
    }
}

#[test]
fn the_status_log_gives_the_spans_spent_waiting_and_the_wait_still_going_on() {
    let at = |h| Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap();
    let change = |status: &str, h| StatusChange {
        status: status.into(),
        at: at(h),
    };
    let log = [
        change("open", 8),
        change("waiting", 10),
        change("on_hold", 11),
        change("open", 12),
        change("waiting", 14),
    ];
    let stopping = vec!["waiting".to_string(), "on_hold".to_string()];
    let (spans, since) = stopped_spans(&log, &stopping);
    assert_eq!(
        spans,
        vec![Span {
            from: at(10),
            to: at(12)
        }]
    );
    assert_eq!(since, Some(at(14)));
}
