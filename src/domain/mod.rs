//! The pure core: rules of the help desk as plain types and functions, no I/O and no clock.

pub mod alerts;
pub mod attachment;
pub mod audit;
pub mod canned;
pub mod catalog;
pub mod config;
pub mod editor;
pub mod form;
pub mod live;
pub mod mail;
pub mod osticket;
pub mod password;
pub mod permission;
pub mod queue;
pub mod registration;
pub mod routing;
pub mod search;
pub mod sla;
pub mod throttle;
pub mod ticket;
pub mod ticket_change;
pub mod ticket_number;
pub mod user;
pub mod webhooks;
