//! Versioned schema migrations, applied in order at start-up; `schema_version:current` records progress.

use surrealdb::types::SurrealValue;

use super::{Store, StoreError};

/// Each entry runs once, in its own transaction together with the version bump. Never edit a
/// released migration: add a new one.
const MIGRATIONS: &[(i64, &str)] = &[(1, V1_ACCOUNTS_SESSIONS_AUDIT)];

const V1_ACCOUNTS_SESSIONS_AUDIT: &str = "
DEFINE TABLE user SCHEMAFULL;
DEFINE FIELD email ON user TYPE string
    ASSERT string::len($value) <= 254 AND $value == string::lowercase(string::trim($value)) AND $value CONTAINS '@';
DEFINE FIELD name ON user TYPE string ASSERT string::len(string::trim($value)) > 0 AND string::len($value) <= 100;
DEFINE FIELD role ON user TYPE string ASSERT $value IN ['customer', 'agent', 'admin'];
DEFINE FIELD active ON user TYPE bool;
DEFINE FIELD password_hash ON user TYPE string ASSERT string::starts_with($value, '$argon2id$');
DEFINE FIELD created_at ON user TYPE datetime READONLY;
DEFINE FIELD updated_at ON user TYPE datetime;
DEFINE INDEX user_email ON user FIELDS email UNIQUE;
DEFINE INDEX user_role ON user FIELDS role;

DEFINE TABLE session SCHEMAFULL;
DEFINE FIELD user ON session TYPE record<user> READONLY;
DEFINE FIELD created_at ON session TYPE datetime READONLY;
DEFINE FIELD expires_at ON session TYPE datetime;
DEFINE FIELD ip ON session TYPE option<string>;
DEFINE FIELD user_agent ON session TYPE option<string>;
DEFINE INDEX session_user ON session FIELDS user;

DEFINE TABLE login_failure SCHEMAFULL;
DEFINE FIELD email ON login_failure TYPE string;
DEFINE FIELD ip ON login_failure TYPE string;
DEFINE FIELD at ON login_failure TYPE datetime;
DEFINE INDEX login_failure_email ON login_failure FIELDS email, at;
DEFINE INDEX login_failure_ip ON login_failure FIELDS ip, at;

DEFINE TABLE setup_token SCHEMAFULL;
DEFINE FIELD token_hash ON setup_token TYPE string;
DEFINE FIELD created_at ON setup_token TYPE datetime;

DEFINE TABLE audit_event SCHEMAFULL;
DEFINE FIELD shard ON audit_event TYPE int READONLY ASSERT $value >= 0;
DEFINE FIELD seq ON audit_event TYPE int READONLY ASSERT $value >= 1;
DEFINE FIELD prev_hash ON audit_event TYPE string READONLY;
DEFINE FIELD hash ON audit_event TYPE string READONLY;
DEFINE FIELD at ON audit_event TYPE datetime READONLY;
DEFINE FIELD actor_kind ON audit_event TYPE string READONLY ASSERT $value IN ['anonymous', 'user', 'api_key', 'system'];
DEFINE FIELD actor_id ON audit_event TYPE option<string> READONLY;
DEFINE FIELD actor_label ON audit_event TYPE string READONLY;
DEFINE FIELD action ON audit_event TYPE string READONLY;
DEFINE FIELD object_kind ON audit_event TYPE string READONLY;
DEFINE FIELD object_id ON audit_event TYPE string READONLY;
DEFINE FIELD before ON audit_event TYPE option<string> READONLY;
DEFINE FIELD after ON audit_event TYPE option<string> READONLY;
DEFINE FIELD ip ON audit_event TYPE option<string> READONLY;
DEFINE FIELD user_agent ON audit_event TYPE option<string> READONLY;
DEFINE INDEX audit_shard_seq ON audit_event FIELDS shard, seq UNIQUE;
DEFINE INDEX audit_at ON audit_event FIELDS at;

DEFINE TABLE audit_head SCHEMAFULL;
DEFINE FIELD seq ON audit_head TYPE int;
DEFINE FIELD hash ON audit_head TYPE string;
";

#[derive(SurrealValue)]
struct VersionRow {
    version: i64,
}

/// The table that records progress exists before any migration runs.
const BOOTSTRAP: &str = "
DEFINE TABLE IF NOT EXISTS schema_version SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS version ON schema_version TYPE int ASSERT $value >= 1;
";

pub(super) async fn apply(store: &Store) -> Result<(), StoreError> {
    store.db.query(BOOTSTRAP).await?.check()?;
    for (version, sql) in MIGRATIONS {
        let current = current_version(store).await?;
        if current >= *version {
            continue;
        }
        // Two processes starting together race here; the loser's transaction fails and it
        // re-reads the version on its next start-up attempt through the retry below.
        let script = format!(
            "BEGIN TRANSACTION;
             IF (SELECT VALUE version FROM ONLY schema_version:current) ?? 0 >= $version {{ THROW 'docket:migrated' }};
             {sql}
             UPSERT schema_version:current CONTENT {{ version: $version }};
             COMMIT TRANSACTION;"
        );
        let mut response = store.db.query(script).bind(("version", *version)).await?;
        let errors = response.take_errors();
        if let Some((_, error)) = errors.into_iter().min_by_key(|(i, _)| *i) {
            // Another process applied it in the meantime: fine, as long as the version moved on.
            if current_version(store).await? < *version {
                return Err(error.into());
            }
        }
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

async fn current_version(store: &Store) -> Result<i64, StoreError> {
    let row: Option<VersionRow> = store
        .db
        .query("SELECT version FROM ONLY schema_version:current")
        .await?
        .take(0)?;
    Ok(row.map(|r| r.version).unwrap_or(0))
}
