//! Two-factor sign-in: each account's TOTP secret (sealed with the server's key), the last code
//! step used (a code works once), hashed recovery codes, and the short-lived challenges between
//! a correct password and the code.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::users::{USER_FIELDS, UserRow};
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::user::UserSummary;

/// An account's second factor: set up (`secret`), being set up (`pending`), or both.
#[derive(Clone, Debug, SurrealValue)]
pub struct SecondFactorRow {
    pub secret: Option<String>,
    pub pending: Option<String>,
    pub pending_until: Option<DateTime<Utc>>,
    pub last_step: i64,
    /// SHA-256 of each unused recovery code.
    pub recovery_codes: Vec<String>,
}

/// A sign-in waiting for its second factor.
pub struct ChallengeRow {
    pub user: UserSummary,
    /// The sealed secret being set up, when the account must enrol before it may sign in.
    pub enrol: Option<String>,
}

#[derive(SurrealValue)]
struct ChallengeUserRow {
    user: UserRow,
    enrol: Option<String>,
}

/// A second factor being switched on: the sealed secret, the step of the code that confirmed
/// it, and the hashes of its recovery codes.
pub struct EnabledSecondFactor<'a> {
    pub user_id: &'a str,
    pub secret: &'a str,
    pub step: i64,
    pub recovery_codes: &'a [String],
    pub at: DateTime<Utc>,
}

impl Store {
    pub async fn second_factor(
        &self,
        user_id: &str,
    ) -> Result<Option<SecondFactorRow>, StoreError> {
        Ok(self
            .db
            .query(
                "SELECT secret, pending, pending_until, last_step, recovery_codes
                 FROM ONLY type::record('second_factor', $user)",
            )
            .bind(("user", user_id.to_string()))
            .await?
            .take(0)?)
    }

    /// Keeps a secret being set up until `until` (not audited: nothing changes until the first
    /// code confirms it).
    pub async fn begin_second_factor(
        &self,
        user_id: &str,
        sealed: &str,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "UPSERT type::record('second_factor', $user)
                 SET pending = $sealed, pending_until = $until RETURN NONE",
            )
            .bind(("user", user_id.to_string()))
            .bind(("sealed", sealed.to_string()))
            .bind(("until", until))
            .await?
            .check()?;
        Ok(())
    }

    /// Switches the second factor on (replacing any earlier one) with fresh recovery codes.
    pub async fn enable_second_factor(
        &self,
        enabled: &EnabledSecondFactor<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("user", enabled.user_id.to_string())
            .with("secret", enabled.secret.to_string())
            .with("step", enabled.step)
            .with("codes", enabled.recovery_codes.to_vec())
            .with("at", enabled.at);
        self.audited_write(
            "LET $account = type::record('user', $user);
             IF $account.id = NONE { THROW 'docket:unknown_user' };
             UPSERT type::record('second_factor', $user) CONTENT { secret: $secret, pending: NONE,
                 pending_until: NONE, last_step: $step, recovery_codes: $codes, enabled_at: $at } RETURN NONE;
             UPDATE $account SET two_factor = true, updated_at = $at RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// Switches the second factor off; refuses with `UnknownRecord` when it is not on.
    pub async fn disable_second_factor(
        &self,
        user_id: &str,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("user", user_id.to_string())
            .with("at", at);
        self.audited_write(
            "LET $factor = type::record('second_factor', $user);
             IF $factor.secret = NONE { THROW 'docket:unknown_record' };
             DELETE $factor;
             UPDATE type::record('user', $user) SET two_factor = false, updated_at = $at RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// Records that the code of `step` was used; false when that step or a later one already was
    /// (a replayed code, or two sign-ins racing with one code).
    pub async fn use_code_step(&self, user_id: &str, step: i64) -> Result<bool, StoreError> {
        let updated: Vec<bool> = self
            .db
            .query(
                "UPDATE type::record('second_factor', $user) SET last_step = $step
                 WHERE secret != NONE AND last_step < $step RETURN VALUE true",
            )
            .bind(("user", user_id.to_string()))
            .bind(("step", step))
            .await?
            .take(0)?;
        Ok(!updated.is_empty())
    }

    /// Uses up one recovery code; refuses with `UnknownRecord` when it is not one of the
    /// account's unused codes.
    pub async fn use_recovery_code(
        &self,
        user_id: &str,
        code_key: &str,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("user", user_id.to_string())
            .with("code", code_key.to_string());
        self.audited_write(
            "LET $factor = type::record('second_factor', $user);
             IF $factor.secret = NONE OR $code NOTINSIDE $factor.recovery_codes { THROW 'docket:unknown_record' };
             UPDATE $factor SET recovery_codes -= $code RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// Replaces the recovery codes of an account whose second factor is on.
    pub async fn replace_recovery_codes(
        &self,
        user_id: &str,
        codes: &[String],
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("user", user_id.to_string())
            .with("codes", codes.to_vec());
        self.audited_write(
            "LET $factor = type::record('second_factor', $user);
             IF $factor.secret = NONE { THROW 'docket:unknown_record' };
             UPDATE $factor SET recovery_codes = $codes RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// Starts a sign-in challenge keyed by the hash of its token (the cookie holds the token),
    /// clearing out expired ones.
    pub async fn create_sign_in_challenge(
        &self,
        key: &str,
        user_id: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        enrol: Option<&str>,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "DELETE sign_in_challenge WHERE expires_at < $now;
                 CREATE type::record('sign_in_challenge', $key) CONTENT { user: type::record('user', $user),
                     expires_at: $expires, attempts: 0, enrol: $enrol } RETURN NONE;",
            )
            .bind(("key", key.to_string()))
            .bind(("user", user_id.to_string()))
            .bind(("expires", expires_at))
            .bind(("now", now))
            .bind(("enrol", enrol.map(str::to_string)))
            .await?
            .check()?;
        Ok(())
    }

    /// The live challenge's account (active) and what it is for.
    pub async fn sign_in_challenge(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ChallengeRow>, StoreError> {
        let row: Option<ChallengeUserRow> = self
            .db
            .query(format!(
                "SELECT enrol, (SELECT {USER_FIELDS} FROM ONLY $parent.user) AS user
                 FROM ONLY type::record('sign_in_challenge', $key) WHERE expires_at > $now AND user.active = true"
            ))
            .bind(("key", key.to_string()))
            .bind(("now", now))
            .await?
            .take(0)?;
        row.map(|r| {
            Ok(ChallengeRow {
                user: r.user.into_summary()?,
                enrol: r.enrol,
            })
        })
        .transpose()
    }

    /// Counts a wrong code against the challenge; after `max` the challenge is gone and the
    /// password has to be entered again.
    pub async fn fail_sign_in_challenge(&self, key: &str, max: i64) -> Result<(), StoreError> {
        self.db
            .query(
                "LET $challenge = type::record('sign_in_challenge', $key);
                 IF ($challenge.attempts ?? 0) + 1 >= $max { DELETE $challenge }
                 ELSE { UPDATE $challenge SET attempts += 1 RETURN NONE };",
            )
            .bind(("key", key.to_string()))
            .bind(("max", max))
            .await?
            .check()?;
        Ok(())
    }

    /// Uses the challenge up; false when it was already used (or never existed).
    pub async fn end_sign_in_challenge(&self, key: &str) -> Result<bool, StoreError> {
        let ended: Option<bool> = self
            .db
            .query(
                "LET $gone = (DELETE type::record('sign_in_challenge', $key) RETURN BEFORE);
                 RETURN array::len($gone) > 0;",
            )
            .bind(("key", key.to_string()))
            .await?
            .take(1)?;
        Ok(ended.unwrap_or(false))
    }
}
