//! Background work every Docket process runs beside serving requests.

pub mod audit_checkpoints;
pub mod audit_retention;
pub mod audit_stream;
pub mod database_health;
pub mod mailboxes;
pub mod metrics;
pub mod outbox;
pub mod sla;
pub mod webhooks;

/// A tick every `every`; a late tick delays the following ones instead of bunching them up.
fn ticker(every: std::time::Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}
