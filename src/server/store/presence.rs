//! Presence: who is on which ticket page, refreshed by the page itself.

use chrono::{DateTime, Duration, Utc};
use surrealdb::types::SurrealValue;

use super::{CONFLICT_RETRIES, Store, StoreError, back_off, cause, is_conflict};
use crate::domain::live::Activity;
use crate::domain::permission::TicketAccess;

/// How long a presence lasts without a refresh.
pub const PRESENCE_TTL: Duration = Duration::seconds(45);

/// Someone on a ticket page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presence {
    pub user: String,
    pub tab: String,
    pub name: String,
    pub activity: Activity,
    /// When the tab last said so.
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct PresenceRow {
    user: String,
    tab: String,
    name: String,
    activity: String,
    at: DateTime<Utc>,
}

fn activity_str(activity: Activity) -> &'static str {
    match activity {
        Activity::Viewing => "viewing",
        Activity::Typing => "typing",
        Activity::Left => "left",
    }
}

impl Store {
    /// Records a user's presence on a ticket from one tab (for `Left`, that the tab left), with who
    /// may hear of it; drops stale presences.
    pub async fn set_presence(
        &self,
        ticket: &TicketAccess<'_>,
        user: &str,
        tab: &str,
        name: &str,
        activity: Activity,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Leaving keeps the presence as `left` until it goes stale, so a heartbeat still on its
        // way when the tab closed cannot bring it back.
        let sql = if activity == Activity::Left {
            "UPSERT type::record('presence', [$ticket, $user, $tab]) CONTENT
                { ticket: $ticket, department: $department, referred: $referred, user: $user, tab: $tab, name: $name,
                  activity: 'left', at: $now } RETURN NONE;"
        } else {
            // One transaction: the check and the write cannot straddle the tab's leaving.
            "BEGIN TRANSACTION;
             IF (SELECT VALUE activity FROM ONLY type::record('presence', [$ticket, $user, $tab])) != 'left' {
                UPSERT type::record('presence', [$ticket, $user, $tab]) CONTENT
                    { ticket: $ticket, department: $department, referred: $referred, user: $user, tab: $tab, name: $name,
                      activity: $activity, at: $now } RETURN NONE;
             };
             COMMIT TRANSACTION;"
        };
        // Heartbeats of several tabs and the stale sweep touch the same records: a write that
        // lost a race is simply tried again.
        let mut attempt = 0;
        loop {
            let mut response = self
                .db
                .query(sql)
                .query("DELETE presence WHERE at < $stale")
                .bind(("ticket", ticket.number.to_string()))
                .bind(("department", ticket.department.to_string()))
                .bind(("referred", ticket.referred.to_vec()))
                .bind(("user", user.to_string()))
                .bind(("tab", tab.to_string()))
                .bind(("name", name.to_string()))
                .bind(("activity", activity_str(activity)))
                .bind(("now", now))
                .bind(("stale", now - PRESENCE_TTL))
                .await?;
            let errors = response.take_errors();
            attempt += 1;
            // A conflict anywhere in the transaction (the other statements then report only that
            // they were not executed) is a lost race: try again.
            if errors.values().any(is_conflict) && attempt < CONFLICT_RETRIES {
                back_off(attempt).await;
                continue;
            }
            match cause(errors) {
                None => return Ok(()),
                Some(e) => return Err(e.into()),
            }
        }
    }

    /// Who is on a ticket now (refreshed within the last [`PRESENCE_TTL`]).
    pub async fn presence(
        &self,
        ticket: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Presence>, StoreError> {
        let rows: Vec<PresenceRow> = self
            .db
            .query("SELECT user, tab, name, activity, at FROM presence WHERE ticket = $ticket AND at >= $stale AND activity != 'left' ORDER BY name")
            .bind(("ticket", ticket.to_string()))
            .bind(("stale", now - PRESENCE_TTL))
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| Presence {
                activity: if r.activity == "typing" {
                    Activity::Typing
                } else {
                    Activity::Viewing
                },
                user: r.user,
                tab: r.tab,
                name: r.name,
                at: r.at,
            })
            .collect())
    }
}
