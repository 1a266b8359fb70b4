//! The dashboard built from the stored rollups: every chart of every part, and the headline
//! figures. Pure: the rollups, the names to show and the help desk's today come in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::chart::{Chart, ChartKind, Part, Series, Unit};
use super::filter::{Granularity, ReportRange};
use super::tally::{DayTally, Dim, DimKey, OpenTally, Tally};

mod names;
mod response;
mod soc;
#[cfg(test)]
mod tests;
mod volume;

use crate::domain::catalog::Catalog;
use names::Names;

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
