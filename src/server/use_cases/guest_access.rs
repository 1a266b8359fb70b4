//! Guest access: a customer without an account asks for a link by email and ticket number, and the
//! link opens that one ticket (view and reply) until it expires or is revoked.

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::rate_limit::{GUEST_LINKS_PER_ADDRESS, GUEST_LINKS_PER_EMAIL};
use crate::domain::user::Email;
use crate::error::AppError;
use crate::server::auth;
use crate::server::rate_limits::Limited;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server_fns::tickets::CustomerTicket;

use super::notifications;
use super::tickets::{add_customer_message, customer_view};

/// Issues a link when `number` belongs to `email`, and answers the same either way so that the form
/// cannot be used to learn which tickets exist. The link is emailed to the requester.
pub async fn request_guest_link(
    state: &AppState,
    caller: &Caller,
    email: &str,
    number: &str,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    let number = number.trim().trim_start_matches('#');
    if number.is_empty() || number.len() > 32 {
        return Err(AppError::invalid(
            "number",
            "Enter the ticket number, like 482913.",
        ));
    }
    let now = state.clock.now();
    let limits = &state.limits;
    limits.take(
        Limited::GuestLink,
        caller.ip(),
        GUEST_LINKS_PER_ADDRESS,
        now,
    )?;
    limits.take(
        Limited::GuestLink,
        email.as_str(),
        GUEST_LINKS_PER_EMAIL,
        now,
    )?;
    let Some(ticket) = state.store.ticket(number).await.map_err(internal)? else {
        return Ok(());
    };
    if ticket.requester_email != email.as_str() {
        return Ok(());
    }
    let token = auth::new_token();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "ticket.guest_link_issued",
        caller.origin.clone(),
    )
    .object("ticket", &ticket.number);
    let expires = now + state.settings.guest_link_lifetime;
    let link = format!(
        "{}/guest/{token}",
        state.settings.base_url.trim_end_matches('/')
    );
    let mail = notifications::guest_link(state, &ticket, email.as_str(), &link, expires).await?;
    state
        .store
        .issue_guest_link(
            &auth::token_key(&token),
            &ticket.number,
            email.as_str(),
            now,
            expires,
            &mail,
            &record,
        )
        .await
        .map_err(internal)?;
    Ok(())
}

/// The number of the ticket a live guest link opens; "not found" for a dead or unknown link.
pub(super) async fn linked_number(state: &AppState, token: &str) -> Result<String, AppError> {
    state
        .store
        .guest_link_ticket(&auth::token_key(token.trim()), state.clock.now())
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

async fn linked_ticket(
    state: &AppState,
    token: &str,
) -> Result<crate::domain::ticket::Ticket, AppError> {
    let number = linked_number(state, token).await?;
    state
        .store
        .ticket(&number)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

pub async fn guest_ticket(
    state: &AppState,
    caller: &Caller,
    token: &str,
) -> Result<CustomerTicket, AppError> {
    let ticket = linked_ticket(state, token).await?;
    let guest = caller.as_guest(&ticket.number);
    let record = AuditRecord::new(
        state.clock.now(),
        guest.audit_actor(),
        "ticket.viewed",
        guest.origin.clone(),
    )
    .object("ticket", &ticket.number)
    .after(json!({ "via": "guest_link" }));
    state.store.append_audit(&record).await.map_err(internal)?;
    customer_view(state, ticket).await
}

pub async fn guest_reply(
    state: &AppState,
    caller: &Caller,
    token: &str,
    message: &str,
) -> Result<(), AppError> {
    let ticket = linked_ticket(state, token).await?;
    add_customer_message(
        state,
        &caller.as_guest(&ticket.number),
        &ticket,
        message,
        &[],
    )
    .await
}

pub async fn revoke_guest_link(
    state: &AppState,
    caller: &Caller,
    token: &str,
) -> Result<(), AppError> {
    let ticket = linked_ticket(state, token).await?;
    let guest = caller.as_guest(&ticket.number);
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        guest.audit_actor(),
        "ticket.guest_link_revoked",
        guest.origin.clone(),
    )
    .object("ticket", &ticket.number);
    state
        .store
        .revoke_guest_link(&auth::token_key(token.trim()), now, &record)
        .await
        .map_err(internal)
}
