//! Sign-in sessions and failed sign-in attempts. Sessions are keyed by the SHA-256 of their token,
//! so the database never holds a usable cookie.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::users::{USER_FIELDS, UserRow};
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::session::SessionUse;
use crate::domain::user::{Email, UserSummary};

/// A live session and its user.
pub struct SessionRow {
    pub user: UserSummary,
    pub expires_at: DateTime<Utc>,
    pub used: SessionUse,
}

#[derive(SurrealValue)]
struct SessionUserRow {
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    last_seen_at: Option<DateTime<Utc>>,
    user: UserRow,
}

/// One of an account's sessions, as its owner sees it.
#[derive(Clone, Debug, SurrealValue)]
pub struct SessionListRow {
    /// The session's key (the hash of its token: it cannot be used as a cookie).
    pub key: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
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
                "SELECT expires_at, created_at, last_seen_at, (SELECT {USER_FIELDS} FROM ONLY $parent.user) AS user
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
                used: SessionUse {
                    created_at: r.created_at,
                    last_seen_at: r.last_seen_at,
                },
            })
        })
        .transpose()
    }

    pub async fn end_session(&self, key: &str, record: &AuditRecord) -> Result<(), StoreError> {
        let binds = Binds::default().with("key", key.to_string());
        self.audited_write("DELETE type::record('session', $key);", binds, record)
            .await
    }

    /// Writes down a session's last use (not audited: it is bookkeeping, at most once a minute).
    pub async fn touch_session(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.db
            .query("UPDATE type::record('session', $key) SET last_seen_at = $at RETURN NONE")
            .bind(("key", key.to_string()))
            .bind(("at", at))
            .await?
            .check()?;
        Ok(())
    }

    /// The account's sessions that have not expired, the most recently used first.
    pub async fn sessions_of(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<SessionListRow>, StoreError> {
        let mut rows: Vec<SessionListRow> = self
            .db
            .query(
                "SELECT record::id(id) AS key, created_at, last_seen_at, expires_at, ip, user_agent
                 FROM session WHERE user = type::record('user', $user) AND expires_at > $now",
            )
            .bind(("user", user_id.to_string()))
            .bind(("now", now))
            .await?
            .take(0)?;
        rows.sort_by_key(|r| std::cmp::Reverse(r.last_seen_at.unwrap_or(r.created_at)));
        Ok(rows)
    }

    /// Ends sessions of the account: the ones in `keys`, or all but `keep` when `keys` is none.
    /// Refuses with `UnknownRecord` when a named session is not the account's.
    pub async fn end_sessions_of(
        &self,
        user_id: &str,
        keys: Option<&[String]>,
        keep: Option<&str>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = "
            LET $user = type::record('user', $user_id);
            IF $keys != NONE AND array::len(SELECT VALUE id FROM $keys.map(|$k| type::record('session', $k)) WHERE user = $user) != array::len($keys) {
                THROW 'docket:unknown_record'
            };
            IF $keys != NONE {
                DELETE $keys.map(|$k| type::record('session', $k)) RETURN NONE
            } ELSE {
                DELETE session WHERE user = $user AND record::id(id) != $keep RETURN NONE
            };";
        let binds = Binds::default()
            .with("user_id", user_id.to_string())
            .with("keys", keys.map(<[String]>::to_vec))
            .with("keep", keep.map(str::to_string));
        self.audited_write(sql, binds, record).await
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
