//! Live queries: the database tells this process about every ticket and presence change, whoever
//! made it (this process, or another one on the same database).

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use surrealdb::Notification;
use surrealdb::types::{Action, RecordId, RecordIdKey, SurrealValue};

use super::{Store, StoreError};
use crate::domain::live::{Activity, Audience};

/// A ticket was created or changed.
#[derive(Clone, Debug)]
pub struct TicketNotice {
    pub created: bool,
    pub version: u64,
    pub changed: Vec<String>,
    pub at: DateTime<Utc>,
    pub audience: Audience,
}

/// A staff member's presence on a ticket changed.
#[derive(Clone, Debug)]
pub struct PresenceNotice {
    /// The ticket's department and referrals, staff only: presence never reaches customers.
    pub audience: Audience,
    pub user: String,
    pub tab: String,
    pub name: String,
    pub activity: Activity,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct TicketLiveRow {
    number: String,
    version: i64,
    changed: Vec<String>,
    staff_only: bool,
    updated_at: DateTime<Utc>,
    department: RecordId,
    referred: Vec<RecordId>,
    requester: RecordId,
    collaborators: Vec<RecordId>,
    organization: Option<RecordId>,
}

#[derive(SurrealValue)]
struct PresenceLiveRow {
    ticket: String,
    department: String,
    referred: Vec<String>,
    user: String,
    tab: String,
    name: String,
    activity: String,
    at: DateTime<Utc>,
}

fn key(id: &RecordId) -> String {
    match &id.key {
        RecordIdKey::String(s) => s.clone(),
        RecordIdKey::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

impl Store {
    /// Every ticket creation and change from now on, as the database reports them.
    pub async fn watch_tickets(
        &self,
    ) -> Result<impl Stream<Item = Result<TicketNotice, StoreError>> + use<>, StoreError> {
        let mut response = self
            .db
            .query("LIVE SELECT number, version, changed, staff_only, updated_at, department, referred, requester, collaborators, organization FROM ticket")
            .await?;
        let stream = response.stream::<Notification<TicketLiveRow>>(0)?;
        Ok(stream.filter_map(|item| async move {
            match item {
                Err(e) => Some(Err(StoreError::from(e))),
                // Bookkeeping that changes nothing people see (the SLA job's) clears `changed`.
                Ok(n) if n.action == Action::Update && n.data.changed.is_empty() => None,
                Ok(n) if matches!(n.action, Action::Create | Action::Update) => {
                    let row = n.data;
                    Some(Ok(TicketNotice {
                        created: n.action == Action::Create,
                        version: u64::try_from(row.version).unwrap_or(0),
                        changed: row.changed,
                        at: row.updated_at,
                        audience: Audience {
                            number: row.number,
                            department: key(&row.department),
                            referred: row.referred.iter().map(key).collect(),
                            requester: key(&row.requester),
                            collaborators: row.collaborators.iter().map(key).collect(),
                            organization: row.organization.as_ref().map(key),
                            staff_only: row.staff_only,
                        },
                    }))
                }
                Ok(_) => None,
            }
        }))
    }

    /// Every presence change from now on.
    pub async fn watch_presence(
        &self,
    ) -> Result<impl Stream<Item = Result<PresenceNotice, StoreError>> + use<>, StoreError> {
        let mut response = self
            .db
            .query(
                "LIVE SELECT ticket, department, referred, user, tab, name, activity, at FROM presence",
            )
            .await?;
        let stream = response.stream::<Notification<PresenceLiveRow>>(0)?;
        Ok(stream.filter_map(|item| async move {
            match item {
                Err(e) => Some(Err(StoreError::from(e))),
                Ok(n) if matches!(n.action, Action::Create | Action::Update | Action::Delete) => {
                    let row = n.data;
                    let activity = if n.action == Action::Delete {
                        Activity::Left
                    } else {
                        match row.activity.as_str() {
                            "typing" => Activity::Typing,
                            "left" => Activity::Left,
                            _ => Activity::Viewing,
                        }
                    };
                    Some(Ok(PresenceNotice {
                        audience: Audience {
                            number: row.ticket,
                            department: row.department,
                            referred: row.referred,
                            requester: String::new(),
                            collaborators: Vec::new(),
                            organization: None,
                            staff_only: true,
                        },
                        user: row.user,
                        tab: row.tab,
                        name: row.name,
                        activity,
                        at: row.at,
                    }))
                }
                Ok(_) => None,
            }
        }))
    }
}
