//! What the reports know of one ticket, and the response times measured on it. The facts are
//! kept with the ticket when counted, so that counting it again takes out exactly what it put in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ticket::Source;

/// One ticket as the reports count it. Statuses carry what they meant when counted (open or
/// not, pausing or not), so a later change to a status does not change what was counted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketFacts {
    pub created_at: DateTime<Utc>,
    pub department: String,
    pub source: Source,
    pub priority: String,
    pub status: String,
    pub open: bool,
    pub assignee: Option<String>,
    /// The SIEM (alert source) and rule of a ticket an alert opened.
    pub alert: Option<AlertOrigin>,
    /// The resolution class chosen on closing.
    pub resolution: Option<String>,
    /// The first agent reply.
    pub first_response_at: Option<DateTime<Utc>>,
    /// The first thing staff did on the ticket: a reply, a note or a change.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The last close, while closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The agent whose change made that close (none when a customer or automation closed it).
    #[serde(default)]
    pub closed_by: Option<String>,
    /// Every status the ticket entered, oldest first.
    pub periods: Vec<Period>,
    /// Whether each SLA clock was met, once it stopped.
    pub first_response_met: Option<bool>,
    pub resolution_met: Option<bool>,
    /// Observables of an alert ticket (`kind:value`).
    pub observables: Vec<String>,
    /// Agents' replies: who, when.
    pub replies: Vec<(String, DateTime<Utc>)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertOrigin {
    pub source: String,
    pub rule: Option<String>,
}

/// The ticket entered a status at `at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub at: DateTime<Utc>,
    /// Whether the status is an open one.
    pub open: bool,
    /// Whether the status stops the SLA clocks (e.g. waiting on the customer).
    pub pauses: bool,
}

impl TicketFacts {
    /// Seconds from `start` to `end` that the ticket spent in an open status that does not
    /// pause: the time it was the team's to act on.
    pub fn working_seconds(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
        let mut total = 0;
        for (i, period) in self.periods.iter().enumerate() {
            if !period.open || period.pauses {
                continue;
            }
            let until = self.periods.get(i + 1).map_or(end, |next| next.at);
            let (from, to) = (period.at.max(start), until.min(end));
            if to > from {
                total += (to - from).num_seconds();
            }
        }
        total
    }

    /// Time to acknowledge (MTTA's measure): working time from creation to the first thing
    /// staff did. None until then.
    pub fn time_to_acknowledge(&self) -> Option<i64> {
        self.acknowledged_at
            .map(|at| self.working_seconds(self.created_at, at))
    }

    /// Time to resolve (MTTR's measure): working time from creation to the last close; time
    /// spent closed before a reopening does not count. None while open.
    pub fn time_to_resolve(&self) -> Option<i64> {
        if self.open {
            return None;
        }
        self.closed_at
            .map(|at| self.working_seconds(self.created_at, at))
    }

    /// Agents who acted on the ticket, by the moment: each reply, and the close.
    pub fn handled(&self) -> Vec<(String, DateTime<Utc>)> {
        let mut handled = self.replies.clone();
        if let (false, Some(agent), Some(at)) = (self.open, &self.closed_by, self.closed_at) {
            handled.push((agent.clone(), at));
        }
        handled
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// 2026-11-02 (a Monday) at `h`:`m` UTC.
    pub fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0).unwrap()
    }

    pub fn period(at: DateTime<Utc>, open: bool, pauses: bool) -> Period {
        Period { at, open, pauses }
    }

    pub fn ticket() -> TicketFacts {
        TicketFacts {
            created_at: at(9, 0),
            department: "support".into(),
            source: Source::Web,
            priority: "normal".into(),
            status: "open".into(),
            open: true,
            assignee: None,
            alert: None,
            resolution: None,
            first_response_at: None,
            acknowledged_at: None,
            closed_at: None,
            closed_by: None,
            periods: vec![period(at(9, 0), true, false)],
            first_response_met: None,
            resolution_met: None,
            observables: Vec::new(),
            replies: Vec::new(),
        }
    }

    #[test]
    fn time_to_acknowledge_runs_from_creation_to_the_first_staff_action() {
        let t = TicketFacts {
            acknowledged_at: Some(at(9, 12)),
            ..ticket()
        };
        assert_eq!(t.time_to_acknowledge(), Some(12 * 60));
        assert_eq!(ticket().time_to_acknowledge(), None);
    }

    #[test]
    fn waiting_on_the_customer_does_not_count_towards_resolution() {
        // Open 9:00, waiting on customer 10:00-13:00, open again, closed 14:30: 2.5 h of work.
        let t = TicketFacts {
            open: false,
            closed_at: Some(at(14, 30)),
            periods: vec![
                period(at(9, 0), true, false),
                period(at(10, 0), true, true),
                period(at(13, 0), true, false),
                period(at(14, 30), false, false),
            ],
            ..ticket()
        };
        assert_eq!(t.time_to_resolve(), Some(150 * 60));
    }

    #[test]
    fn a_reopened_ticket_is_resolved_at_its_last_close_without_the_time_it_was_closed() {
        // Open 9:00-10:00, closed 10:00-15:00, reopened 15:00, closed again 15:20: 80 minutes.
        let mut t = TicketFacts {
            open: false,
            closed_at: Some(at(15, 20)),
            periods: vec![
                period(at(9, 0), true, false),
                period(at(10, 0), false, false),
                period(at(15, 0), true, false),
                period(at(15, 20), false, false),
            ],
            ..ticket()
        };
        assert_eq!(t.time_to_resolve(), Some(80 * 60));
        // While reopened it is not resolved at all.
        t.open = true;
        t.periods.pop();
        t.closed_at = None;
        assert_eq!(t.time_to_resolve(), None);
    }

    #[test]
    fn an_agent_handles_a_ticket_by_replying_or_by_closing_it() {
        let t = TicketFacts {
            open: false,
            closed_at: Some(at(11, 0)),
            closed_by: Some("ana".into()),
            replies: vec![("ben".into(), at(10, 0))],
            ..ticket()
        };
        assert_eq!(
            t.handled(),
            vec![("ben".into(), at(10, 0)), ("ana".into(), at(11, 0))]
        );
    }
}
