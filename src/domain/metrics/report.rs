//! The dashboard built from the stored rollups: every chart of every part, and the headline
//! figures. Pure: the rollups, the names to show and the help desk's today come in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::chart::{Chart, ChartKind, Part, Series, Unit};
use super::filter::{Granularity, ReportRange};
use super::tally::{DayTally, Dim, DimKey, OpenTally, Tally};
use crate::domain::catalog::Catalog;
use crate::domain::ticket::Source;

/// How many series a stacked chart shows before folding the rest into "Others", and how many
/// categories a ranking (rules, observables) lists.
pub const TOP: usize = 8;

/// Open tickets' ages, as the backlog chart stacks them: (upper bound in days, label).
const AGES: [(i64, &str); 5] = [
    (1, "Under a day"),
    (3, "1 to 3 days"),
    (7, "3 to 7 days"),
    (28, "1 to 4 weeks"),
    (i64::MAX, "Over 4 weeks"),
];

/// A headline number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: Option<f64>,
    pub unit: Unit,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub range: ReportRange,
    pub figures: Vec<Figure>,
    pub charts: Vec<Chart>,
    /// Tickets changed but not counted yet (up to 1,000): the figures are catching up.
    pub uncounted: usize,
    /// The departments the viewer may narrow the report to.
    pub departments: Vec<crate::domain::ticket::Named>,
}

/// What the dashboard is built from: the rollups of the viewer's scopes summed per day (days
/// of the range only) and their open backlog.
pub struct Rollups {
    pub days: BTreeMap<NaiveDate, DayTally>,
    pub open: OpenTally,
}

/// Names for the keys the rollups hold.
struct Names<'a>(&'a Catalog);

impl Names<'_> {
    fn of(&self, key: &DimKey) -> String {
        let c = self.0;
        let find = |list: &[crate::domain::ticket::Named]| {
            list.iter()
                .find(|n| n.key == key.value)
                .map(|n| n.name.clone())
        };
        let found = match key.dim {
            Dim::All => Some("All tickets".to_string()),
            Dim::Department => find(&c.departments),
            Dim::Priority => find(&c.priorities),
            Dim::Agent if key.value.is_empty() => Some("Unassigned".to_string()),
            Dim::Agent => find(&c.agents),
            Dim::Status => c.status(&key.value).map(|s| s.name.clone()),
            Dim::Source => Source::parse(&key.value).map(|s| source_name(s).to_string()),
            Dim::Rule => Some(match key.value.split_once('/') {
                Some((source, "")) => format!("{source} (no rule)"),
                Some((source, rule)) => format!("{source}: {rule}"),
                None => key.value.clone(),
            }),
            Dim::AlertSource | Dim::Observable => Some(key.value.clone()),
        };
        found.unwrap_or_else(|| key.value.clone())
    }

    fn class(&self, key: &str) -> String {
        self.0
            .resolutions
            .iter()
            .find(|r| r.key == key)
            .map_or_else(|| key.to_string(), |r| r.name.clone())
    }

    fn false_positive(&self, key: &str) -> bool {
        self.0
            .resolutions
            .iter()
            .any(|r| r.key == key && r.false_positive)
    }
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Web => "Web",
        Source::Email => "Email",
        Source::Api => "API",
        Source::Phone => "Phone",
        Source::Alert => "Alert",
        Source::Other => "Other",
    }
}

/// The dashboard for `range`, with ages counted to `today`.
pub fn dashboard(
    range: &ReportRange,
    rollups: &Rollups,
    catalog: &Catalog,
    today: NaiveDate,
) -> Dashboard {
    let r = Report {
        range,
        rollups,
        names: Names(catalog),
        today,
        periods: range.periods(),
    };
    let charts = vec![
        r.volume(),
        r.opened_by(Dim::Department, "Tickets opened by department"),
        r.opened_by(Dim::Source, "Tickets opened by source"),
        r.opened_by(Dim::Priority, "Tickets opened by priority"),
        r.backlog(),
        r.response_by(Dim::Priority, "Priority"),
        r.response_by(Dim::Department, "Department"),
        r.response_by(Dim::Agent, "Agent"),
        r.response_by(Dim::AlertSource, "Alert source"),
        r.response_by(Dim::Rule, "Rule"),
        r.response_trend(),
        r.sla_by(Dim::Department, "Department"),
        r.sla_by(Dim::Priority, "Priority"),
        r.sla_breaches(),
        r.resolution_classes(),
        r.noisy_rules(),
        r.top_observables(),
        r.open_per_agent(),
        r.handled_per_agent(),
    ];
    Dashboard {
        range: range.clone(),
        figures: r.figures(),
        charts,
        uncounted: 0,
        departments: Vec::new(),
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn count(n: i64) -> Option<f64> {
    Some(n as f64)
}

struct Report<'a> {
    range: &'a ReportRange,
    rollups: &'a Rollups,
    names: Names<'a>,
    today: NaiveDate,
    periods: Vec<NaiveDate>,
}

impl Report<'_> {
    /// Every value of `dim` over the range, each with its tally summed over the range.
    fn totals(&self, dim: Dim) -> BTreeMap<DimKey, Tally> {
        let mut totals: BTreeMap<DimKey, Tally> = BTreeMap::new();
        for day in self.rollups.days.values() {
            for (key, tally) in day.0.range(DimKey::new(dim, "")..) {
                if key.dim != dim {
                    break;
                }
                totals.entry(key.clone()).or_default().merge(tally, 1);
            }
        }
        totals
    }

    /// The tally of `key` in each period.
    fn per_period(&self, key: &DimKey) -> Vec<Tally> {
        let mut periods: Vec<Tally> = vec![Tally::default(); self.periods.len()];
        for (day, tallies) in &self.rollups.days {
            let start = self.range.by.period_start(*day);
            if let (Ok(i), Some(tally)) = (self.periods.binary_search(&start), tallies.0.get(key)) {
                periods[i].merge(tally, 1);
            }
        }
        periods
    }

    fn period_labels(&self) -> Vec<String> {
        self.periods
            .iter()
            .map(|p| match self.range.by {
                Granularity::Day => p.to_string(),
                Granularity::Week => format!("Week of {p}"),
            })
            .collect()
    }

    fn period_axis(&self) -> String {
        match self.range.by {
            Granularity::Day => "Day",
            Granularity::Week => "Week",
        }
        .to_string()
    }

    fn all(&self) -> Tally {
        self.totals(Dim::All)
            .into_values()
            .next()
            .unwrap_or_default()
    }

    fn chart(&self, id: &str, part: Part, title: &str, kind: ChartKind) -> Chart {
        Chart {
            id: id.to_string(),
            part,
            title: title.to_string(),
            kind,
            axis: self.period_axis(),
            categories: self.period_labels(),
            series: Vec::new(),
        }
    }

    fn figures(&self) -> Vec<Figure> {
        let all = self.all();
        let open_now: i64 = self
            .rollups
            .open
            .0
            .get(&DimKey::new(Dim::All, ""))
            .map_or(0, |days| days.values().sum());
        let classified: i64 = all.classes.values().sum();
        let false_positives: i64 = all
            .classes
            .iter()
            .filter(|(k, _)| self.names.false_positive(k))
            .map(|(_, n)| n)
            .sum();
        let figure = |label: &str, value: Option<f64>, unit: Unit| Figure {
            label: label.to_string(),
            value,
            unit,
        };
        let seconds = |v: Option<i64>| v.map(|s| s as f64);
        vec![
            figure("Opened", count(all.opened), Unit::Count),
            figure("Closed", count(all.closed), Unit::Count),
            figure("Open now", count(open_now), Unit::Count),
            figure(
                "MTTA (median)",
                seconds(all.mtta.percentile(50)),
                Unit::Seconds,
            ),
            figure(
                "MTTR (median)",
                seconds(all.mttr.percentile(50)),
                Unit::Seconds,
            ),
            figure(
                "First response SLA met",
                percent(
                    all.first_response_met,
                    all.first_response_met + all.first_response_missed,
                ),
                Unit::Percent,
            ),
            figure(
                "Resolution SLA met",
                percent(
                    all.resolution_met,
                    all.resolution_met + all.resolution_missed,
                ),
                Unit::Percent,
            ),
            figure(
                "False-positive rate",
                percent(false_positives, classified),
                Unit::Percent,
            ),
        ]
    }

    fn volume(&self) -> Chart {
        let all = self.per_period(&DimKey::new(Dim::All, ""));
        let mut chart = self.chart(
            "volume",
            Part::Volume,
            "Tickets opened and closed",
            ChartKind::Bar,
        );
        chart.series = vec![
            series("Opened", Unit::Count, all.iter().map(|t| count(t.opened))),
            series("Closed", Unit::Count, all.iter().map(|t| count(t.closed))),
        ];
        chart
    }

    /// Opened per period, stacked by the values of `dim` (the largest [`TOP`], then "Others").
    fn opened_by(&self, dim: Dim, title: &str) -> Chart {
        let mut chart = self.chart(
            &format!("opened_by_{}", dim.as_str()),
            Part::Volume,
            title,
            ChartKind::StackedBar,
        );
        chart.series = self.stacked(dim, |t| t.opened);
        chart
    }

    /// A series per value of `dim` (largest first, the rest as "Others") of `measure` per period.
    fn stacked(&self, dim: Dim, measure: impl Fn(&Tally) -> i64) -> Vec<Series> {
        let mut values: Vec<(DimKey, i64)> = self
            .totals(dim)
            .into_iter()
            .map(|(k, t)| (k, measure(&t)))
            .filter(|(_, n)| *n != 0)
            .collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut series: Vec<Series> = Vec::new();
        let mut others = vec![0i64; self.periods.len()];
        for (i, (key, _)) in values.iter().enumerate() {
            let per = self.per_period(key);
            if i < TOP {
                series.push(series_of(
                    self.names.of(key),
                    per.iter().map(|t| count(measure(t))),
                ));
            } else {
                for (o, t) in others.iter_mut().zip(&per) {
                    *o += measure(t);
                }
            }
        }
        if values.len() > TOP {
            series.push(series_of(
                "Others".to_string(),
                others.into_iter().map(count),
            ));
        }
        series
    }

    fn backlog(&self) -> Chart {
        let mut statuses: Vec<(&DimKey, &BTreeMap<NaiveDate, i64>)> = self
            .rollups
            .open
            .0
            .iter()
            .filter(|(k, _)| k.dim == Dim::Status)
            .collect();
        statuses.sort_by_key(|(k, _)| {
            self.names
                .0
                .statuses
                .iter()
                .position(|s| s.key == k.value)
                .unwrap_or(usize::MAX)
        });
        let series = AGES
            .iter()
            .enumerate()
            .map(|(i, (upper, label))| {
                let lower = if i == 0 { 0 } else { AGES[i - 1].0 };
                series(
                    label,
                    Unit::Count,
                    statuses.iter().map(|(_, days)| {
                        count(
                            days.iter()
                                .filter(|(created, _)| {
                                    let age = (self.today - **created).num_days();
                                    age >= lower && age < *upper
                                })
                                .map(|(_, n)| n)
                                .sum(),
                        )
                    }),
                )
            })
            .collect();
        Chart {
            id: "backlog".into(),
            part: Part::Volume,
            title: "Open tickets by status and age".into(),
            kind: ChartKind::StackedBar,
            axis: "Status".into(),
            categories: statuses.iter().map(|(k, _)| self.names.of(k)).collect(),
            series,
        }
    }

    /// The values of `dim` to list, in the order people expect (priorities most urgent first,
    /// others by name).
    fn ordered(&self, dim: Dim) -> Vec<(DimKey, Tally)> {
        let mut rows: Vec<(DimKey, Tally)> = self.totals(dim).into_iter().collect();
        match dim {
            Dim::Priority => rows.sort_by_key(|(k, _)| {
                std::cmp::Reverse(
                    self.names
                        .0
                        .priorities
                        .iter()
                        .position(|p| p.key == k.value),
                )
            }),
            _ => rows.sort_by_cached_key(|(k, _)| self.names.of(k).to_lowercase()),
        }
        rows
    }

    fn response_by(&self, dim: Dim, axis: &str) -> Chart {
        let rows = self.ordered(dim);
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|(_, t)| !t.mtta.is_empty() || !t.mttr.is_empty())
            .collect();
        Chart {
            id: format!("response_by_{}", dim.as_str()),
            part: Part::Response,
            // Alert sources map an alert's severity to the ticket's priority.
            title: match dim {
                Dim::Priority => "MTTA and MTTR by priority (severity)".to_string(),
                _ => format!("MTTA and MTTR by {}", axis.to_lowercase()),
            },
            kind: ChartKind::Bar,
            axis: axis.to_string(),
            categories: rows.iter().map(|(k, _)| self.names.of(k)).collect(),
            series: [
                response_series(rows.iter().map(|(_, t)| t)),
                vec![
                    unplotted(
                        "Acknowledged",
                        Unit::Count,
                        rows.iter().map(|(_, t)| count(t.mtta.count())).collect(),
                    ),
                    unplotted(
                        "Resolved",
                        Unit::Count,
                        rows.iter().map(|(_, t)| count(t.mttr.count())).collect(),
                    ),
                ],
            ]
            .concat(),
        }
    }

    fn response_trend(&self) -> Chart {
        let all = self.per_period(&DimKey::new(Dim::All, ""));
        let mut chart = self.chart(
            "response_trend",
            Part::Response,
            "MTTA and MTTR over time",
            ChartKind::Line,
        );
        chart.series = response_series(all.iter());
        chart
    }

    fn sla_by(&self, dim: Dim, axis: &str) -> Chart {
        let rows: Vec<_> = self
            .ordered(dim)
            .into_iter()
            .filter(|(_, t)| {
                t.first_response_met
                    + t.first_response_missed
                    + t.resolution_met
                    + t.resolution_missed
                    > 0
            })
            .collect();
        let col = |f: &dyn Fn(&Tally) -> Option<f64>| -> Vec<Option<f64>> {
            rows.iter().map(|(_, t)| f(t)).collect()
        };
        Chart {
            id: format!("sla_by_{}", dim.as_str()),
            part: Part::Sla,
            title: format!("SLA compliance by {}", axis.to_lowercase()),
            kind: ChartKind::Bar,
            axis: axis.to_string(),
            categories: rows.iter().map(|(k, _)| self.names.of(k)).collect(),
            series: vec![
                plotted(
                    "First response met",
                    Unit::Percent,
                    col(&|t| {
                        percent(
                            t.first_response_met,
                            t.first_response_met + t.first_response_missed,
                        )
                    }),
                ),
                plotted(
                    "Resolution met",
                    Unit::Percent,
                    col(&|t| percent(t.resolution_met, t.resolution_met + t.resolution_missed)),
                ),
                unplotted(
                    "First response clocks",
                    Unit::Count,
                    col(&|t| count(t.first_response_met + t.first_response_missed)),
                ),
                unplotted(
                    "Resolution clocks",
                    Unit::Count,
                    col(&|t| count(t.resolution_met + t.resolution_missed)),
                ),
            ],
        }
    }

    fn sla_breaches(&self) -> Chart {
        let all = self.per_period(&DimKey::new(Dim::All, ""));
        let mut chart = self.chart(
            "sla_breaches",
            Part::Sla,
            "SLA breaches over time",
            ChartKind::StackedBar,
        );
        chart.series = vec![
            series(
                "First response missed",
                Unit::Count,
                all.iter().map(|t| count(t.first_response_missed)),
            ),
            series(
                "Resolution missed",
                Unit::Count,
                all.iter().map(|t| count(t.resolution_missed)),
            ),
        ];
        chart
    }

    fn resolution_classes(&self) -> Chart {
        let all = self.all();
        let mut classes: Vec<(&String, &i64)> = all.classes.iter().collect();
        classes.sort_by_key(|(k, _)| {
            self.names
                .0
                .resolutions
                .iter()
                .position(|r| &r.key == *k)
                .unwrap_or(usize::MAX)
        });
        Chart {
            id: "resolution_classes".into(),
            part: Part::Soc,
            title: "Closed tickets by resolution".into(),
            kind: ChartKind::Bar,
            axis: "Resolution".into(),
            categories: classes.iter().map(|(k, _)| self.names.class(k)).collect(),
            series: vec![series(
                "Tickets",
                Unit::Count,
                classes.iter().map(|(_, n)| count(**n)),
            )],
        }
    }

    /// Alert rules by false positives closed in the range, most first; ties by rate.
    fn noisy_rules(&self) -> Chart {
        let mut rules: Vec<(DimKey, i64, i64)> = self
            .totals(Dim::Rule)
            .into_iter()
            .map(|(k, t)| {
                let classified: i64 = t.classes.values().sum();
                let fp: i64 = t
                    .classes
                    .iter()
                    .filter(|(c, _)| self.names.false_positive(c))
                    .map(|(_, n)| n)
                    .sum();
                (k, fp, classified)
            })
            .filter(|(_, _, classified)| *classified > 0)
            .collect();
        rules.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| (b.1 * a.2).cmp(&(a.1 * b.2)))
                .then_with(|| a.0.cmp(&b.0))
        });
        rules.truncate(TOP);
        Chart {
            id: "noisy_rules".into(),
            part: Part::Soc,
            title: "Noisiest rules (false positives)".into(),
            kind: ChartKind::Bar,
            axis: "Rule".into(),
            categories: rules.iter().map(|(k, _, _)| self.names.of(k)).collect(),
            series: vec![
                plotted(
                    "False positives",
                    Unit::Count,
                    rules.iter().map(|r| count(r.1)).collect(),
                ),
                unplotted(
                    "Classified closes",
                    Unit::Count,
                    rules.iter().map(|r| count(r.2)).collect(),
                ),
                unplotted(
                    "False-positive rate",
                    Unit::Percent,
                    rules.iter().map(|r| percent(r.1, r.2)).collect(),
                ),
            ],
        }
    }

    fn top_observables(&self) -> Chart {
        let mut seen: Vec<(DimKey, i64)> = self
            .totals(Dim::Observable)
            .into_iter()
            .map(|(k, t)| (k, t.opened))
            .filter(|(_, n)| *n > 0)
            .collect();
        seen.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        seen.truncate(TOP);
        Chart {
            id: "top_observables".into(),
            part: Part::Soc,
            title: "Top observables".into(),
            kind: ChartKind::Bar,
            axis: "Observable".into(),
            categories: seen.iter().map(|(k, _)| k.value.clone()).collect(),
            series: vec![series(
                "Tickets",
                Unit::Count,
                seen.iter().map(|(_, n)| count(*n)),
            )],
        }
    }

    fn open_per_agent(&self) -> Chart {
        let mut agents: Vec<(String, i64)> = self
            .rollups
            .open
            .0
            .iter()
            .filter(|(k, _)| k.dim == Dim::Agent)
            .map(|(k, days)| (self.names.of(k), days.values().sum()))
            .collect();
        agents.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Chart {
            id: "open_per_agent".into(),
            part: Part::Workload,
            title: "Open tickets per agent".into(),
            kind: ChartKind::Bar,
            axis: "Agent".into(),
            categories: agents.iter().map(|(name, _)| name.clone()).collect(),
            series: vec![series(
                "Open tickets",
                Unit::Count,
                agents.iter().map(|(_, n)| count(*n)),
            )],
        }
    }

    fn handled_per_agent(&self) -> Chart {
        let mut chart = self.chart(
            "handled_per_agent",
            Part::Workload,
            "Tickets handled per agent",
            ChartKind::StackedBar,
        );
        chart.series = self.stacked(Dim::Agent, |t| t.handled);
        chart
    }
}

/// MTTA and MTTR, median and 90th percentile, of each tally.
fn response_series<'t>(tallies: impl Iterator<Item = &'t Tally> + Clone) -> Vec<Series> {
    let column = |f: fn(&Tally) -> Option<i64>| -> Vec<Option<f64>> {
        tallies.clone().map(|t| f(t).map(|s| s as f64)).collect()
    };
    vec![
        plotted(
            "MTTA median",
            Unit::Seconds,
            column(|t| t.mtta.percentile(50)),
        ),
        plotted(
            "MTTA 90th percentile",
            Unit::Seconds,
            column(|t| t.mtta.percentile(90)),
        ),
        plotted(
            "MTTR median",
            Unit::Seconds,
            column(|t| t.mttr.percentile(50)),
        ),
        plotted(
            "MTTR 90th percentile",
            Unit::Seconds,
            column(|t| t.mttr.percentile(90)),
        ),
    ]
}

fn series_of(name: String, values: impl Iterator<Item = Option<f64>>) -> Series {
    Series {
        name,
        unit: Unit::Count,
        values: values.collect(),
        plotted: true,
    }
}

fn series(name: &str, unit: Unit, values: impl Iterator<Item = Option<f64>>) -> Series {
    Series {
        name: name.to_string(),
        unit,
        values: values.collect(),
        plotted: true,
    }
}

fn plotted(name: &str, unit: Unit, values: Vec<Option<f64>>) -> Series {
    series(name, unit, values.into_iter())
}

fn unplotted(name: &str, unit: Unit, values: Vec<Option<f64>>) -> Series {
    Series {
        plotted: false,
        ..plotted(name, unit, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::config::resolution::ResolutionClass;
    use crate::domain::metrics::facts::tests::{at, period, ticket};
    use crate::domain::metrics::facts::{AlertOrigin, TicketFacts};
    use crate::domain::metrics::filter::ReportFilter;
    use crate::domain::metrics::tally::{ALL_SCOPE, Tallies, contribution};
    use crate::domain::ticket::Named;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn catalog() -> Catalog {
        let named = |key: &str, name: &str| Named {
            key: key.into(),
            name: name.into(),
        };
        Catalog {
            priorities: vec![
                named("low", "Low"),
                named("normal", "Normal"),
                named("high", "High"),
            ],
            agents: vec![named("ana", "Ana"), named("ben", "Ben")],
            departments: vec![named("support", "Support")],
            resolutions: vec![
                ResolutionClass {
                    key: "true_positive".into(),
                    name: "True positive".into(),
                    false_positive: false,
                },
                ResolutionClass {
                    key: "false_positive".into(),
                    name: "False positive".into(),
                    false_positive: true,
                },
            ],
            ..Catalog::default()
        }
    }

    /// An alert of `rule` closed as `class` after `minutes`, acknowledged after `ack` minutes.
    fn alert(rule: &str, class: &str, priority: &str, ack: u32, minutes: u32) -> TicketFacts {
        TicketFacts {
            source: Source::Alert,
            priority: priority.into(),
            alert: Some(AlertOrigin {
                source: "wazuh".into(),
                rule: Some(rule.into()),
            }),
            open: false,
            assignee: Some("ana".into()),
            resolution: Some(class.into()),
            acknowledged_at: Some(at(9, ack)),
            closed_at: Some(at(9, 0) + chrono::Duration::minutes(i64::from(minutes))),
            periods: vec![
                period(at(9, 0), true, false),
                period(
                    at(9, 0) + chrono::Duration::minutes(i64::from(minutes)),
                    false,
                    false,
                ),
            ],
            ..ticket()
        }
    }

    fn build(tickets: &[TicketFacts]) -> Dashboard {
        let mut sum = Tallies::default();
        for t in tickets {
            sum.merge(&contribution(t, chrono_tz::UTC), 1);
        }
        let days = sum
            .days
            .into_iter()
            .filter(|((scope, _), _)| scope == ALL_SCOPE)
            .map(|((_, d), tally)| (d, tally))
            .collect();
        let open = sum.open.remove(ALL_SCOPE).unwrap_or_default();
        let range = ReportFilter {
            from: Some(day(1)),
            to: Some(day(7)),
            ..ReportFilter::default()
        }
        .settle(day(7))
        .unwrap();
        dashboard(&range, &Rollups { days, open }, &catalog(), day(7))
    }

    fn chart<'a>(d: &'a Dashboard, id: &str) -> &'a Chart {
        d.charts.iter().find(|c| c.id == id).unwrap()
    }

    fn column(c: &Chart, series: &str) -> Vec<Option<f64>> {
        c.series
            .iter()
            .find(|s| s.name == series)
            .unwrap()
            .values
            .clone()
    }

    #[test]
    fn the_noisiest_rules_come_first_with_their_false_positive_rate() {
        let d = build(&[
            alert("5710", "false_positive", "high", 5, 30),
            alert("5710", "false_positive", "high", 5, 30),
            alert("5710", "true_positive", "high", 5, 30),
            alert("100", "false_positive", "low", 5, 30),
            alert("200", "true_positive", "low", 5, 30),
        ]);
        let rules = chart(&d, "noisy_rules");
        assert_eq!(
            rules.categories,
            vec!["wazuh: 5710", "wazuh: 100", "wazuh: 200"]
        );
        assert_eq!(
            column(rules, "False positives"),
            vec![Some(2.0), Some(1.0), Some(0.0)]
        );
        let rate = column(rules, "False-positive rate");
        assert!((rate[0].unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(rate[1], Some(100.0));
        let fp_rate = d
            .figures
            .iter()
            .find(|f| f.label == "False-positive rate")
            .unwrap();
        assert_eq!(fp_rate.value, Some(60.0));
    }

    #[test]
    fn response_times_by_priority_list_the_most_urgent_first_with_median_and_p90() {
        // High: acknowledged after 2, 4 and 25 minutes; resolved after 10, 20, 30 minutes.
        let d = build(&[
            alert("1", "true_positive", "high", 2, 10),
            alert("1", "true_positive", "high", 4, 20),
            alert("1", "true_positive", "high", 25, 30),
            alert("1", "true_positive", "low", 3, 40),
        ]);
        let c = chart(&d, "response_by_priority");
        assert_eq!(c.categories, vec!["High", "Low"]);
        // Median of 2, 4, 25 min is 4 min, alone in [3, 5) min: reported as 4 min.
        assert_eq!(column(c, "MTTA median")[0], Some(240.0));
        // p90 (3rd of 3) is 25 min, alone in [20, 30) min: 25 min.
        assert_eq!(column(c, "MTTA 90th percentile")[0], Some(1500.0));
        // Median resolution 20 min, alone in [20, 30) min: 25 min.
        assert_eq!(column(c, "MTTR median")[0], Some(1500.0));
        assert_eq!(column(c, "Resolved"), vec![Some(3.0), Some(1.0)]);
    }

    #[test]
    fn the_backlog_stacks_open_tickets_by_status_and_age() {
        let old = TicketFacts {
            created_at: at(9, 0) - chrono::Duration::days(10),
            periods: vec![period(at(9, 0) - chrono::Duration::days(10), true, false)],
            ..ticket()
        };
        // "Today" is 7 November: one ticket is 5 days old, the other 15.
        let d = build(&[ticket(), old]);
        let backlog = chart(&d, "backlog");
        assert_eq!(backlog.categories, vec!["open"]);
        assert_eq!(column(&backlog.clone(), "3 to 7 days"), vec![Some(1.0)]);
        assert_eq!(column(backlog, "1 to 4 weeks"), vec![Some(1.0)]);
        let open_now = d.figures.iter().find(|f| f.label == "Open now").unwrap();
        assert_eq!(open_now.value, Some(2.0));
    }

    #[test]
    fn volume_counts_each_day_of_the_range() {
        let d = build(&[ticket(), alert("1", "true_positive", "low", 1, 5)]);
        let volume = chart(&d, "volume");
        assert_eq!(volume.categories.len(), 7);
        assert_eq!(volume.categories[1], "2026-11-02");
        assert_eq!(column(volume, "Opened")[1], Some(2.0));
        assert_eq!(column(volume, "Closed")[1], Some(1.0));
        assert_eq!(column(volume, "Opened")[0], Some(0.0));
    }

    #[test]
    fn sla_compliance_is_met_clocks_over_stopped_clocks() {
        let met = TicketFacts {
            first_response_met: Some(true),
            first_response_at: Some(at(9, 5)),
            ..ticket()
        };
        let missed = TicketFacts {
            first_response_met: Some(false),
            first_response_at: Some(at(11, 0)),
            ..ticket()
        };
        let d = build(&[met.clone(), met, missed]);
        let sla = chart(&d, "sla_by_priority");
        let value = column(sla, "First response met")[0].unwrap();
        assert!((value - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(column(sla, "Resolution met")[0], None);
        assert_eq!(
            column(chart(&d, "sla_breaches"), "First response missed")[1],
            Some(1.0)
        );
    }
}
