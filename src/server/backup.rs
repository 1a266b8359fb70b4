//! `docket backup FILE` and `docket restore FILE`. A backup is a SurrealQL dump of the whole
//! database as of one moment. While a server holds the embedded datastore, the command asks that
//! server for it (see `operator`); otherwise it opens the database itself.

use std::path::{Path, PathBuf};

use futures::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use crate::server::config::Settings;
use crate::server::operator::{operator_file, read_operator_file};
use crate::server::store::Store;

/// Makes a backup in `file`; says how it was made.
pub async fn backup(settings: &Settings, file: &Path) -> Result<String, String> {
    if let Some(operator) = operator_file(settings)
        .as_deref()
        .and_then(read_operator_file)
    {
        match ask_server(&operator.url, &operator.token, file).await {
            Ok(bytes) => {
                return Ok(format!(
                    "Backup of the running server at {} written to {} ({bytes} bytes).",
                    operator.url,
                    file.display()
                ));
            }
            // The file outlived its server (a crash, a kill): the datastore is free to open.
            Err(Asked::Unreachable) => {}
            Err(Asked::Failed(message)) => return Err(message),
        }
    }
    let store = Store::connect(&settings.database)
        .await
        .map_err(|e| e.to_string())?;
    let chunks = store.export().await.map_err(|e| e.to_string())?;
    let bytes = write_dump(chunks, file).await?;
    Ok(format!(
        "Backup of {} written to {} ({bytes} bytes).",
        settings.database.url,
        file.display()
    ))
}

/// Restores the backup in `file` into the configured database, which must hold nothing yet.
pub async fn restore(settings: &Settings, file: &Path) -> Result<String, String> {
    if !file.is_file() {
        return Err(format!("no backup at {}", file.display()));
    }
    let store = Store::open(&settings.database)
        .await
        .map_err(|e| e.to_string())?;
    if !store.holds_nothing().await.map_err(|e| e.to_string())? {
        return Err(format!(
            "{} already holds a help desk: restore into an empty data directory \
             (a new DOCKET_DATABASE_URL), never over one",
            settings.database.url
        ));
    }
    store
        .import_dump(file)
        .await
        .map_err(|e| format!("the backup could not be restored: {e}"))?;
    Ok(format!(
        "Restored {} into {}. Check it with `docket audit verify`.",
        file.display(),
        settings.database.url
    ))
}

enum Asked {
    /// No server answers at the address: it is gone.
    Unreachable,
    Failed(String),
}

/// Has the running server at `url` stream its backup into `file`.
async fn ask_server(url: &str, token: &str, file: &Path) -> Result<u64, Asked> {
    let response = reqwest::Client::new()
        .post(format!("{url}/operator/backup"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| {
            if e.is_connect() {
                Asked::Unreachable
            } else {
                Asked::Failed(format!("the server at {url} did not answer: {e}"))
            }
        })?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(Asked::Failed(format!(
            "the server at {url} refused the backup ({status}): {body}"
        )));
    }
    write_dump(response.bytes_stream(), file)
        .await
        .map_err(Asked::Failed)
}

/// Writes `chunks` to `file` through a temporary file beside it, synced before it takes the
/// name: a backup file is whole or not there.
async fn write_dump<E: std::fmt::Display>(
    chunks: impl Stream<Item = Result<impl AsRef<[u8]>, E>>,
    file: &Path,
) -> Result<u64, String> {
    let partial = PathBuf::from(format!("{}.partial", file.display()));
    let failed = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", partial.display());
    let mut out = tokio::fs::File::create(&partial)
        .await
        .map_err(|e| failed(&e))?;
    let mut chunks = std::pin::pin!(chunks);
    let mut bytes = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("the backup stopped before its end: {e}")
        })?;
        out.write_all(chunk.as_ref())
            .await
            .map_err(|e| failed(&e))?;
        bytes += chunk.as_ref().len() as u64;
    }
    out.sync_all().await.map_err(|e| failed(&e))?;
    tokio::fs::rename(&partial, file)
        .await
        .map_err(|e| failed(&e))?;
    Ok(bytes)
}
