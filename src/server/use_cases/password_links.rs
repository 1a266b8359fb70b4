//! Choosing a password by a one-time emailed link: a reset anyone may ask for by email (the
//! answer never says whether the address has an account), and an agent's invitation when an
//! admin creates the account without a password.

use chrono::Duration;
use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::mail::template::TemplateKind;
use crate::domain::password::NewPassword;
use crate::domain::rate_limit::RESETS_PER_ADDRESS;
use crate::domain::user::{Email, UserSummary};
use crate::error::AppError;
use crate::server::auth;
use crate::server::rate_limits::Limited;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, StoreError};
use crate::server::use_cases::notifications;
use crate::server_fns::accounts::PasswordLinkView;

/// How long a reset link works.
const RESET_LIFETIME_HOURS: i64 = 1;
/// How long an invitation works.
const INVITE_LIFETIME_DAYS: i64 = 7;
/// Reset mails one account gets per hour at most (the rest are dropped silently).
const RESETS_PER_HOUR: usize = 3;

async fn issue(
    state: &AppState,
    caller: &Caller,
    user: &UserSummary,
    kind: TemplateKind,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let (purpose, expires) = match kind {
        TemplateKind::AgentInvite => ("invite", now + Duration::days(INVITE_LIFETIME_DAYS)),
        _ => ("reset", now + Duration::hours(RESET_LIFETIME_HOURS)),
    };
    let token = auth::new_token();
    let link = format!(
        "{}/reset-password/{token}",
        state.settings.base_url.trim_end_matches('/')
    );
    let mail = notifications::password_link(
        state,
        kind,
        &(user.name.clone(), user.email.clone()),
        &link,
        expires,
    )
    .await?;
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        &format!("user.password_link_sent.{purpose}"),
        caller.origin.clone(),
    )
    .object("user", &user.id)
    .after(json!({ "expires": expires }));
    state
        .store
        .issue_password_link(
            &auth::token_key(&token),
            &user.id,
            purpose,
            now,
            expires,
            &mail,
            &record,
        )
        .await
        .map_err(internal)
}

/// Emails a reset link when the address belongs to an active account; answers the same either way.
pub async fn request_reset(state: &AppState, caller: &Caller, email: &str) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    let now = state.clock.now();
    state
        .limits
        .take(Limited::PasswordReset, caller.ip(), RESETS_PER_ADDRESS, now)?;
    let Some(user) = state
        .store
        .users_by_email(&[email.as_str().to_string()])
        .await
        .map_err(internal)?
        .into_iter()
        .find(|u| u.active)
    else {
        return Ok(());
    };
    let recent = state
        .store
        .password_links_since(&user.id, now - Duration::hours(1))
        .await
        .map_err(internal)?;
    if recent >= RESETS_PER_HOUR {
        return Ok(());
    }
    issue(state, caller, &user, TemplateKind::PasswordReset).await
}

/// Emails a new agent the link to choose their password.
pub async fn invite(state: &AppState, caller: &Caller, user: &UserSummary) -> Result<(), AppError> {
    issue(state, caller, user, TemplateKind::AgentInvite).await
}

fn dead_link() -> AppError {
    AppError::conflict(
        "This link is used, expired or unknown. Ask for a new one on the sign-in page.",
    )
}

/// Whose password a link sets (for the page); a dead link says so.
pub async fn link(state: &AppState, token: &str) -> Result<PasswordLinkView, AppError> {
    let link = state
        .store
        .password_link(&auth::token_key(token.trim()), state.clock.now())
        .await
        .map_err(internal)?
        .ok_or_else(dead_link)?;
    Ok(PasswordLinkView {
        email: link.email,
        name: link.name,
        invitation: link.purpose == "invite",
    })
}

/// Sets the password through a live link, uses the link up and ends the account's sessions.
pub async fn set_password(
    state: &AppState,
    caller: &Caller,
    token: &str,
    password: &str,
) -> Result<(), AppError> {
    let key = auth::token_key(token.trim());
    let now = state.clock.now();
    let link = state
        .store
        .password_link(&key, now)
        .await
        .map_err(internal)?
        .ok_or_else(dead_link)?;
    let password = NewPassword::parse(password, &link.email)
        .map_err(|e| AppError::invalid("password", e.to_string()))?;
    let hash = auth::hash_password(&password)
        .await
        .map_err(|e| internal(StoreError::Corrupt(format!("hashing: {e}"))))?;
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.password_set_by_link",
        caller.origin.clone(),
    )
    .object("user", &link.user_id)
    .after(json!({ "purpose": link.purpose }));
    state
        .store
        .use_password_link(&key, &hash, now, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::UnknownRecord) => dead_link(),
            other => internal(other),
        })
}
