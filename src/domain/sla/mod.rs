//! SLA configuration: business-hours schedules and SLA plans (targets per priority, pausing
//! statuses, escalations), as admins store them and the rules they must follow. The SLA clock that
//! runs against them is not here.

pub mod clock;
mod plan;
mod schedule;
pub mod ticket;

pub use plan::{Clock, Escalation, EscalationAction, SlaPlan, Target};
pub use schedule::{Holiday, OpeningHours, Schedule, Weekday};

/// The longest name of a plan or schedule.
const MAX_NAME_CHARS: usize = 100;
/// The longest target: a year, in minutes.
const MAX_TARGET_MINUTES: u32 = 525_600;
/// How far an escalation may sit from the due time: a week, in minutes.
const MAX_OFFSET_MINUTES: u32 = 10_080;
const END_OF_DAY: u16 = 24 * 60;

#[cfg(test)]
mod tests;
