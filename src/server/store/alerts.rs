//! Alert tickets: finding the ticket a repeat belongs to, the sources' settings, and what a ticket
//! keeps of its alert.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::{Store, StoreError};
use crate::domain::alerts::settings::AlertSourceDef;

/// What the ticket page shows of an alert ticket.
#[derive(Clone, Debug)]
pub struct AlertRecord {
    pub source: String,
    pub fingerprint: String,
    pub rule: Option<String>,
    pub occurrences: u64,
    pub last_seen: Option<DateTime<Utc>>,
    /// JSON.
    pub observables: Option<String>,
}

#[derive(SurrealValue)]
struct AlertRow {
    source: String,
    fingerprint: String,
    rule: Option<String>,
    occurrences: Option<i64>,
    last_seen: Option<DateTime<Utc>>,
    observables: Option<String>,
}

impl Store {
    /// Every alert source's settings (active or not).
    pub async fn alert_source_defs(&self) -> Result<Vec<AlertSourceDef>, StoreError> {
        let rows: Vec<String> = self
            .db
            .query("SELECT VALUE definition FROM alert_source")
            .await?
            .take(0)?;
        rows.iter()
            .map(|d| {
                serde_json::from_str(d)
                    .map_err(|e| StoreError::Corrupt(format!("alert source: {e}")))
            })
            .collect()
    }

    /// The newest ticket opened by an alert with this fingerprint.
    pub async fn ticket_by_fingerprint(
        &self,
        fingerprint: &str,
    ) -> Result<Option<String>, StoreError> {
        let numbers: Vec<String> = self
            .db
            .query(
                "SELECT VALUE number FROM ticket WHERE fingerprint = $fingerprint
                 ORDER BY created_at DESC LIMIT 1",
            )
            .bind(("fingerprint", fingerprint.to_string()))
            .await?
            .take(0)?;
        Ok(numbers.into_iter().next())
    }

    /// What a ticket keeps of the alert that opened it, if one did.
    pub async fn alert_record(&self, number: &str) -> Result<Option<AlertRecord>, StoreError> {
        let rows: Vec<AlertRow> = self
            .db
            .query(
                "SELECT alert_source AS source, fingerprint, alert_rule AS rule, occurrences, last_seen,
                    observables FROM ticket WHERE number = $number AND fingerprint != NONE LIMIT 1",
            )
            .bind(("number", number.to_string()))
            .await?
            .take(0)?;
        Ok(rows.into_iter().next().map(|r| AlertRecord {
            source: r.source,
            fingerprint: r.fingerprint,
            rule: r.rule,
            occurrences: r
                .occurrences
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(1),
            last_seen: r.last_seen,
            observables: r.observables,
        }))
    }
}
