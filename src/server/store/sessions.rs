//! Sign-in sessions and failed sign-in attempts. Sessions are keyed by the SHA-256 of their token,
//! so the database never holds a usable cookie.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::users::{USER_FIELDS, UserRow};
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::user::{Email, UserSummary};

/// A live session and its user.
pub struct SessionRow {
    pub user: UserSummary,
    pub expires_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct SessionUserRow {
    expires_at: DateTime<Utc>,
    user: UserRow,
}

/// A new session replacing `previous` (rotation), keyed by `$key`.
pub struct NewSession<'a> {
    pub key: &'a str,
    pub previous: Option<&'a str>,
    pub user_id: &'a str,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
}

impl Store {
    /// Starts a session, drops the one it replaces and forgets the account's failed attempts.
    pub async fn start_session(
        &self,
        session: &NewSession<'_>,
        email: &Email,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = "
            IF $previous != NONE { DELETE type::record('session', $previous) };
            CREATE type::record('session', $key) CONTENT { user: type::record('user', $user), created_at: $at,
                expires_at: $expires, ip: $ip, user_agent: $ua } RETURN NONE;
            DELETE login_failure WHERE email = $email;";
        let binds = Binds::default()
            .with("previous", session.previous.map(str::to_string))
            .with("key", session.key.to_string())
            .with("user", session.user_id.to_string())
            .with("at", session.at)
            .with("expires", session.expires_at)
            .with("ip", session.ip.to_string())
            .with("ua", session.user_agent.map(str::to_string))
            .with("email", email.as_str().to_string());
        self.audited_write(sql, binds, record).await
    }

    /// The session's user when the session exists, has not expired and the account is active.
    pub async fn session(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRow>, StoreError> {
        let row: Option<SessionUserRow> = self
            .db
            .query(format!(
                "SELECT expires_at, (SELECT {USER_FIELDS} FROM ONLY $parent.user) AS user
                 FROM ONLY type::record('session', $key) WHERE expires_at > $now AND user.active = true"
            ))
            .bind(("key", key.to_string()))
            .bind(("now", now))
            .await?
            .take(0)?;
        row.map(|r| {
            Ok(SessionRow {
                user: r.user.into_summary()?,
                expires_at: r.expires_at,
            })
        })
        .transpose()
    }

    pub async fn end_session(&self, key: &str, record: &AuditRecord) -> Result<(), StoreError> {
        let binds = Binds::default().with("key", key.to_string());
        self.audited_write("DELETE type::record('session', $key);", binds, record)
            .await
    }

    /// Records a failed sign-in and its audit event together.
    pub async fn record_sign_in_failure(
        &self,
        email: &str,
        ip: &str,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("email", email.to_string())
            .with("ip", ip.to_string())
            .with("at", at);
        self.audited_write(
            "CREATE login_failure CONTENT { email: $email, ip: $ip, at: $at } RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// Times of failed sign-ins since `since`, for the account and for the address.
    pub async fn sign_in_failures(
        &self,
        email: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<(Vec<DateTime<Utc>>, Vec<DateTime<Utc>>), StoreError> {
        let mut response = self
            .db
            .query(
                "SELECT VALUE at FROM login_failure WHERE email = $email AND at > $since;
                    SELECT VALUE at FROM login_failure WHERE ip = $ip AND at > $since;",
            )
            .bind(("email", email.to_string()))
            .bind(("ip", ip.to_string()))
            .bind(("since", since))
            .await?;
        Ok((response.take(0)?, response.take(1)?))
    }
}
