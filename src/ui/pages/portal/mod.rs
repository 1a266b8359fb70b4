//! The customer portal's screens.

mod account;
mod check_status;
mod forgot_password;
mod guest_ticket;
mod home;
mod my_tickets;
mod new_ticket;
mod reset_password;
mod setup;
mod sign_in;
mod sign_up;
mod ticket;

pub use account::AccountPage;
pub use check_status::CheckStatusPage;
pub use forgot_password::ForgotPasswordPage;
pub use guest_ticket::GuestTicketPage;
pub use home::PortalHomePage;
pub use my_tickets::MyTicketsPage;
pub use new_ticket::NewTicketPage;
pub use reset_password::ResetPasswordPage;
pub use setup::SetupPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use ticket::TicketPage;
