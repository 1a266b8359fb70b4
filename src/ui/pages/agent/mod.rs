//! The agent dashboard's screens.

mod people;
mod queue;
mod reports;
mod ticket;

pub use people::AgentPeoplePage;
pub use queue::AgentQueuePage;
pub use reports::AgentReportsPage;
pub use ticket::AgentTicketPage;
