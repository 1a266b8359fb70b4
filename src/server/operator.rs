//! Operator commands a running server does for the console: only it may open the embedded
//! datastore it holds, so `docket backup` asks it. The request carries a token that the server
//! writes beside the datastore at start-up, readable by the operator's account alone.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::audit::{AuditActor, AuditRecord, Origin};
use crate::server::config::Settings;
use crate::server::problem::{from_error, problem};
use crate::server::request::internal;
use crate::server::state::AppState;

/// Where a running server says how to reach it, and with which token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OperatorFile {
    pub url: String,
    pub token: String,
}

/// The operator file of an embedded datastore (`<path>.operator`); none for a database server,
/// which the console may open beside running replicas.
pub fn operator_file(settings: &Settings) -> Option<PathBuf> {
    let path = settings.database.url.strip_prefix("surrealkv://")?;
    let path = path.split('?').next().unwrap_or(path);
    Some(PathBuf::from(format!("{path}.operator")))
}

/// Writes the operator file (mode 0600, replaced atomically) for the server at `url`.
pub fn write_operator_file(path: &Path, url: &str, token: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let partial = path.with_extension("operator.partial");
    let _ = std::fs::remove_file(&partial);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)?;
    let body = OperatorFile {
        url: url.to_string(),
        token: token.to_string(),
    };
    file.write_all(serde_json::to_string(&body)?.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

pub fn read_operator_file(path: &Path) -> Option<OperatorFile> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Whether `presented` is the server's token (compared as hashes, so the time taken says
/// nothing about how much of it matched).
fn token_matches(expected: &str, presented: Option<&str>) -> bool {
    let digest = |s: &str| Sha256::digest(s.as_bytes());
    presented.is_some_and(|p| digest(p) == digest(expected))
}

/// `POST /operator/backup`: streams a consistent dump of the database (SurrealQL, one read
/// transaction) to the operator's `docket backup`, after auditing it.
pub async fn backup(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !token_matches(&state.operator_token, presented) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Backups are made with `docket backup` on the server's machine.",
        );
    }
    let record = AuditRecord::new(
        state.clock.now(),
        AuditActor::system(),
        "database.backed_up",
        Origin {
            ip: Some(peer.ip().to_string()),
            user_agent: Some("docket backup".into()),
        },
    );
    if let Err(error) = state.store.append_audit(&record).await {
        return from_error(internal(error));
    }
    match state.store.export().await {
        Ok(chunks) => (
            [(header::CONTENT_TYPE, "application/sql")],
            Body::from_stream(chunks.map(|chunk| chunk.map_err(std::io::Error::other))),
        )
            .into_response(),
        Err(error) => from_error(internal(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        assert!(token_matches("abc", Some("abc")));
        assert!(!token_matches("abc", Some("abd")));
        assert!(!token_matches("abc", Some("")));
        assert!(!token_matches("abc", None));
    }

    #[test]
    fn the_file_is_written_for_the_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docket.db.operator");
        write_operator_file(&path, "http://127.0.0.1:3000", "t0ken").unwrap();
        write_operator_file(&path, "http://127.0.0.1:3001", "t1ken").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let read = read_operator_file(&path).unwrap();
        assert_eq!(
            (read.url.as_str(), read.token.as_str()),
            ("http://127.0.0.1:3001", "t1ken")
        );
    }
}
