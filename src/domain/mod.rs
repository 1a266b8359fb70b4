//! The pure core: rules of the help desk as plain types and functions, no I/O and no clock.

pub mod attachment;
pub mod audit;
pub mod form;
pub mod password;
pub mod permission;
pub mod registration;
pub mod throttle;
pub mod ticket;
pub mod ticket_number;
pub mod user;
