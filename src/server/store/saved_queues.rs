//! Agents' saved queues: a named filter with columns and a sort, private to its owner.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::users::new_key;
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::queue::{Column, QueueFilter, QueueSort};

/// A saved queue as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedQueue {
    pub id: String,
    pub name: String,
    pub filter: QueueFilter,
    pub columns: Vec<Column>,
    pub sort: QueueSort,
}

#[derive(SurrealValue)]
struct SavedQueueRow {
    id: String,
    name: String,
    filter: String,
    columns: Vec<String>,
    sort: String,
}

impl SavedQueueRow {
    fn into_saved(self) -> Result<SavedQueue, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("saved queue {}: {what}", self.id));
        Ok(SavedQueue {
            filter: serde_json::from_str(&self.filter).map_err(|e| corrupt(&e.to_string()))?,
            columns: self
                .columns
                .iter()
                .map(|c| serde_json::from_value(serde_json::Value::String(c.clone())))
                .collect::<Result<_, _>>()
                .map_err(|e| corrupt(&e.to_string()))?,
            sort: QueueSort::parse(&self.sort).ok_or_else(|| corrupt("sort"))?,
            id: self.id,
            name: self.name,
        })
    }
}

const FIELDS: &str = "record::id(id) AS id, name, filter, columns, sort";

impl Store {
    pub async fn saved_queues(&self, owner: &str) -> Result<Vec<SavedQueue>, StoreError> {
        let rows: Vec<SavedQueueRow> = self
            .db
            .query(format!(
                "SELECT {FIELDS}, created_at FROM saved_queue WHERE owner = type::record('user', $owner) ORDER BY created_at"
            ))
            .bind(("owner", owner.to_string()))
            .await?
            .take(0)?;
        rows.into_iter().map(SavedQueueRow::into_saved).collect()
    }

    pub async fn saved_queue(
        &self,
        owner: &str,
        id: &str,
    ) -> Result<Option<SavedQueue>, StoreError> {
        let row: Option<SavedQueueRow> = self
            .db
            .query(format!(
                "SELECT {FIELDS} FROM ONLY type::record('saved_queue', $id) WHERE owner = type::record('user', $owner)"
            ))
            .bind(("owner", owner.to_string()))
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        row.map(SavedQueueRow::into_saved).transpose()
    }

    pub async fn create_saved_queue(
        &self,
        owner: &str,
        queue: &SavedQueue,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<String, StoreError> {
        let id = new_key();
        let columns: Vec<String> = queue
            .columns
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok()?.as_str().map(String::from))
            .collect();
        let binds = Binds::default()
            .with("id", id.clone())
            .with("owner", owner.to_string())
            .with("name", queue.name.clone())
            .with(
                "filter",
                serde_json::to_string(&queue.filter)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            )
            .with("columns", columns)
            .with("sort", queue.sort.as_str())
            .with("at", at);
        let record = record.clone().object("saved_queue", &id);
        self.audited_write(
            "CREATE type::record('saved_queue', $id) CONTENT { owner: type::record('user', $owner), name: $name,
                filter: $filter, columns: $columns, sort: $sort, created_at: $at } RETURN NONE;",
            binds,
            &record,
        )
        .await?;
        Ok(id)
    }

    /// Deletes the owner's saved queue; another owner's (or none) is "unknown".
    pub async fn delete_saved_queue(
        &self,
        owner: &str,
        id: &str,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("id", id.to_string())
            .with("owner", owner.to_string());
        self.audited_write(
            "LET $gone = (DELETE type::record('saved_queue', $id) WHERE owner = type::record('user', $owner) RETURN BEFORE);
             IF array::len($gone) = 0 { THROW 'docket:unknown_record' };",
            binds,
            record,
        )
        .await
    }
}
