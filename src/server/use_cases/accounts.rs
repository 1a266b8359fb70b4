//! Signing up, in and out.

use serde_json::json;

use crate::domain::audit::{AuditActor, AuditRecord};
use crate::domain::password::NewPassword;
use crate::domain::permission::{Actor, SignedInUser};
use crate::domain::throttle::{ThrottlePolicy, ThrottleVerdict};
use crate::domain::user::{DisplayName, Email, Role, UserSummary};
use crate::error::{AppError, FieldError};
use crate::server::auth;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{NewSession, NewUser, Refusal, StoreError};
use crate::server::use_cases::general_settings;
use crate::server::use_cases::second_factor::{self, PasswordAccepted};
use crate::server_fns::accounts::SessionInfo;

/// A started session: the token goes into the cookie and nowhere else.
pub struct SignedIn {
    pub user: SignedInUser,
    pub token: String,
    /// How long the session lasts (the cookie's lifetime).
    pub lifetime: chrono::Duration,
}

/// Checks a new account's fields together, so the form shows every problem at once.
pub fn validate_new_account(
    email: &str,
    name: &str,
    password: &str,
) -> Result<(Email, DisplayName, NewPassword), AppError> {
    let email = Email::parse(email).map_err(|e| FieldError::new("email", e.to_string()));
    let name = DisplayName::parse(name).map_err(|e| FieldError::new("name", e.to_string()));
    let password = NewPassword::parse(
        password,
        email.as_ref().map(Email::as_str).unwrap_or_default(),
    )
    .map_err(|e| FieldError::new("password", e.to_string()));
    match (email, name, password) {
        (Ok(email), Ok(name), Ok(password)) => Ok((email, name, password)),
        (email, name, password) => Err(AppError::Invalid {
            fields: [email.err(), name.err(), password.err()]
                .into_iter()
                .flatten()
                .collect(),
        }),
    }
}

/// Stores a new account, with the hash of its password or, without one, [`auth::NO_PASSWORD`]
/// until its owner sets one; a taken email is reported on the email field.
pub async fn create_account(
    state: &AppState,
    (email, name, password): (Email, DisplayName, Option<NewPassword>),
    role: Role,
    record: AuditRecord,
) -> Result<UserSummary, AppError> {
    let password_hash = match password {
        Some(password) => auth::hash_password(&password)
            .await
            .map_err(|e| internal(StoreError::Corrupt(e.to_string())))?,
        None => auth::NO_PASSWORD.to_string(),
    };
    let new_user = NewUser {
        email,
        name: name.as_str().to_string(),
        role,
        password_hash,
        at: record.at,
    };
    let record = record.after(
        json!({ "email": new_user.email.as_str(), "name": new_user.name, "role": role.as_str() }),
    );
    state
        .store
        .create_user(&new_user, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::EmailTaken) => {
                AppError::invalid("email", "An account with this email already exists.")
            }
            other => internal(other),
        })
}

pub async fn sign_up(
    state: &AppState,
    caller: &Caller,
    email: &str,
    name: &str,
    password: &str,
) -> Result<SignedIn, AppError> {
    if !general_settings::current(state)
        .await?
        .registration
        .allows_sign_up()
    {
        return Err(AppError::conflict(
            "This help desk does not accept new accounts. Ask the help desk for one.",
        ));
    }
    let (email, name, password) = validate_new_account(email, name, password)?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        AuditActor::anonymous(),
        "user.signed_up",
        caller.origin.clone(),
    );
    let user = create_account(state, (email, name, Some(password)), Role::Customer, record).await?;
    open_session(state, caller, user).await
}

/// Checks the password; what follows (signed in, or the second factor) is
/// [`second_factor::after_password`]'s.
pub async fn sign_in(
    state: &AppState,
    caller: &Caller,
    email: &str,
    password: &str,
) -> Result<PasswordAccepted, AppError> {
    let email = Email::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    refuse_if_throttled(state, caller, email.as_str()).await?;
    let now = state.clock.now();
    let credentials = state.store.credentials(&email).await.map_err(internal)?;
    let (user, hash) = match credentials {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    let password_ok = auth::verify_password(hash, password.to_string()).await;
    match user {
        Some(user) if password_ok && user.active => {
            second_factor::after_password(state, caller, user).await
        }
        user => {
            let reason = match &user {
                None => "unknown_account",
                Some(u) if !u.active => "inactive_account",
                Some(_) => "wrong_password",
            };
            let mut record = AuditRecord::new(
                now,
                AuditActor::anonymous(),
                "user.sign_in_failed",
                caller.origin.clone(),
            )
            .after(json!({ "email": email.as_str(), "reason": reason }));
            if let Some(user) = &user {
                record = record.object("user", &user.id);
            }
            state
                .store
                .record_sign_in_failure(email.as_str(), caller.ip(), now, &record)
                .await
                .map_err(internal)?;
            Err(AppError::BadCredentials)
        }
    }
}

/// Refuses a sign-in attempt (a password or a second factor) while the account or the caller's
/// address has failed too often lately; the refusal is audited.
pub(super) async fn refuse_if_throttled(
    state: &AppState,
    caller: &Caller,
    email: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let policy = ThrottlePolicy::default();
    let (by_account, by_ip) = state
        .store
        .sign_in_failures(email, caller.ip(), policy.window_start(now))
        .await
        .map_err(internal)?;
    let verdicts = [policy.check(&by_account, now), policy.check(&by_ip, now)];
    let Some(until) = verdicts
        .iter()
        .filter_map(|v| match v {
            ThrottleVerdict::Locked { until } => Some(*until),
            ThrottleVerdict::Allowed => None,
        })
        .max()
    else {
        return Ok(());
    };
    let record = AuditRecord::new(
        now,
        AuditActor::anonymous(),
        "user.sign_in_throttled",
        caller.origin.clone(),
    )
    .after(json!({ "email": email, "until": until.to_rfc3339() }));
    state.store.append_audit(&record).await.map_err(internal)?;
    let retry_after_secs = u64::try_from((until - now).num_seconds())
        .unwrap_or(0)
        .max(1);
    Err(AppError::Throttled { retry_after_secs })
}

/// Starts a fresh session for `user` (just created or just authenticated), replacing the one the caller presented (rotation).
pub(super) async fn open_session(
    state: &AppState,
    caller: &Caller,
    user: UserSummary,
) -> Result<SignedIn, AppError> {
    let now = state.clock.now();
    let lifetime =
        chrono::Duration::minutes(general_settings::current(state).await?.session_minutes);
    let token = auth::new_token();
    let key = auth::token_key(&token);
    let previous = caller.session_token.as_deref().map(auth::token_key);
    let email =
        Email::parse(&user.email).map_err(|e| internal(StoreError::Corrupt(e.to_string())))?;
    let record = AuditRecord::new(
        now,
        AuditActor::user(&user.id, &user.email),
        "user.signed_in",
        caller.origin.clone(),
    )
    .object("user", &user.id);
    let session = NewSession {
        key: &key,
        previous: previous.as_deref(),
        user_id: &user.id,
        at: now,
        expires_at: now + lifetime,
        ip: caller.ip(),
        user_agent: caller.origin.user_agent.as_deref(),
    };
    state
        .store
        .start_session(&session, &email, &record)
        .await
        .map_err(internal)?;
    Ok(SignedIn {
        user: SignedInUser::from(user),
        token,
        lifetime,
    })
}

/// Ends the caller's session, if it has a live one. Signing out twice is not an error.
pub async fn sign_out(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    let (Some(token), Actor::User(user)) = (&caller.session_token, &caller.actor) else {
        return Ok(());
    };
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "user.signed_out",
        caller.origin.clone(),
    )
    .object("user", &user.id);
    state
        .store
        .end_session(&auth::token_key(token), &record)
        .await
        .map_err(internal)
}

/// Who the caller is and what the portal offers them; public.
pub async fn current_session(state: &AppState, caller: &Caller) -> Result<SessionInfo, AppError> {
    let general = general_settings::current(state).await?;
    Ok(SessionInfo {
        user: caller.actor.user().cloned(),
        registration_open: general.registration.allows_sign_up(),
        helpdesk_name: general.helpdesk_name,
        setup_pending: state.store.setup_pending().await.map_err(internal)?,
    })
}

/// The active agent or admin with this email (what an API key may act as).
pub(super) async fn staff_by_email(
    state: &AppState,
    address: &str,
) -> Result<Option<UserSummary>, AppError> {
    Ok(account_by_email(state, address)
        .await?
        .filter(|u| u.active && u.role != Role::Customer))
}

async fn account_by_email(
    state: &AppState,
    address: &str,
) -> Result<Option<UserSummary>, AppError> {
    Ok(state
        .store
        .users_by_email(&[address.to_string()])
        .await
        .map_err(internal)?
        .into_iter()
        .next())
}

/// The account of whoever writes from `address` (by mail or through the API), created as a
/// customer when there is none, as osTicket does. The new account has a password nobody knows:
/// its owner signs in by a reset link or follows tickets by guest link. A deactivated account is
/// refused.
pub async fn customer_for_address(
    state: &AppState,
    caller: &Caller,
    address: &str,
    name: Option<&str>,
) -> Result<UserSummary, AppError> {
    if let Some(user) = account_by_email(state, address).await? {
        if !user.active {
            return Err(AppError::conflict(
                "The sender's account is deactivated; the request was not accepted.",
            ));
        }
        return Ok(user);
    }
    let email = Email::parse(address).map_err(|e| AppError::invalid("email", e.to_string()))?;
    let local = address.split('@').next().unwrap_or_default();
    let name = [name.unwrap_or_default(), local, "Customer"]
        .into_iter()
        .find_map(|candidate| DisplayName::parse(candidate).ok())
        .expect("a plain name is a display name");
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "user.created_for_ticket",
        caller.origin.clone(),
    );
    match create_account(state, (email, name, None), Role::Customer, record).await {
        Ok(user) => Ok(user),
        // Created by a concurrent message from the same sender.
        Err(AppError::Invalid { .. }) => account_by_email(state, address)
            .await?
            .ok_or_else(|| internal(StoreError::Corrupt("new account vanished".into()))),
        Err(other) => Err(other),
    }
}
