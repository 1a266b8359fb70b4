//! Guest access to one ticket by link: asking for a link, reading, replying, revoking.

use leptos::prelude::*;

use crate::error::AppError;
use crate::server_fns::tickets::CustomerTicket;

/// Sends (for now: logs) a link when the number belongs to the email; always answers the same.
#[server(prefix = "/rpc", endpoint = "request_guest_link")]
pub async fn request_guest_link(email: String, number: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::guest_access};
    let (state, caller) = rpc::context().await?;
    guest_access::request_guest_link(&state, &caller, &email, &number).await
}

#[server(prefix = "/rpc", endpoint = "guest_ticket")]
pub async fn guest_ticket(token: String) -> Result<CustomerTicket, AppError> {
    use crate::server::{rpc, use_cases::guest_access};
    let (state, caller) = rpc::context().await?;
    guest_access::guest_ticket(&state, &caller, &token).await
}

#[server(prefix = "/rpc", endpoint = "guest_reply")]
pub async fn guest_reply(token: String, message: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::guest_access};
    let (state, caller) = rpc::context().await?;
    guest_access::guest_reply(&state, &caller, &token, &message).await
}

#[server(prefix = "/rpc", endpoint = "revoke_guest_link")]
pub async fn revoke_guest_link(token: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::guest_access};
    let (state, caller) = rpc::context().await?;
    guest_access::revoke_guest_link(&state, &caller, &token).await
}
