//! The agent dashboard's screens.

mod people;
mod queue;

pub use people::AgentPeoplePage;
pub use queue::AgentQueuePage;
