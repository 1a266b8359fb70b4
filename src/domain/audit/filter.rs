//! What an auditor searches the trail by (actor, object, event type, IP, dates), how a search is
//! written into a shareable URL, and the cursor that pages through results newest first.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// A search of the trail. Empty text matches everything; dates are whole UTC days, inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// An actor's id exactly, or part of its label (an email, "API key …"), any case.
    pub actor: String,
    /// `kind` or `kind:id`, e.g. `ticket` or `ticket:482913`.
    pub object: String,
    /// An event type or its beginning: `ticket.priority_changed`, `ticket.`, `user.sign_in`.
    pub action: String,
    /// An address or its beginning (`10.1.` for a subnet).
    pub ip: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    /// The URL query keys, in the order they are written.
    pub const KEYS: [&'static str; 6] = ["actor", "object", "action", "ip", "from", "to"];

    /// Only this object's events.
    pub fn for_object(kind: &str, id: &str) -> Self {
        Self {
            object: format!("{kind}:{id}"),
            ..Self::default()
        }
    }

    /// Trimmed text; the actor lower-cased (labels are matched without case).
    pub fn normalize(mut self) -> Self {
        self.actor = self.actor.trim().to_lowercase();
        self.object = self.object.trim().to_string();
        self.action = self.action.trim().to_string();
        self.ip = self.ip.trim().to_string();
        self
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            errors.push(FieldError::new(
                "to",
                "The end date is before the start date.",
            ));
        }
        let (kind, _) = self.object_parts();
        if kind.is_some_and(|k| !k.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
            errors.push(FieldError::new(
                "object",
                "Write an object as kind or kind:id, e.g. ticket:482913.",
            ));
        }
        if self.action.chars().any(char::is_whitespace) {
            errors.push(FieldError::new(
                "action",
                "An event type has no spaces, e.g. ticket.priority_changed.",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The object kind and id searched for, when given.
    pub fn object_parts(&self) -> (Option<&str>, Option<&str>) {
        match self.object.split_once(':') {
            _ if self.object.is_empty() => (None, None),
            Some((kind, id)) => (Some(kind), Some(id).filter(|id| !id.is_empty())),
            None => (Some(self.object.as_str()), None),
        }
    }

    /// Events at or after this instant.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.from
            .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
    }

    /// Events strictly before this instant (the day after `to` began).
    pub fn until(&self) -> Option<DateTime<Utc>> {
        self.to
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The non-empty parts as `(key, value)` pairs for a URL query.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let values = [
            self.actor.clone(),
            self.object.clone(),
            self.action.clone(),
            self.ip.clone(),
            date(self.from),
            date(self.to),
        ];
        Self::KEYS
            .into_iter()
            .zip(values)
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// The non-empty parts as a URL query (`actor=priya%40example.com&action=ticket.`).
    pub fn query_string(&self) -> String {
        crate::domain::query_string::join(&self.query_pairs())
    }

    /// The filter read back from query pairs; unknown keys and unreadable dates are ignored.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut filter = Self::default();
        for (key, value) in pairs {
            let value = value.to_string();
            match key {
                "actor" => filter.actor = value,
                "object" => filter.object = value,
                "action" => filter.action = value,
                "ip" => filter.ip = value,
                "from" => filter.from = value.parse().ok(),
                "to" => filter.to = value.parse().ok(),
                _ => {}
            }
        }
        filter
    }
}

/// Where a page ended: the last event's time and chain position. Events sort newest first by
/// `at`, then by shard and sequence, so equal times never repeat or skip an event across pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCursor {
    pub at: DateTime<Utc>,
    pub shard: u8,
    pub seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_survives_the_trip_through_a_url() {
        let filter = AuditFilter {
            actor: "priya@example.com".into(),
            object: "ticket:482913".into(),
            action: "ticket.".into(),
            ip: "10.1.".into(),
            from: NaiveDate::from_ymd_opt(2026, 11, 1),
            to: NaiveDate::from_ymd_opt(2026, 11, 7),
        };
        let pairs = filter.query_pairs();
        let back = AuditFilter::from_query(
            pairs
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(back, filter);
        assert!(AuditFilter::default().query_pairs().is_empty());
        assert_eq!(
            AuditFilter {
                object: "ticket:48 29".into(),
                actor: "priya@example.com".into(),
                ..AuditFilter::default()
            }
            .query_string(),
            "actor=priya%40example.com&object=ticket%3A48%2029"
        );
    }

    #[test]
    fn the_date_range_covers_whole_utc_days() {
        let filter = AuditFilter {
            from: NaiveDate::from_ymd_opt(2026, 11, 1),
            to: NaiveDate::from_ymd_opt(2026, 11, 1),
            ..AuditFilter::default()
        };
        assert_eq!(
            filter.since().unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert_eq!(
            filter.until().unwrap().to_rfc3339(),
            "2026-11-02T00:00:00+00:00"
        );
    }

    #[test]
    fn an_end_before_the_start_or_a_malformed_object_is_refused_at_its_field() {
        let filter = AuditFilter {
            object: "Ticket 12".into(),
            from: NaiveDate::from_ymd_opt(2026, 11, 7),
            to: NaiveDate::from_ymd_opt(2026, 11, 1),
            ..AuditFilter::default()
        };
        let fields: Vec<String> = filter
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["to", "object"]);
    }

    #[test]
    fn an_object_is_a_kind_with_an_optional_id() {
        let parts = |o: &str| {
            let f = AuditFilter {
                object: o.into(),
                ..AuditFilter::default()
            };
            let (k, i) = f.object_parts();
            (k.map(String::from), i.map(String::from))
        };
        assert_eq!(parts(""), (None, None));
        assert_eq!(parts("ticket"), (Some("ticket".into()), None));
        assert_eq!(parts("ticket:"), (Some("ticket".into()), None));
        assert_eq!(
            parts("ticket:482913"),
            (Some("ticket".into()), Some("482913".into()))
        );
    }

    #[test]
    fn normalizing_trims_and_lowercases_the_actor() {
        let filter = AuditFilter {
            actor: "  Priya@Example.com ".into(),
            ip: " 10.0.0.1 ".into(),
            ..AuditFilter::default()
        }
        .normalize();
        assert_eq!(filter.actor, "priya@example.com");
        assert_eq!(filter.ip, "10.0.0.1");
    }
}
