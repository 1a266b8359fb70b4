//! The admin settings' screens.

mod audit;
mod overview;
mod users;

pub use audit::AdminAuditPage;
pub use overview::AdminOverviewPage;
pub use users::AdminUsersPage;
