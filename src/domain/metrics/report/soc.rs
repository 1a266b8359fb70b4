//! The SOC's figures (resolutions, noisy rules, observables) and the agents' workload.

use super::{Report, TOP, count, percent, plotted, series, unplotted};
use crate::domain::metrics::chart::{Chart, ChartKind, Part, Unit};
use crate::domain::metrics::tally::{Dim, DimKey};

impl Report<'_> {
    pub(super) fn resolution_classes(&self) -> Chart {
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
    pub(super) fn noisy_rules(&self) -> Chart {
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

    pub(super) fn top_observables(&self) -> Chart {
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

    pub(super) fn open_per_agent(&self) -> Chart {
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

    pub(super) fn handled_per_agent(&self) -> Chart {
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
