//! Use cases: what a caller can do, shared by server functions, the CLI and the HTTP APIs.
//! Each one authorises the caller, validates input and writes its change with its audit event.

pub mod accounts;
pub mod agent_queue;
pub mod agent_ticket;
pub mod alerts;
pub mod api_keys;
pub mod attachments;
pub mod audit_retention;
pub mod audit_stream;
pub mod audit_trail;
pub mod directory;
pub mod general_settings;
pub mod guest_access;
pub mod inbound_mail;
pub mod live_events;
pub mod notifications;
pub mod outbox;
pub mod password_links;
pub mod reports;
pub mod second_factor;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod sla;
pub mod staff_tickets;
pub mod ticket_api;
pub mod ticket_changes;
pub mod ticket_filters;
pub mod ticket_merge;
pub mod tickets;
pub mod webhooks;
