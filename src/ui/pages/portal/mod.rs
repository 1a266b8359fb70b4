//! The customer portal's screens.

mod home;
mod setup;
mod sign_in;
mod sign_up;

pub use home::PortalHomePage;
pub use setup::SetupPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
