//! Uploading files to send with a message, and downloading them, for those who may see the ticket.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::attachment::{AttachmentRef, is_allowed, safe_filename};
use crate::domain::audit::AuditRecord;
use crate::domain::permission::{Action, Resource, authorize};
use crate::error::{AppError, FieldError};
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{AttachmentMeta, NewAttachment};
use crate::server::use_cases::general_settings;

/// One file as it arrived.
pub struct Upload {
    pub name: String,
    pub data: Vec<u8>,
}

/// A file to send back.
pub struct Download {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The content type the bytes say they are; plain text when they are UTF-8 without NULs.
fn sniff(data: &[u8]) -> Option<String> {
    match infer::get(data) {
        Some(kind) => Some(kind.mime_type().to_string()),
        None if !data.contains(&0) && std::str::from_utf8(data).is_ok() => {
            Some("text/plain".to_string())
        }
        None => None,
    }
}

/// Checks every file against the limits, then stores them as pending uploads of the caller.
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    files: Vec<Upload>,
) -> Result<Vec<AttachmentRef>, AppError> {
    authorize(&caller.actor, Action::UsePortal, &Resource::System)?;
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let general = general_settings::current(state).await?;
    let max_bytes = u64::try_from(general.max_upload_mb).unwrap_or(1) * 1024 * 1024;
    if files.is_empty() {
        return Err(AppError::invalid("files", "Choose a file to upload."));
    }
    if i64::try_from(files.len()).unwrap_or(i64::MAX) > general.max_files {
        return Err(AppError::invalid(
            "files",
            format!("Send at most {} files at once.", general.max_files),
        ));
    }
    let mut problems = Vec::new();
    let mut accepted = Vec::new();
    for file in &files {
        let name = safe_filename(&file.name);
        let content_type = sniff(&file.data);
        if file.data.is_empty() {
            problems.push(FieldError::new("files", format!("{name} is empty.")));
        } else if file.data.len() as u64 > max_bytes {
            problems.push(FieldError::new(
                "files",
                format!("{name} is larger than {} MB.", general.max_upload_mb),
            ));
        } else if !general.allows_file(&name) {
            problems.push(FieldError::new(
                "files",
                format!(
                    "{name}: this help desk accepts only {} files.",
                    general.extensions().join(", ")
                ),
            ));
        } else {
            match content_type {
                Some(ct) if is_allowed(&ct) => accepted.push((name, ct, file)),
                _ => problems.push(FieldError::new(
                    "files",
                    format!("{name} is not a type of file we accept."),
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid { fields: problems });
    }
    let now = state.clock.now();
    let mut refs = Vec::with_capacity(accepted.len());
    for (name, content_type, file) in accepted {
        let sha256 = hex::encode(Sha256::digest(&file.data));
        let record = AuditRecord::new(now, caller.audit_actor(), "attachment.uploaded", caller.origin.clone())
            .after(json!({ "name": name, "size": file.data.len(), "content_type": content_type, "sha256": sha256 }));
        let upload = NewAttachment {
            uploader_id: &user.id,
            name: &name,
            content_type: &content_type,
            sha256: &sha256,
            data: &file.data,
            at: now,
        };
        let id = state
            .store
            .save_upload(&upload, &record)
            .await
            .map_err(internal)?;
        refs.push(AttachmentRef {
            id,
            name,
            size: file.data.len() as u64,
            content_type,
        });
    }
    Ok(refs)
}

/// The file, for its uploader or whoever may see its ticket; "not found" for everyone else.
pub async fn download(state: &AppState, caller: &Caller, id: &str) -> Result<Download, AppError> {
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let meta = attachment(state, id).await?;
    // Files on internal notes need the right to work the ticket, not just to read it.
    let action = if meta.staff_only {
        Action::WorkTicket
    } else {
        Action::ReadTicket
    };
    let allowed = meta.uploader_id == user.id
        || match &meta.ticket_number {
            Some(number) => match state.store.ticket(number).await.map_err(internal)? {
                Some(ticket) => {
                    authorize(&caller.actor, action, &Resource::Ticket(ticket.access())).is_ok()
                }
                None => false,
            },
            None => false,
        };
    if !allowed {
        return Err(AppError::NotFound);
    }
    send(state, caller, id, meta).await
}

/// The file, for the holder of a guest link to its ticket.
pub async fn guest_download(
    state: &AppState,
    caller: &Caller,
    token: &str,
    id: &str,
) -> Result<Download, AppError> {
    let number = super::guest_access::linked_number(state, token).await?;
    let meta = attachment(state, id).await?;
    if meta.staff_only || meta.ticket_number.as_deref() != Some(number.as_str()) {
        return Err(AppError::NotFound);
    }
    send(state, &caller.as_guest(&number), id, meta).await
}

async fn attachment(state: &AppState, id: &str) -> Result<AttachmentMeta, AppError> {
    if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .attachment(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// Reads the bytes and audits the download.
async fn send(
    state: &AppState,
    caller: &Caller,
    id: &str,
    meta: AttachmentMeta,
) -> Result<Download, AppError> {
    let data = state.store.attachment_data(id).await.map_err(internal)?;
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "attachment.downloaded",
        caller.origin.clone(),
    );
    // Filed under its ticket when it has one, so the ticket's History shows who downloaded what.
    let record = match &meta.ticket_number {
        Some(number) => record.object("ticket", number),
        None => record.object("attachment", id),
    }
    .after(json!({ "attachment": id, "name": meta.name, "size": meta.size }));
    state.store.append_audit(&record).await.map_err(internal)?;
    Ok(Download {
        name: meta.name,
        content_type: meta.content_type,
        data,
    })
}

/// Stores files that came with a mail or an API request (name, bytes) as pending uploads of
/// `uploader`, to be sent with the entry they belong to. Files this help desk does not accept
/// (type, size, count) are left out; the message is never refused for them.
pub(super) async fn store_received_files(
    state: &AppState,
    caller: &Caller,
    uploader: &str,
    files: &[(&str, &[u8])],
) -> Result<Vec<String>, AppError> {
    let general = general_settings::current(state).await?;
    let max_bytes = u64::try_from(general.max_upload_mb).unwrap_or(1) * 1024 * 1024;
    let max_files = usize::try_from(general.max_files).unwrap_or(0);
    let now = state.clock.now();
    let mut ids = Vec::new();
    for (name, bytes) in files {
        if ids.len() >= max_files {
            break;
        }
        let name = safe_filename(name);
        let Some(content_type) = sniff(bytes).filter(|ct| is_allowed(ct)) else {
            continue;
        };
        if bytes.is_empty() || bytes.len() as u64 > max_bytes || !general.allows_file(&name) {
            continue;
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        let record = AuditRecord::new(now, caller.audit_actor(), "attachment.received", caller.origin.clone())
            .after(json!({ "name": name, "size": bytes.len(), "content_type": content_type, "sha256": sha256 }));
        let upload = NewAttachment {
            uploader_id: uploader,
            name: &name,
            content_type: &content_type,
            sha256: &sha256,
            data: bytes,
            at: now,
        };
        ids.push(
            state
                .store
                .save_upload(&upload, &record)
                .await
                .map_err(internal)?,
        );
    }
    Ok(ids)
}
