//! A chart's data as the dashboard draws it, shows it as a table and exports it as CSV: named
//! categories along one axis and series of values, each with its unit.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Bars side by side per category.
    Bar,
    /// Series stacked into one bar per category.
    StackedBar,
    /// A line per series across the categories (periods).
    Line,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Seconds,
    Percent,
}

impl Unit {
    /// A value as people read it: `12`, `3 h 20 min`, `97.5%`.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Count => format!("{}", value.round() as i64),
            Unit::Percent => {
                let rounded = (value * 10.0).round() / 10.0;
                format!("{rounded}%")
            }
            Unit::Seconds => duration(value.round() as i64),
        }
    }

    /// The top of a chart's axis and its tick step for values up to `max`: round numbers people
    /// read (four ticks).
    pub fn axis(self, max: f64) -> (f64, f64) {
        let ticks = 4.0;
        match self {
            Unit::Percent => (100.0, 25.0),
            Unit::Seconds => {
                const STEPS: [f64; 14] = [
                    15.0, 60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14_400.0, 21_600.0,
                    43_200.0, 86_400.0, 172_800.0, 604_800.0,
                ];
                let step = STEPS
                    .into_iter()
                    .find(|s| s * ticks >= max)
                    .unwrap_or_else(|| (max / ticks / 604_800.0).ceil() * 604_800.0);
                (step * ticks, step)
            }
            Unit::Count => {
                let raw = (max / ticks).max(1.0);
                let magnitude = 10f64.powf(raw.log10().floor());
                let step = [1.0, 2.0, 5.0, 10.0]
                    .into_iter()
                    .map(|m| m * magnitude)
                    .find(|s| *s >= raw)
                    .unwrap_or(10.0 * magnitude);
                (step * ticks, step)
            }
        }
    }

    /// The suffix a CSV header carries for values in this unit.
    fn header_suffix(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Seconds => " (seconds)",
            Unit::Percent => " (%)",
        }
    }
}

/// `seconds` in the two largest units that matter: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub unit: Unit,
    /// One per category; none where there is nothing to measure.
    pub values: Vec<Option<f64>>,
    /// Drawn in the chart; otherwise only in its table and export (counts behind a median).
    pub plotted: bool,
}

/// Which part of the dashboard a chart belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Volume,
    Response,
    Sla,
    Soc,
    Workload,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::Volume,
        Part::Response,
        Part::Sla,
        Part::Soc,
        Part::Workload,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Part::Volume => "Volume",
            Part::Response => "Response times",
            Part::Sla => "SLA",
            Part::Soc => "SOC",
            Part::Workload => "Workload",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Part::Volume => "volume",
            Part::Response => "response",
            Part::Sla => "sla",
            Part::Soc => "soc",
            Part::Workload => "workload",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Names the chart in its export's address (`chart=noisy_rules`).
    pub id: String,
    pub part: Part,
    pub title: String,
    pub kind: ChartKind,
    /// What the categories are ("Day", "Priority", "Rule").
    pub axis: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    pub fn plotted(&self) -> impl Iterator<Item = &Series> {
        self.series.iter().filter(|s| s.plotted)
    }

    /// A row per category: its name, then each series' value written by `cell`.
    fn rows(&self, cell: impl Fn(&Series, Option<f64>) -> String) -> Vec<Vec<String>> {
        self.categories
            .iter()
            .enumerate()
            .map(|(i, category)| {
                let mut row = vec![category.clone()];
                row.extend(
                    self.series
                        .iter()
                        .map(|s| cell(s, s.values.get(i).copied().flatten())),
                );
                row
            })
            .collect()
    }

    /// The chart as a table people read: a header, then a row per category.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = vec![self.axis.clone()];
        header.extend(self.series.iter().map(|s| s.name.clone()));
        let rows = self.rows(|s, v| v.map_or_else(|| "–".to_string(), |v| s.unit.format(v)));
        (header, rows)
    }

    /// The chart as CSV for a spreadsheet: plain numbers, the unit in each header.
    pub fn csv(&self) -> String {
        let mut header = vec![self.axis.clone()];
        header.extend(
            self.series
                .iter()
                .map(|s| format!("{}{}", s.name, s.unit.header_suffix())),
        );
        let rows = self.rows(|s, v| {
            v.map(|v| match s.unit {
                Unit::Percent => format!("{v:.1}"),
                _ => format!("{}", v.round() as i64),
            })
            .unwrap_or_default()
        });
        std::iter::once(header)
            .chain(rows)
            .map(|row| crate::domain::csv::line(&row))
            .collect()
    }

    /// The largest stacked or single value plotted, for the chart's scale.
    pub fn max_value(&self) -> f64 {
        let value = |s: &Series, i: usize| s.values.get(i).copied().flatten().unwrap_or(0.0);
        (0..self.categories.len())
            .map(|i| match self.kind {
                ChartKind::StackedBar => self.plotted().map(|s| value(s, i)).sum::<f64>(),
                _ => self.plotted().map(|s| value(s, i)).fold(0.0, f64::max),
            })
            .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            id: "response_by_priority".into(),
            part: Part::Response,
            title: "Response times by priority".into(),
            kind: ChartKind::Bar,
            axis: "Priority".into(),
            categories: vec!["High".into(), "Low".into()],
            series: vec![
                Series {
                    name: "MTTA median".into(),
                    unit: Unit::Seconds,
                    values: vec![Some(510.0), None],
                    plotted: true,
                },
                Series {
                    name: "Acknowledged".into(),
                    unit: Unit::Count,
                    values: vec![Some(3.0), Some(0.0)],
                    plotted: false,
                },
            ],
        }
    }

    #[test]
    fn scales_end_on_round_numbers_above_the_largest_value() {
        assert_eq!(Unit::Count.axis(7.0), (8.0, 2.0));
        assert_eq!(Unit::Count.axis(130.0), (200.0, 50.0));
        assert_eq!(Unit::Count.axis(0.0), (4.0, 1.0));
        assert_eq!(Unit::Seconds.axis(5000.0), (7200.0, 1800.0));
        assert_eq!(Unit::Percent.axis(42.0), (100.0, 25.0));
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(510), "8 min");
        assert_eq!(duration(3 * 3600 + 20 * 60 + 7), "3 h 20 min");
        assert_eq!(duration(2 * 86_400 + 4 * 3600 + 60), "2 d 4 h");
    }

    #[test]
    fn the_table_shows_people_values_and_the_csv_plain_numbers() {
        let (header, rows) = chart().table();
        assert_eq!(header, vec!["Priority", "MTTA median", "Acknowledged"]);
        assert_eq!(rows[0], vec!["High", "8 min", "3"]);
        assert_eq!(rows[1], vec!["Low", "–", "0"]);
        assert_eq!(
            chart().csv(),
            "Priority,MTTA median (seconds),Acknowledged\nHigh,510,3\nLow,,0\n"
        );
    }

    #[test]
    fn the_scale_is_the_largest_plotted_value() {
        assert_eq!(chart().max_value(), 510.0);
    }
}
