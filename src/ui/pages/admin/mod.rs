//! The admin settings' screens.

mod audit;
mod email;
mod integrations;
mod overview;
mod settings;
mod users;
mod webhook_log;

pub use audit::AdminAuditPage;
pub use email::AdminEmailPage;
pub use integrations::AdminIntegrationsPage;
pub use overview::AdminOverviewPage;
pub use settings::AdminSettingsPage;
pub use users::AdminUsersPage;
