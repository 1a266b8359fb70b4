//! Reports: what each ticket contributes to the dashboard's figures (counted once per change,
//! into per-day rollups), and the dashboard built from those rollups. Every metric is defined
//! here; the README repeats the definitions in words.

pub mod access;
pub mod chart;
pub mod facts;
pub mod filter;
pub mod histogram;
pub mod report;
pub mod tally;

/// Bumped whenever what a ticket contributes changes meaning, so the rollups are rebuilt.
pub const DEFINITIONS_VERSION: u32 = 1;
