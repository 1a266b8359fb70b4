//! Background work every Docket process runs beside serving requests.

pub mod audit_checkpoints;
pub mod audit_retention;
pub mod audit_stream;
pub mod mailboxes;
pub mod metrics;
pub mod outbox;
pub mod sla;
pub mod webhooks;
