//! Volume: tickets opened and closed, what they came by, and the open backlog by age.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{AGES, Report, TOP, count, series, series_of};
use crate::domain::metrics::chart::{Chart, ChartKind, Part, Series, Unit};
use crate::domain::metrics::tally::{Dim, DimKey, Tally};

impl Report<'_> {
    pub(super) fn volume(&self) -> Chart {
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
    pub(super) fn opened_by(&self, dim: Dim, title: &str) -> Chart {
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
    pub(super) fn stacked(&self, dim: Dim, measure: impl Fn(&Tally) -> i64) -> Vec<Series> {
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

    pub(super) fn backlog(&self) -> Chart {
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
}
