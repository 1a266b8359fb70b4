//! Which figures a report shows: a range of the help desk's days, by day or by week, for every
//! department the viewer may see or one of them. It lives in the page's address, so a view can
//! be shared.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Ranges longer than this are refused (a year by day is already 366 bars).
pub const MAX_DAYS: i64 = 731;
/// The range shown when none is asked for: the last 30 days.
pub const DEFAULT_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    #[default]
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
}

impl Granularity {
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
        }
    }

    pub fn parse(s: &str) -> Option<Granularity> {
        [Granularity::Day, Granularity::Week]
            .into_iter()
            .find(|g| g.as_str() == s)
    }

    /// The first day of the period `day` is in.
    pub fn period_start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => day,
            Granularity::Week => {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
        }
    }
}

/// A report's filter as asked for; empty dates mean the default range ending today.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by: Granularity,
    /// A department's key; none for every department the viewer may see.
    pub department: Option<String>,
}

/// A filter with its range settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: Granularity,
    pub department: Option<String>,
}

impl ReportRange {
    /// The periods of the range, each as its first day (the first one may start before `from`
    /// when counting by week; only days in the range are counted in it).
    pub fn periods(&self) -> Vec<NaiveDate> {
        let mut periods: Vec<NaiveDate> = Vec::new();
        let mut day = self.from;
        while day <= self.to {
            let start = self.by.period_start(day);
            if periods.last() != Some(&start) {
                periods.push(start);
            }
            day += Duration::days(1);
        }
        periods
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

impl ReportFilter {
    /// The URL query keys, in the order they are written.
    pub const KEYS: [&'static str; 4] = ["from", "to", "by", "department"];

    /// The range to show, given the help desk's `today`; refuses what cannot be shown.
    pub fn settle(&self, today: NaiveDate) -> Result<ReportRange, Vec<FieldError>> {
        let to = self.to.unwrap_or(today);
        let from = self.from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
        let mut errors = Vec::new();
        if from > to {
            errors.push(FieldError::new(
                "to",
                "The end date is before the start date.",
            ));
        } else if (to - from).num_days() + 1 > MAX_DAYS {
            errors.push(FieldError::new(
                "from",
                format!("Choose at most {MAX_DAYS} days; count by week for long ranges."),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ReportRange {
            from,
            to,
            by: self.by,
            department: self.department.clone().filter(|d| !d.is_empty()),
        })
    }

    /// The query keys and values the filter is written as (empty ones left out).
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if self.by != Granularity::Day {
            pairs.push(("by", self.by.as_str().to_string()));
        }
        if let Some(department) = self.department.as_ref().filter(|d| !d.is_empty()) {
            pairs.push(("department", department.clone()));
        }
        pairs
    }

    pub fn query_string(&self) -> String {
        crate::domain::query_string::join(&self.query_pairs())
    }

    /// The filter read back from query pairs; unknown keys and unreadable values are ignored.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut filter = Self::default();
        for (key, value) in pairs {
            match key {
                "from" => filter.from = value.parse().ok(),
                "to" => filter.to = value.parse().ok(),
                "by" => filter.by = Granularity::parse(value).unwrap_or_default(),
                "department" if !value.is_empty() => filter.department = Some(value.to_string()),
                _ => {}
            }
        }
        filter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn the_default_range_is_the_last_30_days_to_today() {
        let range = ReportFilter::default().settle(day(11, 28)).unwrap();
        assert_eq!((range.from, range.to), (day(10, 30), day(11, 28)));
        assert_eq!(range.days(), 30);
    }

    #[test]
    fn a_backwards_or_overlong_range_is_refused_at_its_field() {
        let backwards = ReportFilter {
            from: Some(day(11, 2)),
            to: Some(day(11, 1)),
            ..ReportFilter::default()
        };
        assert_eq!(backwards.settle(day(11, 28)).unwrap_err()[0].field, "to");
        let long = ReportFilter {
            from: Some(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
            ..ReportFilter::default()
        };
        assert_eq!(long.settle(day(11, 28)).unwrap_err()[0].field, "from");
    }

    #[test]
    fn weeks_start_on_monday_and_cover_the_range() {
        let range = ReportFilter {
            from: Some(day(11, 4)),
            to: Some(day(11, 17)),
            by: Granularity::Week,
            department: None,
        }
        .settle(day(11, 28))
        .unwrap();
        assert_eq!(range.periods(), vec![day(11, 2), day(11, 9), day(11, 16)]);
    }

    #[test]
    fn the_filter_round_trips_through_its_query_string() {
        let filter = ReportFilter {
            from: Some(day(11, 1)),
            to: Some(day(11, 28)),
            by: Granularity::Week,
            department: Some("soc".into()),
        };
        let query = filter.query_string();
        assert_eq!(
            query,
            "from=2026-11-01&to=2026-11-28&by=week&department=soc"
        );
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
        assert_eq!(ReportFilter::from_query(pairs), filter);
    }
}
