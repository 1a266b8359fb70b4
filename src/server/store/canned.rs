//! Canned responses as agents insert them (admins manage them through `settings`).

use surrealdb::types::SurrealValue;

use super::{Store, StoreError};
use crate::domain::canned::CannedResponse;

#[derive(SurrealValue)]
struct CannedRow {
    key: String,
    title: String,
    body: String,
    department: Option<String>,
}

impl Store {
    /// Active canned responses in display order, each with the department it is for (none: all).
    pub async fn canned_responses(&self) -> Result<Vec<CannedResponse>, StoreError> {
        let rows: Vec<CannedRow> = self
            .db
            .query(
                "SELECT record::id(id) AS key, title, body, sort,
                (IF department { record::id(department) } ELSE { NONE }) AS department
                FROM canned_response WHERE active ORDER BY sort",
            )
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| CannedResponse {
                key: r.key,
                title: r.title,
                body: r.body,
                department: r.department,
            })
            .collect())
    }
}
