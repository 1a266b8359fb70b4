//! Use cases: what a caller can do, shared by server functions, the CLI and (later) the HTTP APIs.
//! Each one authorises the caller, validates input and writes its change with its audit event.

pub mod accounts;
pub mod attachments;
pub mod audit_trail;
pub mod directory;
pub mod guest_access;
pub mod setup;
pub mod tickets;
