//! Two-factor sign-in. After a correct password an account with a second factor gets a
//! challenge (a short-lived cookie) and answers it with a code from its authenticator app or a
//! recovery code; an account whose role must use one and has none sets it up right there. On
//! their own account people set it up, renew recovery codes and turn it off; an admin resets it
//! for someone who lost their phone. Every change is audited.

use chrono::Duration;
use serde_json::json;

use crate::domain::audit::{AuditActor, AuditRecord};
use crate::domain::permission::{Action, Actor, Resource, SignedInUser, authorize};
use crate::domain::second_factor::{
    MAX_ATTEMPTS, RECOVERY_CODE_BYTES, RECOVERY_CODES, SECRET_BYTES, TotpSecret, TypedCode,
    recovery_code, recovery_code_key,
};
use crate::domain::user::UserSummary;
use crate::error::AppError;
use crate::server::auth;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{EnabledSecondFactor, Refusal, SecondFactorRow, StoreError};
use crate::server::use_cases::accounts::{self, SignedIn};
use crate::server::use_cases::general_settings;
use crate::server_fns::second_factor::{TwoFactorSetup, TwoFactorStatus};

/// How long the code step of a sign-in may take.
const CHALLENGE_LIFETIME: Duration = Duration::minutes(5);
/// How long a started setup waits for its first code.
const SETUP_LIFETIME: Duration = Duration::minutes(15);

const WRONG_CODE: &str = "That code is not right. Enter the current code from your authenticator app, or an unused recovery code.";

/// What a correct password leads to.
pub enum PasswordAccepted {
    /// No second factor: signed in.
    SignedIn(SignedIn),
    /// The account's code is asked for; the challenge token goes into a cookie.
    Code { challenge: String },
    /// The account's role must use a second factor and it has none: set one up first.
    Enrol {
        challenge: String,
        setup: TwoFactorSetup,
    },
}

/// Decides the step after a correct password for an active account.
pub async fn after_password(
    state: &AppState,
    caller: &Caller,
    user: UserSummary,
) -> Result<PasswordAccepted, AppError> {
    let general = general_settings::current(state).await?;
    let must_enrol = general.two_factor.must_enrol(user.role, user.two_factor);
    if !user.two_factor && !must_enrol {
        return accounts::open_session(state, caller, user)
            .await
            .map(PasswordAccepted::SignedIn);
    }
    let now = state.clock.now();
    let challenge = auth::new_token();
    let enrol = must_enrol.then(new_secret);
    let sealed = enrol.as_ref().map(|s| state.secret.seal(&s.base32()));
    state
        .store
        .create_sign_in_challenge(
            &auth::token_key(&challenge),
            &user.id,
            now,
            now + CHALLENGE_LIFETIME,
            sealed.as_deref(),
        )
        .await
        .map_err(internal)?;
    Ok(match enrol {
        Some(secret) => PasswordAccepted::Enrol {
            challenge,
            setup: setup_for(&general.helpdesk_name, &user.email, &secret)?,
        },
        None => PasswordAccepted::Code { challenge },
    })
}

/// The code step: checks the code against the account's second factor (or, for an account
/// setting one up, against the new secret, which it then switches on) and signs in. Wrong codes
/// count as failed sign-ins (the same throttle as passwords) and against the challenge.
pub async fn complete_sign_in(
    state: &AppState,
    caller: &Caller,
    challenge: Option<&str>,
    code: &str,
) -> Result<(SignedIn, Vec<String>), AppError> {
    let expired =
        || AppError::conflict("This sign-in has expired. Enter your email and password again.");
    let key = auth::token_key(challenge.ok_or_else(expired)?);
    let typed = TypedCode::parse(code).map_err(|e| AppError::invalid("code", e))?;
    let now = state.clock.now();
    let Some(pending) = state
        .store
        .sign_in_challenge(&key, now)
        .await
        .map_err(internal)?
    else {
        return Err(expired());
    };
    let user = pending.user;
    accounts::refuse_if_throttled(state, caller, &user.email).await?;
    let actor = AuditActor::user(&user.id, &user.email);
    // Some(None): the account's own code; Some(Some(..)): the first code of a new secret.
    let accepted = match &pending.enrol {
        Some(sealed) => {
            let secret = open(state, sealed)?;
            match &typed {
                TypedCode::Totp(digits) => secret
                    .verify(digits, now, 0)
                    .map(|step| Some((secret, step))),
                TypedCode::Recovery(_) => None,
            }
        }
        None => check_code(state, caller, actor.clone(), &user.id, &typed)
            .await?
            .then_some(None),
    };
    let Some(enrolled) = accepted else {
        let record = AuditRecord::new(
            now,
            AuditActor::anonymous(),
            "user.sign_in_failed",
            caller.origin.clone(),
        )
        .object("user", &user.id)
        .after(json!({ "email": user.email, "reason": "wrong_code" }));
        state
            .store
            .record_sign_in_failure(&user.email, caller.ip(), now, &record)
            .await
            .map_err(internal)?;
        state
            .store
            .fail_sign_in_challenge(&key, MAX_ATTEMPTS)
            .await
            .map_err(internal)?;
        return Err(AppError::invalid("code", WRONG_CODE));
    };
    if !state
        .store
        .end_sign_in_challenge(&key)
        .await
        .map_err(internal)?
    {
        return Err(expired());
    }
    let recovery_codes = match enrolled {
        Some((secret, step)) => {
            let record =
                AuditRecord::new(now, actor, "user.two_factor_enabled", caller.origin.clone())
                    .object("user", &user.id)
                    .after(json!({ "while": "signing in" }));
            enable(state, &user.id, &secret, step, &record).await?
        }
        None => Vec::new(),
    };
    let mut user = user;
    user.two_factor = true;
    let signed_in = accounts::open_session(state, caller, user).await?;
    Ok((signed_in, recovery_codes))
}

/// The caller's second factor.
pub async fn status(state: &AppState, caller: &Caller) -> Result<TwoFactorStatus, AppError> {
    let user = own_account(caller)?;
    let row = enabled_row(state, &user.id).await?;
    let general = general_settings::current(state).await?;
    Ok(TwoFactorStatus {
        enabled: row.is_some(),
        recovery_codes_left: row.map_or(0, |r| r.recovery_codes.len()),
        required: general.two_factor.requires(user.role),
    })
}

/// Starts setting up an authenticator app (again, replacing an unconfirmed start).
pub async fn begin(state: &AppState, caller: &Caller) -> Result<TwoFactorSetup, AppError> {
    let user = own_account(caller)?;
    let secret = new_secret();
    let now = state.clock.now();
    state
        .store
        .begin_second_factor(
            &user.id,
            &state.secret.seal(&secret.base32()),
            now + SETUP_LIFETIME,
        )
        .await
        .map_err(internal)?;
    let general = general_settings::current(state).await?;
    setup_for(&general.helpdesk_name, &user.email, &secret)
}

/// Confirms the setup with the app's first code and switches the second factor on.
pub async fn confirm(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let user = own_account(caller)?;
    let now = state.clock.now();
    let row = state
        .store
        .second_factor(&user.id)
        .await
        .map_err(internal)?;
    let Some(sealed) = row
        .filter(|r| r.pending_until.is_some_and(|until| until > now))
        .and_then(|r| r.pending)
    else {
        return Err(AppError::conflict(
            "Setting up took too long. Start again to get a new QR code.",
        ));
    };
    let secret = open(state, &sealed)?;
    let Ok(TypedCode::Totp(digits)) = TypedCode::parse(code) else {
        return Err(AppError::invalid(
            "code",
            "Enter the 6-digit code your app shows now.",
        ));
    };
    let Some(step) = secret.verify(&digits, now, 0) else {
        return Err(AppError::invalid(
            "code",
            "That code is not right. Check that your phone's clock is set automatically, and enter the code your app shows now.",
        ));
    };
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.two_factor_enabled",
        caller.origin.clone(),
    )
    .object("user", &user.id);
    enable(state, &user.id, &secret, step, &record).await
}

/// New recovery codes replace the old ones.
pub async fn renew_recovery_codes(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let user = own_account(caller)?;
    confirm_own_code(state, caller, &user.id, code).await?;
    let (plain, keys) = new_recovery_codes();
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "user.recovery_codes_renewed",
        caller.origin.clone(),
    )
    .object("user", &user.id);
    state
        .store
        .replace_recovery_codes(&user.id, &keys, &record)
        .await
        .map_err(not_enabled)?;
    Ok(plain)
}

/// Turns the caller's second factor off, unless their role must use one.
pub async fn disable(state: &AppState, caller: &Caller, code: &str) -> Result<(), AppError> {
    let user = own_account(caller)?;
    if general_settings::current(state)
        .await?
        .two_factor
        .requires(user.role)
    {
        return Err(AppError::conflict(
            "Your role must sign in with a second factor, so it stays on. To move it to a new phone, set it up again.",
        ));
    }
    confirm_own_code(state, caller, &user.id, code).await?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.two_factor_disabled",
        caller.origin.clone(),
    )
    .object("user", &user.id);
    state
        .store
        .disable_second_factor(&user.id, now, &record)
        .await
        .map_err(not_enabled)
}

/// An admin turns someone's second factor off; the account sets one up again (at its next
/// sign-in when its role must use one).
pub async fn reset(state: &AppState, caller: &Caller, user_id: &str) -> Result<(), AppError> {
    authorize(
        &caller.actor,
        Action::ChangeAccountStatus,
        &Resource::Account(user_id),
    )?;
    let account = state
        .store
        .user(user_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.two_factor_reset",
        caller.origin.clone(),
    )
    .object("user", &account.id)
    .after(json!({ "email": account.email }));
    state
        .store
        .disable_second_factor(&account.id, now, &record)
        .await
        .map_err(not_enabled)
}

/// Only a person signed in themselves (not an API key acting as them) manages their factor.
fn own_account(caller: &Caller) -> Result<&SignedInUser, AppError> {
    match &caller.actor {
        Actor::User(user) => Ok(user),
        Actor::Key(_) => Err(AppError::Forbidden),
        Actor::Anonymous | Actor::Guest { .. } => Err(AppError::Unauthenticated),
    }
}

async fn enabled_row(state: &AppState, user_id: &str) -> Result<Option<SecondFactorRow>, AppError> {
    Ok(state
        .store
        .second_factor(user_id)
        .await
        .map_err(internal)?
        .filter(|r| r.secret.is_some()))
}

/// Checks a code of the caller's own, on their account page (throttled like sign-ins).
async fn confirm_own_code(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    code: &str,
) -> Result<(), AppError> {
    let typed = TypedCode::parse(code).map_err(|e| AppError::invalid("code", e))?;
    if check_code(state, caller, caller.audit_actor(), user_id, &typed).await? {
        Ok(())
    } else {
        Err(AppError::invalid("code", WRONG_CODE))
    }
}

/// Whether the code is the account's current one (unused) or one of its unused recovery codes,
/// using it up. A used recovery code is audited.
async fn check_code(
    state: &AppState,
    caller: &Caller,
    actor: AuditActor,
    user_id: &str,
    typed: &TypedCode,
) -> Result<bool, AppError> {
    let Some(row) = enabled_row(state, user_id).await? else {
        return Err(AppError::conflict(
            "Two-factor sign-in is not on for this account.",
        ));
    };
    let now = state.clock.now();
    match typed {
        TypedCode::Totp(digits) => {
            let secret = open(state, row.secret.as_deref().unwrap_or_default())?;
            match secret.verify(digits, now, row.last_step) {
                Some(step) => state
                    .store
                    .use_code_step(user_id, step)
                    .await
                    .map_err(internal),
                None => Ok(false),
            }
        }
        TypedCode::Recovery(normalised) => {
            let record =
                AuditRecord::new(now, actor, "user.recovery_code_used", caller.origin.clone())
                    .object("user", user_id)
                    .after(json!({ "left": row.recovery_codes.len().saturating_sub(1) }));
            match state
                .store
                .use_recovery_code(user_id, &recovery_code_key(normalised), &record)
                .await
            {
                Ok(()) => Ok(true),
                Err(StoreError::Refused(Refusal::UnknownRecord)) => Ok(false),
                Err(other) => Err(internal(other)),
            }
        }
    }
}

/// Switches the second factor on with fresh recovery codes, which it answers (shown once).
async fn enable(
    state: &AppState,
    user_id: &str,
    secret: &TotpSecret,
    step: i64,
    record: &AuditRecord,
) -> Result<Vec<String>, AppError> {
    let (plain, keys) = new_recovery_codes();
    let sealed = state.secret.seal(&secret.base32());
    let enabled = EnabledSecondFactor {
        user_id,
        secret: &sealed,
        step,
        recovery_codes: &keys,
        at: record.at,
    };
    state
        .store
        .enable_second_factor(&enabled, record)
        .await
        .map_err(internal)?;
    Ok(plain)
}

fn new_secret() -> TotpSecret {
    TotpSecret::from_bytes(rand::random::<[u8; SECRET_BYTES]>())
}

/// Fresh recovery codes as shown, and the hashes that are stored.
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    (0..RECOVERY_CODES)
        .map(|_| {
            let code = recovery_code(rand::random::<[u8; RECOVERY_CODE_BYTES]>());
            let key = recovery_code_key(&code.replace('-', ""));
            (code, key)
        })
        .unzip()
}

fn open(state: &AppState, sealed: &str) -> Result<TotpSecret, AppError> {
    state
        .secret
        .open(sealed)
        .and_then(|text| TotpSecret::parse(&text))
        .ok_or_else(|| {
            internal(StoreError::Corrupt(
                "a two-factor secret does not open with this server's key".into(),
            ))
        })
}

fn setup_for(issuer: &str, email: &str, secret: &TotpSecret) -> Result<TwoFactorSetup, AppError> {
    use base64::Engine;
    let uri = secret.uri(issuer, email);
    let svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| internal(StoreError::Corrupt(format!("QR code: {e}"))))?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    Ok(TwoFactorSetup {
        secret: secret.base32(),
        qr_code: format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(svg)
        ),
        uri,
    })
}

fn not_enabled(error: StoreError) -> AppError {
    match error {
        StoreError::Refused(Refusal::UnknownRecord) => {
            AppError::conflict("Two-factor sign-in is not on for this account.")
        }
        other => internal(other),
    }
}
