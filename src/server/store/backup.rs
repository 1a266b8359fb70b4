//! Backups: a consistent dump of the whole database as SurrealQL (one read transaction), and
//! restoring one into a database that holds nothing yet.

use std::path::Path;

use futures::{Stream, StreamExt};

use super::{Store, StoreError, migrations};

impl Store {
    /// The database as SurrealQL, in chunks, as of one moment: the export reads in a single
    /// transaction, so writes made meanwhile are either wholly in it or not at all.
    pub async fn export(
        &self,
    ) -> Result<impl Stream<Item = Result<Vec<u8>, StoreError>> + Send + 'static, StoreError> {
        let chunks = self.db.export(()).await?;
        Ok(chunks.map(|chunk| chunk.map_err(StoreError::from)))
    }

    /// Whether the database holds no Docket yet (never migrated): the only kind a restore
    /// writes into, so a restore never mixes two help desks.
    pub async fn holds_nothing(&self) -> Result<bool, StoreError> {
        let tables: surrealdb::types::Value =
            self.db.query("(INFO FOR DB).tables").await?.take(0)?;
        Ok(match tables {
            surrealdb::types::Value::Object(tables) => !tables.contains_key("schema_version"),
            _ => true,
        })
    }

    /// Runs a dump made by [`Store::export`], then the migrations a newer Docket adds.
    pub async fn import_dump(&self, file: &Path) -> Result<(), StoreError> {
        self.db.import(file).await?;
        migrations::apply(self).await
    }
}
