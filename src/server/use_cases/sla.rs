//! A ticket's SLA clocks as they stand now: the plan's targets for its priority, counted in its
//! department's (or else its plan's) business hours, stopped while its status pauses the SLA or
//! closes it, stopped for good by the first response and the resolution; and the SLA job's work
//! on one ticket: breaches and escalation steps, each done once.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::domain::audit::{AuditActor, AuditRecord, Origin};
use crate::domain::config::Section;
use crate::domain::sla::clock::{Calendar, SlaState};
use crate::domain::sla::ticket::{Step, TicketClock, steps, ticket_clocks};
use crate::domain::sla::{Clock, EscalationAction, Schedule, SlaPlan};
use crate::domain::ticket::{EntryKind, Source, State, Ticket};
use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::store::{
    NewEntry, Patch, Refusal, SlaState as SlaRecord, StoreError, TicketWrite,
};
use crate::server::use_cases::notifications;
use crate::server_fns::agent_ticket::SlaBadge;

async fn plan(state: &AppState, key: &str) -> Result<Option<SlaPlan>, AppError> {
    let Some(row) = state
        .store
        .settings_item(Section::SlaPlans, key)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    serde_json::from_value(row.item)
        .map(Some)
        .map_err(|e| internal(StoreError::Corrupt(format!("SLA plan {key}: {e}"))))
}

/// The calendar the ticket's clocks count in: its department's schedule, else its plan's, else
/// around the clock.
async fn calendar(state: &AppState, ticket: &Ticket, plan: &SlaPlan) -> Result<Calendar, AppError> {
    let key = match state
        .store
        .department_schedule(&ticket.department)
        .await
        .map_err(internal)?
    {
        Some(key) => Some(key),
        None => plan.schedule.clone(),
    };
    let Some(key) = key else {
        return Ok(Calendar::AroundTheClock);
    };
    let Some(row) = state
        .store
        .settings_item(Section::Schedules, &key)
        .await
        .map_err(internal)?
    else {
        return Ok(Calendar::AroundTheClock);
    };
    let schedule: Schedule = serde_json::from_value(row.item)
        .map_err(|e| internal(StoreError::Corrupt(format!("schedule {key}: {e}"))))?;
    Ok(Calendar::of(&schedule).unwrap_or_else(|| {
        tracing::warn!(schedule = %key, "schedule has no valid time zone; counting around the clock");
        Calendar::AroundTheClock
    }))
}

/// The ticket's plan and its clocks at `now`; none when it has no (existing) plan.
async fn evaluated(
    state: &AppState,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<Option<(SlaPlan, Vec<TicketClock>)>, AppError> {
    let Some(key) = &ticket.sla_plan else {
        return Ok(None);
    };
    let Some(plan) = plan(state, key).await? else {
        return Ok(None);
    };
    let calendar = calendar(state, ticket, &plan).await?;
    let statuses = state.store.every_status().await.map_err(internal)?;
    let clocks = ticket_clocks(ticket, &plan, &statuses, &calendar, now);
    Ok(Some((plan, clocks)))
}

/// The ticket's clocks at `now`, as the agent page shows them; none when it has no SLA plan.
pub async fn clocks(
    state: &AppState,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<Vec<SlaBadge>, AppError> {
    let Some((_, clocks)) = evaluated(state, ticket, now).await? else {
        return Ok(Vec::new());
    };
    Ok(clocks
        .into_iter()
        .map(|c| SlaBadge {
            clock: c.clock,
            state: c.view.state,
            due_at: c.view.due_at,
            at_risk_at: c.at_risk_at,
            remaining_seconds: c.view.remaining_seconds,
            paused_by: (c.view.state == SlaState::Paused).then(|| ticket.status.name.clone()),
            evaluated_at: now,
        })
        .collect())
}

/// Brings a ticket's SLA up to `now`: every breach and escalation step that has come is done
/// (each exactly once, whoever runs the job), and the due times and the next time to look are
/// stored. Returns how many steps this call did.
pub async fn process(
    state: &AppState,
    number: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(ticket) = state.store.ticket(number).await.map_err(internal)? else {
        return Ok(0);
    };
    let mut stored = SlaRecord::default();
    let mut done = 0;
    if let Some((plan, clocks)) = evaluated(state, &ticket, now).await? {
        for c in &clocks {
            match c.clock {
                Clock::FirstResponse => {
                    stored.first_response_due = c.pending_due();
                    stored.first_response_met = c.met();
                }
                Clock::Resolution => {
                    stored.resolution_due = c.pending_due();
                    stored.resolution_met = c.met();
                }
            }
        }
        let open = ticket.status.state == State::Open;
        let steps = steps(&ticket.number, open, &plan, &clocks);
        for step in steps.iter().filter(|s| s.at <= now) {
            if take_step(state, &ticket, step, now).await? {
                done += 1;
            }
        }
        stored.next_at = steps.iter().find(|s| s.at > now).map(|s| s.at);
    }
    state
        .store
        .set_sla_state(
            &ticket.number,
            ticket.version + u64::try_from(done).unwrap_or(0),
            &stored,
        )
        .await
        .map_err(internal)?;
    Ok(done)
}

/// Does one step, with its thread entry and audit event, unless it was done before.
async fn take_step(
    state: &AppState,
    ticket: &Ticket,
    step: &Step,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let label = step.clock.label();
    let (sentence, patches, action) = match &step.escalation {
        None => (
            format!(
                "{label} SLA breached (due {}).",
                step.at.format("%Y-%m-%d %H:%M UTC")
            ),
            Vec::new(),
            "ticket.sla_breached",
        ),
        Some(e) => {
            let (what, patches) = match e.action {
                EscalationAction::RaisePriority => (
                    format!("raised the priority to {}", e.value),
                    vec![Patch::Priority(&e.value)],
                ),
                EscalationAction::AssignTeam => (
                    format!("assigned the team {}", e.value),
                    vec![Patch::Team(Some(&e.value))],
                ),
                EscalationAction::AssignAgent => (
                    "assigned the ticket to the escalation agent".to_string(),
                    vec![Patch::Assignee(Some(&e.value))],
                ),
                notify => (notify.label().to_lowercase(), Vec::new()),
            };
            (
                format!("{label} SLA escalation: {what}."),
                patches,
                "ticket.sla_escalated",
            )
        }
    };
    let record = AuditRecord::new(now, AuditActor::system(), action, Origin::default())
        .object("ticket", &ticket.number)
        .after(json!({ "clock": step.clock.key(), "step": step.key, "due": step.at }));
    let mail = match &step.escalation {
        Some(e) => notifications::escalated(state, ticket, e.action, &sentence).await?,
        None => Vec::new(),
    };
    let write = TicketWrite {
        number: &ticket.number,
        based_on: None,
        entry: NewEntry {
            kind: EntryKind::StaffEvent,
            attachments: &[],
            author_id: None,
            author_name: "Docket SLA",
            by_staff: false,
            body: &sentence,
            source: Source::Other,
            email: None,
            at: now,
        },
        patches: &patches,
        once: Some(&step.key),
        mail: &mail,
    };
    match state.store.write_ticket(&write, &record).await {
        Ok(()) => Ok(true),
        Err(StoreError::Refused(Refusal::Done)) => Ok(false),
        Err(e) => Err(internal(e)),
    }
}
