//! What one ticket adds to the reports: counts, response times and SLA outcomes per day, per
//! department scope and per dimension value, and its place in the open backlog. The stored
//! rollups are the sum of these over every ticket; a changed ticket is counted again as
//! "new contribution minus old".

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::facts::TicketFacts;
use super::histogram::Histogram;

/// The scope that counts every department; each department is also a scope of its own, so that
/// staff who see only some departments get their figures without reading anyone else's.
pub const ALL_SCOPE: &str = "*";

/// What a figure is broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    /// Every ticket (one value, empty).
    All,
    Department,
    Source,
    Priority,
    /// The assignee (empty: unassigned); for `handled`, the agent who acted.
    Agent,
    AlertSource,
    /// An alert rule as `source/rule` (`source/` for alerts without a rule).
    Rule,
    Observable,
    Status,
}

impl Dim {
    pub const ALL: [Dim; 9] = [
        Dim::All,
        Dim::Department,
        Dim::Source,
        Dim::Priority,
        Dim::Agent,
        Dim::AlertSource,
        Dim::Rule,
        Dim::Observable,
        Dim::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dim::All => "all",
            Dim::Department => "department",
            Dim::Source => "source",
            Dim::Priority => "priority",
            Dim::Agent => "agent",
            Dim::AlertSource => "alert_source",
            Dim::Rule => "rule",
            Dim::Observable => "observable",
            Dim::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// One value of one dimension, written `dim:value` where it is a map key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct DimKey {
    pub dim: Dim,
    pub value: String,
}

impl DimKey {
    pub fn new(dim: Dim, value: impl Into<String>) -> DimKey {
        DimKey {
            dim,
            value: value.into(),
        }
    }
}

impl From<DimKey> for String {
    fn from(key: DimKey) -> String {
        format!("{}:{}", key.dim.as_str(), key.value)
    }
}

impl TryFrom<String> for DimKey {
    type Error = String;
    fn try_from(s: String) -> Result<DimKey, String> {
        let (dim, value) = s
            .split_once(':')
            .ok_or_else(|| format!("no dimension in {s}"))?;
        let dim = Dim::parse(dim).ok_or_else(|| format!("unknown dimension {dim}"))?;
        Ok(DimKey::new(dim, value))
    }
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The counts of one day for one dimension value. Every count may be negative in a delta.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    /// Tickets created that day.
    #[serde(skip_serializing_if = "is_zero")]
    pub opened: i64,
    /// Tickets whose last close was that day (and are still closed).
    #[serde(skip_serializing_if = "is_zero")]
    pub closed: i64,
    /// Times to acknowledge of tickets first acknowledged that day.
    #[serde(skip_serializing_if = "Histogram::is_empty")]
    pub mtta: Histogram,
    /// Times to resolve of tickets closed that day.
    #[serde(skip_serializing_if = "Histogram::is_empty")]
    pub mttr: Histogram,
    /// SLA first-response clocks that stopped that day, in time or late.
    #[serde(skip_serializing_if = "is_zero")]
    pub first_response_met: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub first_response_missed: i64,
    /// SLA resolution clocks that stopped (the ticket closed) that day, in time or late.
    #[serde(skip_serializing_if = "is_zero")]
    pub resolution_met: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub resolution_missed: i64,
    /// Tickets closed that day by resolution class.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, i64>,
    /// Tickets an agent acted on that day (once per ticket, agent and day).
    #[serde(skip_serializing_if = "is_zero")]
    pub handled: i64,
}

impl Tally {
    /// `self + sign * other`.
    pub fn merge(&mut self, other: &Tally, sign: i64) {
        self.opened += sign * other.opened;
        self.closed += sign * other.closed;
        self.mtta.merge(&other.mtta, sign);
        self.mttr.merge(&other.mttr, sign);
        self.first_response_met += sign * other.first_response_met;
        self.first_response_missed += sign * other.first_response_missed;
        self.resolution_met += sign * other.resolution_met;
        self.resolution_missed += sign * other.resolution_missed;
        for (class, n) in &other.classes {
            let count = self.classes.entry(class.clone()).or_insert(0);
            *count += sign * n;
            if *count == 0 {
                self.classes.remove(class);
            }
        }
        self.handled += sign * other.handled;
    }

    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }
}

/// One scope's day: a tally per dimension value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DayTally(pub BTreeMap<DimKey, Tally>);

impl DayTally {
    pub fn merge(&mut self, other: &DayTally, sign: i64) {
        for (key, tally) in &other.0 {
            let mine = self.0.entry(key.clone()).or_default();
            mine.merge(tally, sign);
            if mine.is_empty() {
                self.0.remove(key);
            }
        }
    }

    fn at(&mut self, key: DimKey) -> &mut Tally {
        self.0.entry(key).or_default()
    }
}

/// One scope's open tickets: per dimension value, how many were created on each day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpenTally(pub BTreeMap<DimKey, BTreeMap<NaiveDate, i64>>);

impl OpenTally {
    pub fn merge(&mut self, other: &OpenTally, sign: i64) {
        for (key, days) in &other.0 {
            let mine = self.0.entry(key.clone()).or_default();
            for (day, n) in days {
                let count = mine.entry(*day).or_insert(0);
                *count += sign * n;
                if *count == 0 {
                    mine.remove(day);
                }
            }
            if mine.is_empty() {
                self.0.remove(key);
            }
        }
    }
}

/// Tallies by scope and day, the same summed by scope and ISO week (keyed by its Monday, so a
/// long range reads a week at a time), and open tallies by scope: a ticket's contribution, a
/// delta, or the sum over all tickets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tallies {
    pub days: BTreeMap<(String, NaiveDate), DayTally>,
    pub weeks: BTreeMap<(String, NaiveDate), DayTally>,
    pub open: BTreeMap<String, OpenTally>,
}

/// `into + sign * from`, key by key, dropping what becomes empty.
fn merge_keyed(
    into: &mut BTreeMap<(String, NaiveDate), DayTally>,
    from: &BTreeMap<(String, NaiveDate), DayTally>,
    sign: i64,
) {
    for (key, day) in from {
        let mine = into.entry(key.clone()).or_default();
        mine.merge(day, sign);
        if mine.0.is_empty() {
            into.remove(key);
        }
    }
}

/// The Monday of `day`'s ISO week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    super::filter::Granularity::Week.period_start(day)
}

impl Tallies {
    /// `self + sign * other`, dropping whatever becomes zero.
    pub fn merge(&mut self, other: &Tallies, sign: i64) {
        merge_keyed(&mut self.days, &other.days, sign);
        merge_keyed(&mut self.weeks, &other.weeks, sign);
        for (scope, open) in &other.open {
            let mine = self.open.entry(scope.clone()).or_default();
            mine.merge(open, sign);
            if mine.0.is_empty() {
                self.open.remove(scope);
            }
        }
    }

    /// What counting a ticket again changes: its new contribution minus its old one.
    pub fn change(old: Option<&TicketFacts>, new: &TicketFacts, tz: Tz) -> Tallies {
        let mut delta = contribution(new, tz);
        if let Some(old) = old {
            delta.merge(&contribution(old, tz), -1);
        }
        delta
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.weeks.is_empty() && self.open.is_empty()
    }
}

/// The dimension values a ticket is counted under (besides observables and status).
fn dims(t: &TicketFacts) -> Vec<DimKey> {
    let mut keys = vec![
        DimKey::new(Dim::All, ""),
        DimKey::new(Dim::Department, &t.department),
        DimKey::new(Dim::Source, t.source.as_str()),
        DimKey::new(Dim::Priority, &t.priority),
        DimKey::new(Dim::Agent, t.assignee.clone().unwrap_or_default()),
    ];
    if let Some(alert) = &t.alert {
        keys.push(DimKey::new(Dim::AlertSource, &alert.source));
        keys.push(DimKey::new(
            Dim::Rule,
            format!("{}/{}", alert.source, alert.rule.as_deref().unwrap_or("")),
        ));
    }
    keys
}

/// Everything one ticket adds to the reports, with days in the help desk's time zone `tz`.
pub fn contribution(t: &TicketFacts, tz: Tz) -> Tallies {
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
    let keys = dims(t);
    let mut by_day: BTreeMap<NaiveDate, DayTally> = BTreeMap::new();
    let mut add = |on: NaiveDate, keys: &[DimKey], f: &dyn Fn(&mut Tally)| {
        let tallies = by_day.entry(on).or_default();
        for key in keys {
            f(tallies.at(key.clone()));
        }
    };
    let created = day(t.created_at);
    add(created, &keys, &|x| x.opened += 1);
    let observables: Vec<DimKey> = t
        .observables
        .iter()
        .map(|o| DimKey::new(Dim::Observable, o))
        .collect();
    add(created, &observables, &|x| x.opened += 1);
    if let (Some(at), Some(seconds)) = (t.acknowledged_at, t.time_to_acknowledge()) {
        add(day(at), &keys, &|x| x.mtta.add(seconds));
    }
    if let (Some(met), Some(at)) = (t.first_response_met, t.first_response_at.or(t.closed_at)) {
        add(day(at), &keys, &|x| {
            if met {
                x.first_response_met += 1
            } else {
                x.first_response_missed += 1
            }
        });
    }
    if let (Some(at), Some(seconds)) = (t.closed_at, t.time_to_resolve()) {
        add(day(at), &keys, &|x| {
            x.closed += 1;
            x.mttr.add(seconds);
            if let Some(class) = &t.resolution {
                x.classes.insert(class.clone(), 1);
            }
        });
        if let Some(met) = t.resolution_met {
            add(day(at), &keys, &|x| {
                if met {
                    x.resolution_met += 1
                } else {
                    x.resolution_missed += 1
                }
            });
        }
    }
    let mut handled: Vec<(String, NaiveDate)> = t
        .handled()
        .into_iter()
        .map(|(agent, at)| (agent, day(at)))
        .collect();
    handled.sort();
    handled.dedup();
    for (agent, on) in handled {
        add(on, &[DimKey::new(Dim::Agent, agent)], &|x| x.handled += 1);
    }

    let mut open = OpenTally::default();
    if t.open {
        for key in [
            DimKey::new(Dim::All, ""),
            DimKey::new(Dim::Status, &t.status),
            DimKey::new(Dim::Priority, &t.priority),
            DimKey::new(Dim::Department, &t.department),
            DimKey::new(Dim::Agent, t.assignee.clone().unwrap_or_default()),
        ] {
            open.0.entry(key).or_default().insert(created, 1);
        }
    }

    let mut tallies = Tallies::default();
    for scope in [ALL_SCOPE, t.department.as_str()] {
        for (on, tally) in &by_day {
            for (rollup, at) in [(&mut tallies.days, *on), (&mut tallies.weeks, week_of(*on))] {
                rollup
                    .entry((scope.to_string(), at))
                    .or_default()
                    .merge(tally, 1);
            }
        }
        if !open.0.is_empty() {
            tallies
                .open
                .entry(scope.to_string())
                .or_default()
                .merge(&open, 1);
        }
    }
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::facts::tests::{at, period, ticket};
    use crate::domain::metrics::facts::{AlertOrigin, TicketFacts};

    fn utc() -> Tz {
        chrono_tz::UTC
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn closed_alert() -> TicketFacts {
        TicketFacts {
            source: crate::domain::ticket::Source::Alert,
            alert: Some(AlertOrigin {
                source: "wazuh".into(),
                rule: Some("5710".into()),
            }),
            open: false,
            status: "closed".into(),
            assignee: Some("ana".into()),
            closed_by: Some("ana".into()),
            resolution: Some("false_positive".into()),
            acknowledged_at: Some(at(9, 5)),
            closed_at: Some(at(9, 30)),
            periods: vec![
                period(at(9, 0), true, false),
                period(at(9, 30), false, false),
            ],
            resolution_met: Some(true),
            observables: vec!["ip:10.0.0.7".into()],
            ..ticket()
        }
    }

    #[test]
    fn a_closed_alert_counts_on_its_day_in_both_its_scopes_under_each_of_its_dimensions() {
        let tallies = contribution(&closed_alert(), utc());
        assert_eq!(tallies.days.len(), 2, "the * scope and the department's");
        assert_eq!(tallies.weeks, {
            // 2 November 2026 is a Monday: its week is keyed by that day, and equals it.
            let mut weeks = tallies.days.clone();
            weeks.retain(|(_, d), _| *d == day(2));
            weeks
        });
        assert!(tallies.open.is_empty(), "a closed ticket is no backlog");
        let day = &tallies.days[&(ALL_SCOPE.to_string(), day(2))];
        let rule = &day.0[&DimKey::new(Dim::Rule, "wazuh/5710")];
        assert_eq!(rule.opened, 1);
        assert_eq!(rule.closed, 1);
        assert_eq!(rule.classes["false_positive"], 1);
        // 5 minutes, alone in [5, 7) minutes: reported at its middle.
        assert_eq!(rule.mtta.percentile(50), Some(6 * 60));
        assert_eq!(rule.mttr.count(), 1);
        assert_eq!(rule.resolution_met, 1);
        assert_eq!(
            day.0[&DimKey::new(Dim::Observable, "ip:10.0.0.7")].opened,
            1
        );
        assert_eq!(day.0[&DimKey::new(Dim::Agent, "ana")].handled, 1);
        assert_eq!(day.0[&DimKey::new(Dim::Priority, "normal")].opened, 1);
    }

    #[test]
    fn days_are_the_help_desks_days() {
        // 23:30 UTC on 2 November is already 3 November in Berlin.
        let t = TicketFacts {
            created_at: at(23, 30),
            periods: vec![period(at(23, 30), true, false)],
            ..ticket()
        };
        let berlin = contribution(&t, chrono_tz::Europe::Berlin);
        assert!(berlin.days.contains_key(&(ALL_SCOPE.to_string(), day(3))));
        let utc = contribution(&t, utc());
        assert!(utc.days.contains_key(&(ALL_SCOPE.to_string(), day(2))));
    }

    #[test]
    fn an_open_ticket_is_in_the_backlog_by_its_creation_day() {
        let tallies = contribution(&ticket(), utc());
        let open = &tallies.open[ALL_SCOPE];
        assert_eq!(open.0[&DimKey::new(Dim::Status, "open")][&day(2)], 1);
        assert_eq!(open.0[&DimKey::new(Dim::Agent, "")][&day(2)], 1);
    }

    #[test]
    fn counting_a_changed_ticket_again_moves_it_and_counting_it_unchanged_changes_nothing() {
        let open = ticket();
        let closed = TicketFacts {
            department: "soc".into(),
            ..closed_alert()
        };
        assert!(Tallies::change(Some(&open), &open, utc()).is_empty());
        let mut sum = contribution(&open, utc());
        sum.merge(&Tallies::change(Some(&open), &closed, utc()), 1);
        assert_eq!(sum, contribution(&closed, utc()));
    }

    #[test]
    fn one_agent_handling_a_ticket_twice_in_a_day_counts_once() {
        let t = TicketFacts {
            replies: vec![("ben".into(), at(10, 0)), ("ben".into(), at(16, 0))],
            ..ticket()
        };
        let tallies = contribution(&t, utc());
        let day = &tallies.days[&(ALL_SCOPE.to_string(), day(2))];
        assert_eq!(day.0[&DimKey::new(Dim::Agent, "ben")].handled, 1);
    }

    #[test]
    fn keys_are_written_dim_colon_value() {
        let key = DimKey::new(Dim::Rule, "wazuh/5710");
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json, "\"rule:wazuh/5710\"");
        assert_eq!(serde_json::from_str::<DimKey>(&json).unwrap(), key);
    }
}
