//! Integration tests: the real server on port 0 (or the real binary), talked to over HTTP. One
//! test binary with a module per area, because linking each test file separately is the slowest
//! part of the build.

mod common;

mod accounts;
mod agent_workspace;
mod alerts;
mod attachments;
mod audit;
mod audit_coverage;
mod audit_retention;
mod audit_search;
mod audit_stream;
mod authorization;
mod authorization_matrix;
mod backup;
mod concurrent_creation;
mod crash;
mod database_outage;
mod durability;
mod email;
mod fuzz;
mod guest_access;
mod health;
mod osticket_api;
mod rate_limits;
mod reports;
mod rest_api;
mod scale_out;
mod seed;
mod sessions;
mod settings;
mod sla;
mod tickets;
mod two_factor;
mod web_security;
mod webhooks;
