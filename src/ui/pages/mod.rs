//! One module per screen, grouped by area.

pub mod admin;
pub mod agent;
pub mod not_found;
pub mod portal;
