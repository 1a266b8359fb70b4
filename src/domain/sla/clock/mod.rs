//! The SLA clock: which instants count (a schedule's business hours in its time zone, minus
//! holidays and paused spans, or around the clock), when a target falls due, and the state of a
//! clock at `now`. Pure: every function takes the time it needs as an argument.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::schedule::{Schedule, Weekday};
use crate::domain::ticket::StatusChange;

#[cfg(test)]
mod tests;

/// How far ahead a due time is looked for before deciding a schedule never opens.
const HORIZON_DAYS: i64 = 3660;

/// When a clock counts. Instants are UTC; hours and holidays are read in the schedule's zone.
#[derive(Clone, Debug, PartialEq)]
pub enum Calendar {
    /// Every second counts (a plan without a schedule).
    AroundTheClock,
    Business {
        tz: Tz,
        /// Opening intervals per weekday (Monday first), minutes since local midnight.
        hours: [Vec<(u16, u16)>; 7],
        holidays: Vec<NaiveDate>,
    },
}

/// A half-open span of time `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Calendar {
    /// The schedule's calendar; `None` when its time zone does not parse (validation refuses
    /// such schedules, so callers fall back to around the clock and log it).
    pub fn of(schedule: &Schedule) -> Option<Calendar> {
        let tz = schedule.tz()?;
        let hours = Weekday::ALL.map(|day| schedule.minutes_open(day));
        let holidays = schedule
            .holidays
            .iter()
            .filter_map(|h| NaiveDate::parse_from_str(h.date.trim(), "%Y-%m-%d").ok())
            .collect();
        Some(Calendar::Business {
            tz,
            hours,
            holidays,
        })
    }

    /// The open spans that end after `from`, in order, clipped to start no earlier than `from`.
    fn open_spans_from(&self, from: DateTime<Utc>) -> Box<dyn Iterator<Item = Span> + '_> {
        match self {
            Calendar::AroundTheClock => Box::new(std::iter::once(Span {
                from,
                to: from + Duration::days(HORIZON_DAYS),
            })),
            Calendar::Business {
                tz,
                hours,
                holidays,
            } => {
                // From the day before, in case the local date lags behind UTC.
                let first = from.with_timezone(tz).date_naive() - Duration::days(1);
                Box::new(
                    (0..HORIZON_DAYS)
                        .map(move |n| first + Duration::days(n))
                        .filter(move |day| !holidays.contains(day))
                        .flat_map(move |day| {
                            let weekday = Weekday::from(chrono::Datelike::weekday(&day));
                            let index =
                                Weekday::ALL.iter().position(|d| *d == weekday).unwrap_or(0);
                            hours[index]
                                .iter()
                                .map(move |(opens, closes)| Span {
                                    from: instant(tz, day, *opens),
                                    to: instant(tz, day, *closes),
                                })
                                .collect::<Vec<_>>()
                        })
                        .filter(move |span| span.to > from && span.to > span.from)
                        .map(move |span| Span {
                            from: span.from.max(from),
                            to: span.to,
                        }),
                )
            }
        }
    }

    /// Counted seconds in `[from, to)`, leaving out `excluded` spans.
    pub fn seconds_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        excluded: &[Span],
    ) -> i64 {
        if to <= from {
            return 0;
        }
        let excluded = normalized(excluded);
        let mut total = 0;
        for open in self.open_spans_from(from) {
            if open.from >= to {
                break;
            }
            let clipped = Span {
                from: open.from,
                to: open.to.min(to),
            };
            total += subtract(clipped, &excluded)
                .iter()
                .map(|s| (s.to - s.from).num_seconds())
                .sum::<i64>();
        }
        total
    }

    /// The instant at which `seconds` counted seconds have passed since `from` (skipping closed
    /// hours, holidays and `excluded` spans); `None` if the calendar never opens.
    pub fn after(
        &self,
        from: DateTime<Utc>,
        seconds: i64,
        excluded: &[Span],
    ) -> Option<DateTime<Utc>> {
        if seconds <= 0 {
            return Some(from);
        }
        let excluded = normalized(excluded);
        let mut left = seconds;
        for open in self.open_spans_from(from) {
            for part in subtract(open, &excluded) {
                let length = (part.to - part.from).num_seconds();
                if length >= left {
                    return Some(part.from + Duration::seconds(left));
                }
                left -= length;
            }
        }
        None
    }
}

/// A local wall-clock time as an instant: `minutes` after local midnight of `day` (1440 is the
/// next midnight). A time skipped by a DST change counts from the first valid minute after it; a
/// repeated one from its first occurrence.
fn instant(tz: &Tz, day: NaiveDate, minutes: u16) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or(NaiveDateTime::MIN);
    let mut local = midnight + Duration::minutes(i64::from(minutes));
    for _ in 0..=180 {
        match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) => return t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            chrono::LocalResult::None => local += Duration::minutes(1),
        }
    }
    local.and_utc()
}

/// Sorted, merged, non-empty spans.
fn normalized(spans: &[Span]) -> Vec<Span> {
    let mut spans: Vec<Span> = spans.iter().copied().filter(|s| s.to > s.from).collect();
    spans.sort_by_key(|s| s.from);
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.from <= last.to => last.to = last.to.max(span.to),
            _ => merged.push(span),
        }
    }
    merged
}

/// `span` without the (normalized) `excluded` spans.
fn subtract(span: Span, excluded: &[Span]) -> Vec<Span> {
    let mut parts = Vec::new();
    let mut cursor = span.from;
    for gap in excluded {
        if gap.to <= cursor || gap.from >= span.to {
            continue;
        }
        if gap.from > cursor {
            parts.push(Span {
                from: cursor,
                to: gap.from,
            });
        }
        cursor = cursor.max(gap.to);
        if cursor >= span.to {
            break;
        }
    }
    if cursor < span.to {
        parts.push(Span {
            from: cursor,
            to: span.to,
        });
    }
    parts
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTrack,
    /// More than the plan's at-risk share of the target is used.
    AtRisk,
    Breached,
    /// Stopped by a pausing status; the remaining time waits.
    Paused,
    /// Stopped in time (first response given, or resolved).
    Met,
}

/// One clock of a ticket (first response or resolution) as the ticket's history gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClockInput {
    pub started: DateTime<Utc>,
    /// The target, in counted minutes.
    pub target_minutes: u32,
    /// Closed spans during which the clock was paused.
    pub pauses: Vec<Span>,
    /// When the current pause began, if the clock is paused now.
    pub paused_since: Option<DateTime<Utc>>,
    /// When the clock stopped for good (the first response, the resolution).
    pub stopped_at: Option<DateTime<Utc>>,
    /// An agent's due date, which replaces the computed one.
    pub manual_due: Option<DateTime<Utc>>,
    /// Share of the target (1..=99) after which the clock is at risk.
    pub at_risk_percent: u8,
}

/// A clock at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    pub state: SlaState,
    /// When it falls (or fell) due; `None` while paused (the due time moves with the pause) or
    /// when the calendar never opens.
    pub due_at: Option<DateTime<Utc>>,
    /// Counted seconds left (negative once breached); frozen while paused.
    pub remaining_seconds: i64,
}

/// The clock at `now`.
pub fn evaluate(clock: &ClockInput, calendar: &Calendar, now: DateTime<Utc>) -> ClockView {
    let end = clock.stopped_at.unwrap_or(now).min(now.max(clock.started));
    let mut excluded = clock.pauses.clone();
    if let Some(since) = clock.paused_since {
        excluded.push(Span {
            from: since,
            to: end.max(since),
        });
    }
    let target = i64::from(clock.target_minutes) * 60;
    let (due_at, remaining) = match clock.manual_due {
        Some(due) => (Some(due), (due - end).num_seconds()),
        None => {
            let used = calendar.seconds_between(clock.started, end, &excluded);
            let due = if clock.paused_since.is_some() && clock.stopped_at.is_none() {
                None
            } else {
                calendar.after(clock.started, target, &excluded)
            };
            (due, target - used)
        }
    };
    let state = if clock.stopped_at.is_some() {
        if remaining >= 0 {
            SlaState::Met
        } else {
            SlaState::Breached
        }
    } else if remaining <= 0 {
        SlaState::Breached
    } else if clock.paused_since.is_some() {
        SlaState::Paused
    } else {
        let whole = match clock.manual_due {
            Some(due) => (due - clock.started).num_seconds().max(1),
            None => target.max(1),
        };
        let used_percent = (whole - remaining) * 100 / whole;
        if used_percent >= i64::from(clock.at_risk_percent) {
            SlaState::AtRisk
        } else {
            SlaState::OnTrack
        }
    };
    ClockView {
        state,
        due_at,
        remaining_seconds: remaining,
    }
}

/// The spans a ticket spent in one of the `stopping` statuses (keys), closed, and since when it
/// has been in one if it still is.
pub fn stopped_spans(
    log: &[StatusChange],
    stopping: &[String],
) -> (Vec<Span>, Option<DateTime<Utc>>) {
    let mut spans = Vec::new();
    let mut since = None;
    for change in log {
        let stops = stopping.contains(&change.status);
        match (since, stops) {
            (None, true) => since = Some(change.at),
            (Some(from), false) => {
                spans.push(Span {
                    from,
                    to: change.at,
                });
                since = None;
            }
            _ => {}
        }
    }
    (spans, since)
}
