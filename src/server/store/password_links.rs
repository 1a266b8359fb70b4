//! One-time links to choose a password (a reset by email, an agent's invitation), kept by the
//! hash of their token.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::mail::outgoing::OutgoingMail;

/// A live link: whose password it sets, and why.
#[derive(Clone, Debug)]
pub struct PasswordLink {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub purpose: String,
}

#[derive(SurrealValue)]
struct LinkRow {
    user_id: String,
    email: String,
    name: String,
    purpose: String,
}

impl Store {
    /// Stores a link with the mail that carries it, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_password_link(
        &self,
        key: &str,
        user_id: &str,
        purpose: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        mail: &[OutgoingMail],
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("key", key.to_string())
            .with("user", user_id.to_string())
            .with("purpose", purpose.to_string())
            .with("at", at)
            .with("expires", expires_at)
            .with_mail(mail, at);
        self.audited_write(
            "CREATE type::record('password_link', $key) CONTENT { user: type::record('user', $user),
                purpose: $purpose, created_at: $at, expires_at: $expires, used_at: NONE } RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// How many links an account was sent since `since` (the rate limit on reset requests).
    pub async fn password_links_since(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "RETURN count(SELECT VALUE id FROM password_link
                    WHERE user = type::record('user', $user) AND created_at > $since)",
            )
            .bind(("user", user_id.to_string()))
            .bind(("since", since))
            .await?
            .take(0)?;
        Ok(usize::try_from(count.unwrap_or(0)).unwrap_or(0))
    }

    /// The link with this key if it is unused, unexpired and its account active.
    pub async fn password_link(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PasswordLink>, StoreError> {
        let rows: Vec<LinkRow> = self
            .db
            .query(
                "SELECT record::id(user) AS user_id, user.email AS email, user.name AS name, purpose
                 FROM type::record('password_link', $key)
                 WHERE used_at = NONE AND expires_at > $now AND user.active = true",
            )
            .bind(("key", key.to_string()))
            .bind(("now", now))
            .await?
            .take(0)?;
        Ok(rows.into_iter().next().map(|r| PasswordLink {
            user_id: r.user_id,
            email: r.email,
            name: r.name,
            purpose: r.purpose,
        }))
    }

    /// Sets the password through the link and uses the link up, ending the account's sessions;
    /// refuses a link that is used or expired by then.
    pub async fn use_password_link(
        &self,
        key: &str,
        password_hash: &str,
        now: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("key", key.to_string())
            .with("hash", password_hash.to_string())
            .with("now", now);
        self.audited_write(
            "LET $link = type::record('password_link', $key);
             IF $link.id = NONE OR $link.used_at != NONE OR $link.expires_at <= $now { THROW 'docket:unknown_record' };
             UPDATE $link SET used_at = $now RETURN NONE;
             UPDATE $link.user SET password_hash = $hash, updated_at = $now RETURN NONE;
             DELETE session WHERE user = $link.user;",
            binds,
            record,
        )
        .await
    }
}
