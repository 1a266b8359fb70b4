//! Uploaded files: stored in the database with their metadata, so they follow the tickets into
//! backups and onto a shared SurrealDB server.

use chrono::{DateTime, Utc};
use surrealdb::types::{Bytes, SurrealValue};

use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;

pub struct NewAttachment<'a> {
    pub uploader_id: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub at: DateTime<Utc>,
}

/// Who may see an attachment: its uploader, and (once sent) whoever may see its ticket.
#[derive(Debug)]
pub struct AttachmentMeta {
    pub uploader_id: String,
    pub ticket_number: Option<String>,
    /// Sent with an internal note: staff only.
    pub staff_only: bool,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(SurrealValue)]
struct MetaRow {
    uploader_id: String,
    ticket_number: Option<String>,
    staff_only: bool,
    name: String,
    content_type: String,
    size: i64,
}

impl Store {
    /// Stores an upload that waits for its message; returns its id.
    pub async fn save_upload(
        &self,
        upload: &NewAttachment<'_>,
        record: &AuditRecord,
    ) -> Result<String, StoreError> {
        let id = super::users::new_key();
        let record = record.clone().object("attachment", &id);
        let binds = Binds::default()
            .with("id", id.clone())
            .with("uploader", upload.uploader_id.to_string())
            .with("name", upload.name.to_string())
            .with("content_type", upload.content_type.to_string())
            .with("size", upload.data.len() as i64)
            .with("sha256", upload.sha256.to_string())
            .with("data", Bytes::from(upload.data.to_vec()))
            .with("at", upload.at);
        self.audited_write(
            "CREATE type::record('attachment', $id) CONTENT { uploader: type::record('user', $uploader), ticket: NONE,
                entry: NONE, name: $name, content_type: $content_type, size: $size, sha256: $sha256, data: $data,
                created_at: $at } RETURN NONE;",
            binds,
            &record,
        )
        .await?;
        Ok(id)
    }

    pub async fn attachment(&self, id: &str) -> Result<Option<AttachmentMeta>, StoreError> {
        let row: Option<MetaRow> = self
            .db
            .query(
                "SELECT record::id(uploader) AS uploader_id, ticket.number AS ticket_number,
                    (entry.kind ?? '') IN ['internal_note', 'staff_event'] AS staff_only, name, content_type, size
                 FROM ONLY type::record('attachment', $id)",
            )
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        Ok(row.map(|r| AttachmentMeta {
            uploader_id: r.uploader_id,
            ticket_number: r.ticket_number,
            staff_only: r.staff_only,
            name: r.name,
            content_type: r.content_type,
            size: u64::try_from(r.size).unwrap_or(0),
        }))
    }

    pub async fn attachment_data(&self, id: &str) -> Result<Vec<u8>, StoreError> {
        let data: Option<Bytes> = self
            .db
            .query("SELECT VALUE data FROM ONLY type::record('attachment', $id)")
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        data.map(|b| b.to_vec())
            .ok_or_else(|| StoreError::Corrupt(format!("attachment {id} has no data")))
    }
}
