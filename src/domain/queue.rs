//! Agent queues: the built-in ones, saved custom ones (a filter, columns and a sort), their counts
//! and the cursor that pages through them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ticket::{Source, State};

/// A queue in the agent's sidebar.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum Queue {
    Mine,
    Unassigned,
    Open,
    Waiting,
    /// Open tickets with an SLA clock past due.
    Overdue,
    Closed,
    /// Open tickets other departments referred to mine.
    Referred,
    /// Open tickets of one department (by key).
    Department(String),
    /// One of the agent's saved queues (by id).
    Saved(String),
}

impl Queue {
    /// The filter behind a built-in queue; saved queues carry their own.
    pub fn builtin_filter(&self) -> Option<QueueFilter> {
        let open = QueueFilter {
            state: Some(State::Open),
            ..QueueFilter::default()
        };
        Some(match self {
            Queue::Mine => QueueFilter {
                assignee: Some(AssigneeFilter::Me),
                ..open
            },
            Queue::Unassigned => QueueFilter {
                assignee: Some(AssigneeFilter::Nobody),
                ..open
            },
            Queue::Open => open,
            Queue::Waiting => QueueFilter {
                waiting: true,
                ..open
            },
            Queue::Overdue => QueueFilter {
                overdue: true,
                ..open
            },
            Queue::Closed => QueueFilter {
                state: Some(State::Closed),
                ..QueueFilter::default()
            },
            Queue::Referred => QueueFilter {
                referred_only: true,
                ..open
            },
            Queue::Department(key) => QueueFilter {
                departments: vec![key.clone()],
                ..open
            },
            Queue::Saved(_) => return None,
        })
    }

    /// The queue as it appears in a URL (`?queue=mine`, `?queue=department:support`).
    pub fn as_param(&self) -> String {
        match self {
            Queue::Mine => "mine".into(),
            Queue::Unassigned => "unassigned".into(),
            Queue::Open => "open".into(),
            Queue::Waiting => "waiting".into(),
            Queue::Overdue => "overdue".into(),
            Queue::Closed => "closed".into(),
            Queue::Referred => "referred".into(),
            Queue::Department(key) => format!("department:{key}"),
            Queue::Saved(id) => format!("saved:{id}"),
        }
    }

    pub fn from_param(param: &str) -> Option<Queue> {
        Some(match param {
            "mine" => Queue::Mine,
            "unassigned" => Queue::Unassigned,
            "open" => Queue::Open,
            "waiting" => Queue::Waiting,
            "overdue" => Queue::Overdue,
            "closed" => Queue::Closed,
            "referred" => Queue::Referred,
            other => match other.split_once(':') {
                Some(("department", key)) if !key.is_empty() => Queue::Department(key.into()),
                Some(("saved", id)) if !id.is_empty() => Queue::Saved(id.into()),
                _ => return None,
            },
        })
    }
}

/// Whose tickets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum AssigneeFilter {
    Me,
    Nobody,
    Agent(String),
}

/// Which tickets a queue lists. Empty lists mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QueueFilter {
    pub state: Option<State>,
    /// Only tickets whose status pauses the SLA (waiting on someone else).
    #[serde(default)]
    pub waiting: bool,
    /// Only tickets with an SLA clock past due when the queue is read.
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub statuses: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<String>,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub assignee: Option<AssigneeFilter>,
    /// Tickets assigned to one of these teams.
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Tickets carrying every one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Created on or after this day (UTC).
    #[serde(default)]
    pub created_from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    #[serde(default)]
    pub created_to: Option<NaiveDate>,
    /// A custom field (by name) whose shown value contains this text.
    #[serde(default)]
    pub field: Option<(String, String)>,
    /// Only tickets referred to the agent's departments (not owned by them).
    #[serde(default)]
    pub referred_only: bool,
    /// Tickets SIEM alerts from these sources opened (`wazuh`, `elastic`, ...).
    #[serde(default)]
    pub alert_sources: Vec<String>,
    /// The ticket of one alert fingerprint (where its repeats go).
    #[serde(default)]
    pub fingerprint: Option<String>,
}

impl QueueFilter {
    /// This (a queue's own) filter narrowed by `refinement`: each list or choice the refinement
    /// names replaces the queue's; alert source and fingerprint come from the refinement alone.
    pub fn refined_by(self, refinement: QueueFilter) -> QueueFilter {
        fn pick<T>(refined: Vec<T>, own: Vec<T>) -> Vec<T> {
            if refined.is_empty() { own } else { refined }
        }
        QueueFilter {
            statuses: pick(refinement.statuses, self.statuses),
            priorities: pick(refinement.priorities, self.priorities),
            departments: pick(refinement.departments, self.departments),
            assignee: refinement.assignee.or(self.assignee),
            tags: pick(refinement.tags, self.tags),
            sources: pick(refinement.sources, self.sources),
            alert_sources: refinement.alert_sources,
            fingerprint: refinement.fingerprint,
            ..self
        }
    }
}

/// How a queue is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueSort {
    #[default]
    RecentlyUpdated,
    Newest,
    Oldest,
}

impl QueueSort {
    pub const ALL: [QueueSort; 3] = [
        QueueSort::RecentlyUpdated,
        QueueSort::Newest,
        QueueSort::Oldest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueSort::RecentlyUpdated => "recently_updated",
            QueueSort::Newest => "newest",
            QueueSort::Oldest => "oldest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueSort::RecentlyUpdated => "Recently updated",
            QueueSort::Newest => "Newest first",
            QueueSort::Oldest => "Oldest first",
        }
    }

    pub fn parse(s: &str) -> Option<QueueSort> {
        QueueSort::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The columns a queue can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Subject,
    Requester,
    Status,
    Priority,
    Department,
    Assignee,
    Team,
    Source,
    Tags,
    Created,
    Updated,
    /// When the earlier running SLA clock falls due.
    Due,
}

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Subject,
        Column::Requester,
        Column::Status,
        Column::Priority,
        Column::Department,
        Column::Assignee,
        Column::Team,
        Column::Source,
        Column::Tags,
        Column::Created,
        Column::Updated,
        Column::Due,
    ];

    /// What a queue shows until the agent chooses.
    pub const DEFAULT: [Column; 8] = [
        Column::Subject,
        Column::Requester,
        Column::Status,
        Column::Priority,
        Column::Due,
        Column::Department,
        Column::Assignee,
        Column::Updated,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Column::Subject => "Subject",
            Column::Requester => "Requester",
            Column::Status => "Status",
            Column::Priority => "Priority",
            Column::Department => "Department",
            Column::Assignee => "Assignee",
            Column::Team => "Team",
            Column::Source => "Source",
            Column::Tags => "Tags",
            Column::Created => "Created",
            Column::Updated => "Updated",
            Column::Due => "SLA due",
        }
    }
}

/// Where the next page starts: just after the ticket with this sort time and number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub number: String,
}

impl Cursor {
    /// An opaque string for URLs: `<unix micros>~<number>`.
    pub fn encode(&self) -> String {
        format!("{}~{}", self.at.timestamp_micros(), self.number)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (micros, number) = s.split_once('~')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        (!number.is_empty()).then(|| Cursor {
            at,
            number: number.to_string(),
        })
    }
}

/// One row of the precomputed ticket counts (the database keeps them as tickets change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    pub department: String,
    pub state: State,
    pub status: String,
    pub assignee: Option<String>,
    pub tickets: u64,
}

/// The built-in queues' counts for an agent who sees `departments`, from the count rows and the
/// keys of statuses that pause the SLA. Referred tickets are counted apart (`referred`).
pub fn builtin_counts(
    rows: &[CountRow],
    me: &str,
    departments: &[String],
    pausing: &[String],
    referred: u64,
    overdue: u64,
) -> Vec<(Queue, u64)> {
    let visible = || rows.iter().filter(|r| departments.contains(&r.department));
    let open = || visible().filter(|r| r.state == State::Open);
    let sum = |it: &mut dyn Iterator<Item = &CountRow>| it.map(|r| r.tickets).sum::<u64>();
    let mut counts = vec![
        (
            Queue::Mine,
            sum(&mut open().filter(|r| r.assignee.as_deref() == Some(me))),
        ),
        (
            Queue::Unassigned,
            sum(&mut open().filter(|r| r.assignee.is_none())),
        ),
        (Queue::Open, sum(&mut open())),
        (
            Queue::Waiting,
            sum(&mut open().filter(|r| pausing.contains(&r.status))),
        ),
        (Queue::Overdue, overdue),
        (
            Queue::Closed,
            sum(&mut visible().filter(|r| r.state == State::Closed)),
        ),
        (Queue::Referred, referred),
    ];
    counts.extend(departments.iter().map(|d| {
        (
            Queue::Department(d.clone()),
            sum(&mut open().filter(|r| &r.department == d)),
        )
    }));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        department: &str,
        state: State,
        status: &str,
        assignee: Option<&str>,
        n: u64,
    ) -> CountRow {
        CountRow {
            department: department.into(),
            state,
            status: status.into(),
            assignee: assignee.map(String::from),
            tickets: n,
        }
    }

    fn count(counts: &[(Queue, u64)], queue: Queue) -> u64 {
        counts
            .iter()
            .find(|(q, _)| *q == queue)
            .map(|(_, n)| *n)
            .unwrap()
    }

    #[test]
    fn built_in_counts_cover_only_the_agents_departments() {
        let rows = vec![
            row("support", State::Open, "open", Some("me"), 2),
            row("support", State::Open, "open", None, 3),
            row("support", State::Open, "waiting", Some("you"), 4),
            row("support", State::Closed, "closed", Some("me"), 5),
            row("security", State::Open, "open", None, 100),
        ];
        let counts = builtin_counts(&rows, "me", &["support".into()], &["waiting".into()], 7, 2);
        assert_eq!(count(&counts, Queue::Mine), 2);
        assert_eq!(count(&counts, Queue::Unassigned), 3);
        assert_eq!(count(&counts, Queue::Open), 9);
        assert_eq!(count(&counts, Queue::Waiting), 4);
        assert_eq!(count(&counts, Queue::Overdue), 2);
        assert_eq!(count(&counts, Queue::Closed), 5);
        assert_eq!(count(&counts, Queue::Referred), 7);
        assert_eq!(count(&counts, Queue::Department("support".into())), 9);
        assert!(
            counts
                .iter()
                .all(|(q, _)| *q != Queue::Department("security".into()))
        );
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            at: DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            number: "SOC-2026~1".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("nonsense"), None);
        assert_eq!(Cursor::decode("12~"), None);
        assert_eq!(Cursor::decode("x~100"), None);
    }

    #[test]
    fn queues_round_trip_through_their_url_form() {
        for queue in [
            Queue::Mine,
            Queue::Unassigned,
            Queue::Open,
            Queue::Waiting,
            Queue::Overdue,
            Queue::Closed,
            Queue::Referred,
            Queue::Department("support".into()),
            Queue::Saved("abc".into()),
        ] {
            assert_eq!(Queue::from_param(&queue.as_param()), Some(queue));
        }
        assert_eq!(Queue::from_param("department:"), None);
        assert_eq!(Queue::from_param("everything"), None);
    }

    #[test]
    fn the_unassigned_queue_lists_open_tickets_without_an_assignee() {
        let filter = Queue::Unassigned.builtin_filter().unwrap();
        assert_eq!(filter.state, Some(State::Open));
        assert_eq!(filter.assignee, Some(AssigneeFilter::Nobody));
        assert_eq!(Queue::Saved("x".into()).builtin_filter(), None);
    }

    #[test]
    fn a_refinement_narrows_a_queue_without_losing_its_own_conditions() {
        let mine = Queue::Mine.builtin_filter().unwrap();
        let refined = mine.clone().refined_by(QueueFilter {
            priorities: vec!["high".into()],
            fingerprint: Some("wazuh:5712".into()),
            ..QueueFilter::default()
        });
        assert_eq!(refined.state, Some(State::Open));
        assert_eq!(refined.assignee, Some(AssigneeFilter::Me));
        assert_eq!(refined.priorities, vec!["high".to_string()]);
        assert_eq!(refined.fingerprint.as_deref(), Some("wazuh:5712"));
        let other = mine.refined_by(QueueFilter {
            assignee: Some(AssigneeFilter::Nobody),
            ..QueueFilter::default()
        });
        assert_eq!(other.assignee, Some(AssigneeFilter::Nobody));
    }
}
