//! The agent dashboard's screens.

mod people;
mod queue;
mod ticket;

pub use people::AgentPeoplePage;
pub use queue::AgentQueuePage;
pub use ticket::AgentTicketPage;
