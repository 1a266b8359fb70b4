//! A signed-in person's own sessions: where they are signed in, and signing out any of them
//! (a lost phone, a shared computer) or all but this one.

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::error::AppError;
use crate::server::auth;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, StoreError};
use crate::server_fns::sessions::MySession;

/// The caller's live sessions, the most recently used first, this one marked.
pub async fn mine(state: &AppState, caller: &Caller) -> Result<Vec<MySession>, AppError> {
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let current = caller.session_token.as_deref().map(auth::token_key);
    let rows = state
        .store
        .sessions_of(&user.id, state.clock.now())
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|row| MySession {
            current: current.as_deref() == Some(row.key.as_str()),
            last_used_at: row.last_seen_at.unwrap_or(row.created_at),
            key: row.key,
            started_at: row.created_at,
            expires_at: row.expires_at,
            ip: row.ip,
            user_agent: row.user_agent,
        })
        .collect())
}

/// Ends the caller's sessions in `keys`, or, with none, every one but the caller's own. A key
/// that is not one of the caller's sessions is "not found", and nothing ends.
pub async fn end(
    state: &AppState,
    caller: &Caller,
    keys: Option<Vec<String>>,
) -> Result<(), AppError> {
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    if keys.as_ref().is_some_and(|k| k.is_empty() || k.len() > 100) {
        return Err(AppError::invalid("keys", "Choose 1 to 100 sessions."));
    }
    let current = caller.session_token.as_deref().map(auth::token_key);
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "user.sessions_ended",
        caller.origin.clone(),
    )
    .object("user", &user.id)
    .after(json!({
        "sessions": keys.as_ref().map_or(json!("all others"), |k| json!(k.len())),
        "own": keys.as_ref().zip(current.as_ref()).is_some_and(|(k, c)| k.contains(c)),
    }));
    match state
        .store
        .end_sessions_of(&user.id, keys.as_deref(), current.as_deref(), &record)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Refused(Refusal::UnknownRecord)) => Err(AppError::NotFound),
        Err(error) => Err(internal(error)),
    }
}
