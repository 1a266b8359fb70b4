//! Merging tickets (reversibly) and linking related ones.

use chrono::{DateTime, Utc};

use super::tickets::{ADD_ENTRY, NewEntry, entry_binds};
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;

/// What the thread entries of a merge, an undo or a link say, on each ticket.
pub struct PairEntries<'a> {
    pub on_source: NewEntry<'a>,
    pub on_target: NewEntry<'a>,
}

/// Binds the target's entry under the names [`ADD_ENTRY`] reads, after the source's entry ran.
const TARGET_ENTRY: &str = "LET $entry_kind = $t_kind; LET $entry_author = $t_author; LET $entry_author_name = $t_author_name;
    LET $entry_body = $t_body; LET $entry_attachments = []; LET $entry_changed = $t_changed; LET $entry_staff_only = $t_staff_only;";

fn pair_binds(binds: Binds, entries: &PairEntries<'_>, changed: &[&str]) -> Binds {
    let target = &entries.on_target;
    entry_binds(binds, &entries.on_source, changed)
        .with("t_kind", target.kind.as_str())
        .with("t_author", target.author_id.map(str::to_string))
        .with("t_author_name", target.author_name.to_string())
        .with("t_body", target.body.to_string())
        .with(
            "t_changed",
            changed.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        )
        .with("t_staff_only", !target.kind.customer_visible())
}

impl Store {
    /// Merges `source` into `target`: the source closes and points at the target, its people
    /// are copied on the target, and both threads say so. Refuses loops and a stale source.
    pub async fn merge_tickets(
        &self,
        source: &str,
        target: &str,
        based_on: u64,
        entries: &PairEntries<'_>,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "LET $s = (SELECT * FROM ONLY ticket WHERE number = $source LIMIT 1);
             LET $t = (SELECT * FROM ONLY ticket WHERE number = $target LIMIT 1);
             IF $s = NONE OR $t = NONE {{ THROW 'docket:unknown_ticket' }};
             IF $s.id = $t.id OR $s.merged_into != NONE OR $t.merged_into != NONE {{ THROW 'docket:merge_invalid' }};
             IF $s.version != $based_on {{ THROW 'docket:stale' }};
             LET $added = array::complement(array::union([$s.requester], $s.collaborators), array::union([$t.requester], $t.collaborators));
             CREATE ticket_merge CONTENT {{ source: $s.id, target: $t.id, source_status: $s.status, source_state: $s.state,
                added_collaborators: $added, at: $at }} RETURN NONE;
             UPDATE $s.id SET merged_into = $t.id, status = status:closed, state = 'closed', closed_at = closed_at ?? $at,
                status_log = array::append(status_log ?? [], {{ status: 'closed', at: $at }}) RETURN NONE;
             UPDATE $t.id SET collaborators = array::union(collaborators, $added) RETURN NONE;
             LET $ticket = $s.id;
             {ADD_ENTRY}
             LET $ticket = $t.id;
             {TARGET_ENTRY}
             {ADD_ENTRY}"
        );
        let binds = Binds::default()
            .with("source", source.to_string())
            .with("target", target.to_string())
            .with("based_on", based_on as i64)
            .with("at", at);
        self.audited_write(&sql, pair_binds(binds, entries, &["merged"]), record)
            .await
    }

    /// Undoes the latest merge of `source`: it takes back its status and the people it brought.
    pub async fn unmerge_ticket(
        &self,
        source: &str,
        entries: &PairEntries<'_>,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "LET $s = (SELECT * FROM ONLY ticket WHERE number = $source LIMIT 1);
             IF $s = NONE {{ THROW 'docket:unknown_ticket' }};
             IF $s.merged_into = NONE {{ THROW 'docket:merge_invalid' }};
             LET $m = (SELECT * FROM ONLY ticket_merge WHERE source = $s.id AND undone_at = NONE ORDER BY at DESC LIMIT 1);
             IF $m = NONE {{ THROW 'docket:merge_invalid' }};
             UPDATE $s.id SET merged_into = NONE, status = $m.source_status, state = $m.source_state,
                closed_at = IF $m.source_state = 'closed' {{ closed_at }} ELSE {{ NONE }},
                status_log = array::append(status_log ?? [], {{ status: record::id($m.source_status), at: $at }}) RETURN NONE;
             UPDATE $m.target SET collaborators = array::complement(collaborators, $m.added_collaborators) RETURN NONE;
             UPDATE $m.id SET undone_at = $at RETURN NONE;
             LET $ticket = $s.id;
             {ADD_ENTRY}
             LET $ticket = $m.target;
             {TARGET_ENTRY}
             {ADD_ENTRY}"
        );
        let binds = Binds::default()
            .with("source", source.to_string())
            .with("at", at);
        self.audited_write(&sql, pair_binds(binds, entries, &["merged"]), record)
            .await
    }

    /// Links two tickets as related (both ways).
    pub async fn link_tickets(
        &self,
        source: &str,
        target: &str,
        entries: &PairEntries<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "LET $s = (SELECT VALUE id FROM ONLY ticket WHERE number = $source LIMIT 1);
             LET $t = (SELECT VALUE id FROM ONLY ticket WHERE number = $target LIMIT 1);
             IF $s = NONE OR $t = NONE {{ THROW 'docket:unknown_ticket' }};
             IF $s = $t {{ THROW 'docket:merge_invalid' }};
             UPDATE $s SET links = array::union(links, [$t]) RETURN NONE;
             UPDATE $t SET links = array::union(links, [$s]) RETURN NONE;
             LET $ticket = $s;
             {ADD_ENTRY}
             LET $ticket = $t;
             {TARGET_ENTRY}
             {ADD_ENTRY}"
        );
        let binds = Binds::default()
            .with("source", source.to_string())
            .with("target", target.to_string());
        self.audited_write(&sql, pair_binds(binds, entries, &["links"]), record)
            .await
    }
}
