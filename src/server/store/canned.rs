//! Canned responses in the database (managed on the admin pages in #5; seeded with a few).

use surrealdb::types::SurrealValue;

use super::{Store, StoreError};
use crate::domain::canned::CannedResponse;

#[derive(SurrealValue)]
struct CannedRow {
    key: String,
    title: String,
    body: String,
}

impl Store {
    /// Active canned responses in display order.
    pub async fn canned_responses(&self) -> Result<Vec<CannedResponse>, StoreError> {
        let rows: Vec<CannedRow> = self
            .db
            .query("SELECT record::id(id) AS key, title, body, sort FROM canned_response WHERE active ORDER BY sort")
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| CannedResponse {
                key: r.key,
                title: r.title,
                body: r.body,
            })
            .collect())
    }
}
