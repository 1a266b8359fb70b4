//! A ticket's two SLA clocks, from its plan, its status history and the calendar that counts,
//! and the steps (breach, escalations) they call for. Pure: `now` is an argument.

use chrono::{DateTime, Duration, Utc};

use super::clock::{Calendar, ClockInput, ClockView, SlaState, Span, evaluate, stopped_spans};
use super::plan::{Clock, Escalation, SlaPlan};
use crate::domain::ticket::{State, Status, Ticket};

/// One clock of a ticket at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketClock {
    pub clock: Clock,
    pub view: ClockView,
    /// When a running clock turns at risk (none with a manual due date).
    pub at_risk_at: Option<DateTime<Utc>>,
    /// Stopped for good: the first response given, the ticket closed.
    pub stopped: bool,
}

impl TicketClock {
    /// Whether it stopped in time; none while it runs.
    pub fn met(&self) -> Option<bool> {
        self.stopped.then_some(self.view.state == SlaState::Met)
    }

    /// When it falls due while it still runs.
    pub fn pending_due(&self) -> Option<DateTime<Utc>> {
        self.view.due_at.filter(|_| !self.stopped)
    }
}

/// Both clocks of `ticket` under `plan` at `now`. Clocks stop while the ticket is in a status
/// that pauses the SLA (its own flag or the plan's list) or is closed; `statuses` must include
/// deactivated ones, since the history may name them.
pub fn ticket_clocks(
    ticket: &Ticket,
    plan: &SlaPlan,
    statuses: &[Status],
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Vec<TicketClock> {
    let stopping: Vec<String> = statuses
        .iter()
        .filter(|s| {
            s.pauses_sla || s.state == State::Closed || plan.pause_statuses.contains(&s.key)
        })
        .map(|s| s.key.clone())
        .collect();
    let (pauses, paused_since) = stopped_spans(&ticket.status_log, &stopping);
    let target = plan.target_for(&ticket.priority);
    let closed = ticket.status.state == State::Closed;
    Clock::ALL
        .into_iter()
        .map(|clock| {
            let (minutes, stopped_at, manual_due) = match clock {
                Clock::FirstResponse => (
                    target.first_response_minutes,
                    ticket.first_response_at,
                    None,
                ),
                Clock::Resolution => (
                    target.resolution_minutes,
                    ticket.closed_at.filter(|_| closed),
                    ticket.due_at,
                ),
            };
            let input = ClockInput {
                started: ticket.created_at,
                target_minutes: minutes,
                pauses: pauses.clone(),
                // A closed ticket's resolution clock stopped at its closing, not paused.
                paused_since: paused_since.filter(|_| stopped_at.is_none()),
                stopped_at,
                manual_due,
                at_risk_percent: plan.at_risk_percent,
            };
            let at_risk_at = match manual_due {
                Some(_) => None,
                None => {
                    let share = i64::from(minutes) * 60 * i64::from(plan.at_risk_percent) / 100;
                    let mut excluded: Vec<Span> = pauses.clone();
                    if let Some(since) = input.paused_since {
                        excluded.push(Span {
                            from: since,
                            to: now.max(since),
                        });
                    }
                    calendar.after(ticket.created_at, share, &excluded)
                }
            };
            TicketClock {
                clock,
                view: evaluate(&input, calendar, now),
                at_risk_at,
                stopped: stopped_at.is_some(),
            }
        })
        .collect()
}

/// Something the SLA job does to a ticket once: mark a breach (no escalation), or run a step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Unique per ticket, clock and step: `number/clock/breached`, `number/clock/escalation-N`.
    pub key: String,
    pub at: DateTime<Utc>,
    pub clock: Clock,
    pub escalation: Option<Escalation>,
}

/// The steps the running clocks of an open ticket call for, earliest first: the breach at the
/// due time and each of the plan's escalations at the due time plus its offset.
pub fn steps(number: &str, open: bool, plan: &SlaPlan, clocks: &[TicketClock]) -> Vec<Step> {
    let mut steps = Vec::new();
    for c in clocks.iter().filter(|_| open) {
        let Some(due) = c.pending_due() else {
            continue;
        };
        steps.push(Step {
            key: format!("{number}/{}/breached", c.clock.key()),
            at: due,
            clock: c.clock,
            escalation: None,
        });
        for (i, e) in plan
            .escalations
            .iter()
            .enumerate()
            .filter(|(_, e)| e.clock == c.clock)
        {
            steps.push(Step {
                key: format!("{number}/{}/escalation-{i}", c.clock.key()),
                at: due + Duration::minutes(i64::from(e.offset_minutes)),
                clock: c.clock,
                escalation: Some(e.clone()),
            });
        }
    }
    steps.sort_by_key(|s| s.at);
    steps
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::sla::plan::EscalationAction;

    fn running(clock: Clock, due: DateTime<Utc>) -> TicketClock {
        TicketClock {
            clock,
            view: ClockView {
                state: SlaState::OnTrack,
                due_at: Some(due),
                remaining_seconds: 60,
            },
            at_risk_at: None,
            stopped: false,
        }
    }

    fn plan_with_steps() -> SlaPlan {
        SlaPlan {
            escalations: vec![
                Escalation {
                    clock: Clock::FirstResponse,
                    offset_minutes: 60,
                    action: EscalationAction::AssignTeam,
                    value: "tier_1".into(),
                },
                Escalation {
                    clock: Clock::FirstResponse,
                    offset_minutes: -30,
                    action: EscalationAction::NotifyAssignee,
                    value: String::new(),
                },
                Escalation {
                    clock: Clock::Resolution,
                    offset_minutes: 0,
                    action: EscalationAction::NotifyManager,
                    value: String::new(),
                },
            ],
            ..SlaPlan::blank()
        }
    }

    #[test]
    fn a_running_clock_calls_for_its_breach_and_its_escalations_in_time_order() {
        let due = Utc.with_ymd_and_hms(2026, 3, 2, 13, 0, 0).unwrap();
        let steps = steps(
            "42",
            true,
            &plan_with_steps(),
            &[running(Clock::FirstResponse, due)],
        );
        let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "42/first_response/escalation-1",
                "42/first_response/breached",
                "42/first_response/escalation-0"
            ]
        );
        assert_eq!(steps[0].at, due - Duration::minutes(30));
        assert_eq!(steps[2].at, due + Duration::minutes(60));
    }

    #[test]
    fn stopped_clocks_and_closed_tickets_call_for_nothing() {
        let due = Utc.with_ymd_and_hms(2026, 3, 2, 13, 0, 0).unwrap();
        let stopped = TicketClock {
            stopped: true,
            ..running(Clock::FirstResponse, due)
        };
        assert!(
            steps(
                "42",
                true,
                &plan_with_steps(),
                std::slice::from_ref(&stopped)
            )
            .is_empty()
        );
        assert_eq!(stopped.met(), Some(false), "on track is not met");
        let open_clock = running(Clock::Resolution, due);
        assert!(steps("42", false, &plan_with_steps(), &[open_clock]).is_empty());
    }
}
