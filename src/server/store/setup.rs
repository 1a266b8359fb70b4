//! The first-run setup token: one at a time, stored hashed, consumed with the first admin.

use chrono::{DateTime, Utc};

use super::users::{NewUser, UserRow, create_user_sql, new_key};
use super::{Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::user::UserSummary;

impl Store {
    /// Replaces any earlier setup token with this one (keyed by its SHA-256).
    pub async fn issue_setup_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = super::Binds::default()
            .with("hash", token_hash.to_string())
            .with("at", at);
        self.audited_write("UPSERT setup_token:current CONTENT { token_hash: $hash, created_at: $at } RETURN NONE;",
            binds, record).await
    }

    /// Creates the first admin if the token matches and no admin exists yet; the token dies.
    pub async fn complete_setup(
        &self,
        token_hash: &str,
        admin: &NewUser,
        record: &AuditRecord,
    ) -> Result<UserSummary, StoreError> {
        let create_user = create_user_sql();
        let sql = format!(
            "IF (SELECT VALUE token_hash FROM ONLY setup_token:current) != $setup_token {{ THROW 'docket:setup_token_invalid' }};
             IF array::len(SELECT VALUE id FROM user WHERE role = 'admin' LIMIT 1) > 0 {{ THROW 'docket:admin_exists' }};
             {create_user}
             DELETE setup_token:current;"
        );
        let id = new_key();
        let record = record.clone().object("user", &id);
        let binds = admin.binds(&id).with("setup_token", token_hash.to_string());
        let row: Option<UserRow> = self.audited(&sql, binds, &record, 3).await?;
        row.ok_or_else(|| StoreError::Corrupt("created admin not returned".into()))?
            .into_summary()
    }

    /// Whether a setup token is outstanding.
    pub async fn setup_pending(&self) -> Result<bool, StoreError> {
        let hash: Option<String> = self
            .db
            .query("SELECT VALUE token_hash FROM ONLY setup_token:current")
            .await?
            .take(0)?;
        Ok(hash.is_some())
    }
}
