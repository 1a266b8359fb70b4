//! The chrome of each area: top bar, area navigation, and the guard in front of staff areas.

mod admin;
mod agent;
mod portal;
mod top_bar;

pub use admin::AdminLayout;
pub use agent::AgentLayout;
pub use portal::PortalLayout;
