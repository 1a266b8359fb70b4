//! Response times (MTTA, MTTR) and SLA compliance.

use super::{Report, count, percent, plotted, series, unplotted};
use crate::domain::metrics::chart::{Chart, ChartKind, Part, Series, Unit};
use crate::domain::metrics::tally::{Dim, DimKey, Tally};

impl Report<'_> {
    pub(super) fn response_by(&self, dim: Dim, axis: &str) -> Chart {
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

    pub(super) fn response_trend(&self) -> Chart {
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

    pub(super) fn sla_by(&self, dim: Dim, axis: &str) -> Chart {
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

    pub(super) fn sla_breaches(&self) -> Chart {
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
