//! Background work every Docket process runs beside serving requests.

pub mod audit_checkpoints;
pub mod mailboxes;
pub mod outbox;
pub mod sla;
pub mod webhooks;
