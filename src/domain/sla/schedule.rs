//! Business hours: the weekday hours, holidays and time zone SLA clocks count in.

use std::collections::HashSet;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{END_OF_DAY, MAX_NAME_CHARS};
use crate::domain::catalog::Catalog;
use crate::domain::config::check_name;
use crate::domain::editor::{Opt, Schema, Spec, SpecKind};
use crate::error::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The stored (serde) name: `mon`..`sun`.
    pub fn key(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Weekday::Mon => "Monday",
            Weekday::Tue => "Tuesday",
            Weekday::Wed => "Wednesday",
            Weekday::Thu => "Thursday",
            Weekday::Fri => "Friday",
            Weekday::Sat => "Saturday",
            Weekday::Sun => "Sunday",
        }
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Weekday {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }
}

/// Business hours: which minutes count towards SLA targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub name: String,
    pub active: bool,
    /// IANA zone, e.g. "Europe/Berlin".
    pub time_zone: String,
    /// Opening intervals; a weekday may have several (split shifts) or none (closed).
    pub hours: Vec<OpeningHours>,
    pub holidays: Vec<Holiday>,
}

/// One opening interval of a weekday, in the schedule's time zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpeningHours {
    pub day: Weekday,
    /// `HH:MM`, 00:00 to 23:59.
    pub opens: String,
    /// `HH:MM`, after `opens`; `24:00` is the end of the day.
    pub closes: String,
}

/// A day on which the schedule is closed all day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Holiday {
    /// `YYYY-MM-DD`, in the schedule's time zone.
    pub date: String,
    pub name: String,
}

impl Schedule {
    /// A new schedule: Monday to Friday, 09:00 to 17:00 UTC.
    pub fn blank() -> Schedule {
        let hours = Weekday::ALL[..5]
            .iter()
            .map(|&day| OpeningHours {
                day,
                opens: "09:00".to_string(),
                closes: "17:00".to_string(),
            })
            .collect();
        Schedule {
            name: String::new(),
            active: true,
            time_zone: "UTC".to_string(),
            hours,
            holidays: Vec::new(),
        }
    }

    /// The time zone, when `time_zone` names one.
    pub fn tz(&self) -> Option<Tz> {
        self.time_zone.trim().parse::<Tz>().ok()
    }

    /// The day's opening intervals as minutes since midnight `(opens, closes)`, sorted; rows that
    /// do not validate are left out.
    pub fn minutes_open(&self, day: Weekday) -> Vec<(u16, u16)> {
        let mut open: Vec<(u16, u16)> = self
            .hours
            .iter()
            .filter(|h| h.day == day)
            .filter_map(OpeningHours::interval)
            .collect();
        open.sort_unstable();
        open
    }

    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, MAX_NAME_CHARS, &mut errors);
        if self.tz().is_none() {
            errors.push(FieldError::new(
                "time_zone",
                "Choose a time zone such as Europe/Berlin.",
            ));
        }
        self.check_hours(&mut errors);
        self.check_holidays(&mut errors);
        errors
    }

    fn check_hours(&self, errors: &mut Vec<FieldError>) {
        for (i, row) in self.hours.iter().enumerate() {
            let opens = parse_clock(&row.opens, false);
            let closes = parse_clock(&row.closes, true);
            if opens.is_none() {
                errors.push(FieldError::new(
                    format!("hours.{i}.opens"),
                    "Enter a time as HH:MM, from 00:00 to 23:59.",
                ));
            }
            if closes.is_none() {
                errors.push(FieldError::new(
                    format!("hours.{i}.closes"),
                    "Enter a time as HH:MM, from 00:00 to 24:00.",
                ));
            }
            let (Some(opens), Some(closes)) = (opens, closes) else {
                continue;
            };
            if closes <= opens {
                errors.push(FieldError::new(
                    format!("hours.{i}.closes"),
                    "Closing time must be after opening time; split an overnight shift over two days.",
                ));
                continue;
            }
            let overlapped = self.hours[..i].iter().find(|earlier| {
                earlier.day == row.day
                    && earlier
                        .interval()
                        .is_some_and(|(o, c)| opens < c && o < closes)
            });
            if let Some(earlier) = overlapped {
                errors.push(FieldError::new(
                    format!("hours.{i}.opens"),
                    format!(
                        "Overlaps the hours from {} to {} on {}.",
                        earlier.opens,
                        earlier.closes,
                        row.day.name()
                    ),
                ));
            }
        }
        if self.hours.iter().all(|h| h.interval().is_none()) {
            errors.push(FieldError::new("hours", "Open at least one day."));
        }
    }

    fn check_holidays(&self, errors: &mut Vec<FieldError>) {
        let mut seen = HashSet::new();
        for (i, holiday) in self.holidays.iter().enumerate() {
            match parse_date(&holiday.date) {
                None => errors.push(FieldError::new(
                    format!("holidays.{i}.date"),
                    "Enter a real date as YYYY-MM-DD.",
                )),
                Some(date) if !seen.insert(date) => errors.push(FieldError::new(
                    format!("holidays.{i}.date"),
                    "This date is already a holiday.",
                )),
                Some(_) => {}
            }
            let name = holiday.name.trim();
            if name.is_empty() {
                errors.push(FieldError::new(
                    format!("holidays.{i}.name"),
                    "Name the holiday.",
                ));
            } else if name.chars().count() > MAX_NAME_CHARS {
                errors.push(FieldError::new(
                    format!("holidays.{i}.name"),
                    "Use at most 100 characters.",
                ));
            }
        }
    }

    pub fn schema() -> Schema {
        let days = Weekday::ALL
            .iter()
            .map(|d| Opt::new(d.key(), d.name()))
            .collect();
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::text("time_zone", "Time zone")
                .hint("IANA name, e.g. Europe/Berlin or America/New_York"),
            Spec::rows(
                "hours",
                "Opening hours",
                vec![
                    Spec::choice("day", "Day", days),
                    Spec::new("opens", "Opens", SpecKind::Time),
                    Spec::new("closes", "Closes", SpecKind::Time),
                ],
            ),
            Spec::rows(
                "holidays",
                "Holidays",
                vec![
                    Spec::new("date", "Date", SpecKind::Date),
                    Spec::text("name", "Name"),
                ],
            ),
        ])
    }
}

impl OpeningHours {
    /// `(opens, closes)` in minutes since midnight, when both parse and it opens at all.
    fn interval(&self) -> Option<(u16, u16)> {
        let opens = parse_clock(&self.opens, false)?;
        let closes = parse_clock(&self.closes, true)?;
        (opens < closes).then_some((opens, closes))
    }
}

/// Minutes since midnight of a strict `HH:MM`; `24:00` (end of day) only when allowed.
fn parse_clock(text: &str, allow_end_of_day: bool) -> Option<u16> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let two_digits = |pair: &[u8]| -> Option<u16> {
        pair.iter().try_fold(0u16, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0'))
        })
    };
    let hours = two_digits(&bytes[..2])?;
    let minutes = two_digits(&bytes[3..])?;
    let total = hours * 60 + minutes;
    match (hours, minutes) {
        (0..=23, 0..=59) => Some(total),
        (24, 0) if allow_end_of_day => Some(END_OF_DAY),
        _ => None,
    }
}

/// A strict `YYYY-MM-DD` calendar date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl crate::domain::config::Item for Schedule {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        Schedule::validate(self)
    }
}
