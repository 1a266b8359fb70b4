//! Server functions: the `/rpc/*` endpoints the UI calls. Each gets the caller, calls one use case
//! and returns its result; anyone can call them with curl, so the use case authorises every call.

pub mod accounts;
pub mod agent_queue;
pub mod agent_ticket;
pub mod audit;
pub mod directory;
pub mod email;
pub mod guest_access;
pub mod integrations;
pub mod reports;
pub mod second_factor;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod tickets;
pub mod webhooks;
