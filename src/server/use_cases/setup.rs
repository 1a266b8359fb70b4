//! First run: the one-time setup link, the first admin, and `docket admin create`.

use serde_json::json;

use super::accounts::{SignedIn, create_account, validate_new_account};
use crate::domain::audit::{AuditActor, AuditRecord, Origin};
use crate::domain::user::{Role, UserSummary};
use crate::error::AppError;
use crate::server::auth;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{NewUser, Refusal, StoreError};

/// When no admin exists, issues a new setup token (the previous one dies) and returns the link.
pub async fn setup_link(state: &AppState) -> Result<Option<String>, AppError> {
    if state.store.admin_exists().await.map_err(internal)? {
        return Ok(None);
    }
    let token = auth::new_token();
    let record = AuditRecord::new(
        state.clock.now(),
        AuditActor::system(),
        "setup.link_issued",
        Origin::default(),
    );
    state
        .store
        .issue_setup_token(&auth::token_key(&token), state.clock.now(), &record)
        .await
        .map_err(internal)?;
    Ok(Some(format!(
        "{}/setup?token={token}",
        state.settings.base_url
    )))
}

/// Creates the first admin from the setup link and signs them in.
pub async fn complete_setup(
    state: &AppState,
    caller: &Caller,
    token: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<SignedIn, AppError> {
    let (email, name, password) = validate_new_account(email, name, password)?;
    let now = state.clock.now();
    let password_hash = auth::hash_password(&password)
        .await
        .map_err(|e| internal(StoreError::Corrupt(e.to_string())))?;
    let admin = NewUser {
        email,
        name: name.as_str().to_string(),
        role: Role::Admin,
        password_hash,
        at: now,
    };
    let record = AuditRecord::new(
        now,
        AuditActor::anonymous(),
        "setup.completed",
        caller.origin.clone(),
    )
    .after(json!({ "email": admin.email.as_str(), "name": admin.name, "role": "admin" }));
    let user = state
        .store
        .complete_setup(&auth::token_key(token), &admin, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::SetupTokenInvalid) => AppError::conflict(
                "This setup link is not valid any more. Restart Docket to get a new one.",
            ),
            StoreError::Refused(Refusal::AdminExists) => {
                AppError::conflict("Setup is already complete. Sign in instead.")
            }
            StoreError::Refused(Refusal::EmailTaken) => {
                AppError::invalid("email", "An account with this email already exists.")
            }
            other => internal(other),
        })?;
    super::accounts::open_session(state, caller, user).await
}

/// `docket admin create`: an admin created by the operator at the console.
pub async fn create_admin_from_console(
    state: &AppState,
    email: &str,
    name: &str,
    password: &str,
) -> Result<UserSummary, AppError> {
    let (email, name, password) = validate_new_account(email, name, password)?;
    let actor = AuditActor {
        label: "console".into(),
        ..AuditActor::system()
    };
    let record = AuditRecord::new(state.clock.now(), actor, "user.created", Origin::default());
    create_account(state, (email, name, Some(password)), Role::Admin, record).await
}
