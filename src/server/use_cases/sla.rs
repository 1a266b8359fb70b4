//! A ticket's SLA clocks as they stand now: the plan's targets for its priority, counted in its
//! department's (or else its plan's) business hours, stopped while its status pauses the SLA or
//! closes it, stopped for good by the first response and the resolution.

use chrono::{DateTime, Utc};

use crate::domain::config::Section;
use crate::domain::sla::clock::{Calendar, ClockInput, Span, evaluate, stopped_spans};
use crate::domain::sla::{Clock, Schedule, SlaPlan};
use crate::domain::ticket::{State, Ticket};
use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::store::StoreError;
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

/// The ticket's clocks at `now`; none when it has no SLA plan.
pub async fn clocks(
    state: &AppState,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<Vec<SlaBadge>, AppError> {
    let Some(key) = &ticket.sla_plan else {
        return Ok(Vec::new());
    };
    let Some(plan) = plan(state, key).await? else {
        return Ok(Vec::new());
    };
    let calendar = calendar(state, ticket, &plan).await?;
    let statuses = state.store.statuses().await.map_err(internal)?;
    // Pausing statuses (their own flag or the plan's list) and closed ones stop the clocks.
    let stopping: Vec<String> = statuses
        .iter()
        .filter(|s| {
            s.pauses_sla || s.state == State::Closed || plan.pause_statuses.contains(&s.key)
        })
        .map(|s| s.key.clone())
        .chain(["closed".to_string()])
        .collect();
    let paused_by = statuses
        .iter()
        .find(|s| s.key == ticket.status.key)
        .map(|s| s.name.clone());
    let (pauses, paused_since) = stopped_spans(&ticket.status_log, &stopping);
    let target = plan.target_for(&ticket.priority);
    let closed = ticket.status.state == State::Closed;
    let mut badges = Vec::new();
    for clock in Clock::ALL {
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
        let view = evaluate(&input, &calendar, now);
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
        badges.push(SlaBadge {
            clock,
            state: view.state,
            due_at: view.due_at,
            at_risk_at,
            remaining_seconds: view.remaining_seconds,
            paused_by: (view.state == crate::domain::sla::clock::SlaState::Paused)
                .then(|| paused_by.clone())
                .flatten(),
            evaluated_at: now,
        });
    }
    Ok(badges)
}
