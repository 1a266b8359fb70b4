//! Retention: a shard's oldest events may be pruned only as a prefix of its chain, replaced by a
//! signed [`Tombstone`], never the chain's head, never an event younger than the cutoff.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::tombstone::{Tombstone, verify_shard_after};
use super::{AuditActor, AuditEvent, AuditRecord, ChainBreak, Origin};

/// One prune of one shard, decided: the tombstone that replaces `from_seq + 1..=through_seq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prune {
    /// The tombstone's `through_seq` before (0 when there was none); the write must still find it.
    pub from_seq: u64,
    /// The new (or extended) tombstone, signed.
    pub tombstone: Tombstone,
    /// How many events this prune removes, and the oldest and newest `at` among them.
    pub removed: u64,
    pub oldest_at: DateTime<Utc>,
    pub newest_at: DateTime<Utc>,
}

impl Prune {
    /// The `audit.pruned` event written in the same transaction, so pruning is itself audited.
    pub fn record(&self) -> AuditRecord {
        let t = &self.tombstone;
        AuditRecord::new(
            t.at,
            AuditActor::system(),
            "audit.pruned",
            Origin::default(),
        )
        .object("audit_chain", &t.shard.to_string())
        .before(json!({ "through_seq": self.from_seq }))
        .after(json!({
            "through_seq": t.through_seq,
            "pruned": self.removed,
            "oldest_at": self.oldest_at,
            "newest_at": self.newest_at,
        }))
    }
}

/// Decides what to prune of `shard`: the longest run of `events` (the events right after
/// `current`, in chain order) older than `cutoff`, never the last event given, so pass at least
/// one event more than may go and the chain's head always stays. Refuses, with the break, when
/// `current` is not authentic or the events do not verify: pruning must never erase the evidence
/// of tampering. `now` is when the prune happens.
pub fn plan_prune(
    shard: u8,
    current: Option<&Tombstone>,
    key: &[u8],
    events: &[AuditEvent],
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Prune>, ChainBreak> {
    if events.is_empty() {
        return Ok(None);
    }
    verify_shard_after(shard, current, key, events)?;
    let keep_last = &events[..events.len() - 1];
    let old: Vec<&AuditEvent> = keep_last
        .iter()
        .take_while(|e| e.record.at < cutoff)
        .collect();
    let Some(last) = old.last() else {
        return Ok(None);
    };
    let oldest_at = old
        .iter()
        .map(|e| e.record.at)
        .min()
        .unwrap_or(last.record.at);
    let newest_at = old
        .iter()
        .map(|e| e.record.at)
        .max()
        .unwrap_or(last.record.at);
    let removed = old.len() as u64;
    let tombstone = Tombstone {
        shard,
        through_seq: last.seq,
        hash: last.hash.clone(),
        pruned: current.map_or(0, |t| t.pruned) + removed,
        oldest_at: current.map_or(oldest_at, |t| t.oldest_at.min(oldest_at)),
        newest_at: current.map_or(newest_at, |t| t.newest_at.max(newest_at)),
        at: now,
        signature: String::new(),
    }
    .signed(key);
    Ok(Some(Prune {
        from_seq: current.map_or(0, |t| t.through_seq),
        tombstone,
        removed,
        oldest_at,
        newest_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tombstone::tests::{KEY, at, break_at, chain, pruned};
    use super::super::{BreakKind, GENESIS_HASH, chain_hash};
    use super::*;

    /// Recomputes every hash after an edit, as an honest writer would have.
    fn rehash(mut events: Vec<AuditEvent>) -> Vec<AuditEvent> {
        let mut prev = GENESIS_HASH.to_string();
        for e in &mut events {
            e.prev_hash = prev.clone();
            e.hash = chain_hash(e.shard, e.seq, &prev, &e.record.canonical_body());
            prev = e.hash.clone();
        }
        events
    }

    #[test]
    fn pruning_takes_the_events_older_than_the_cutoff_from_the_start_of_the_chain() {
        let events = chain(10);
        let prune = plan_prune(2, None, KEY, &events, at(4), at(1000))
            .unwrap()
            .unwrap();
        assert_eq!(prune.from_seq, 0);
        assert_eq!(prune.removed, 3);
        assert_eq!((prune.oldest_at, prune.newest_at), (at(1), at(3)));
        let t = &prune.tombstone;
        assert_eq!((t.shard, t.through_seq, t.pruned), (2, 3, 3));
        assert_eq!(t.hash, events[2].hash);
        assert_eq!((t.oldest_at, t.newest_at, t.at), (at(1), at(3), at(1000)));
        assert!(t.is_authentic(KEY));
    }

    #[test]
    fn pruning_stops_at_the_first_event_younger_than_the_cutoff() {
        let mut events = chain(6);
        // Event 3 came from a process whose clock ran ahead: 4 and 5 stay although older.
        events[2].record.at = at(50);
        let rebuilt = rehash(events);
        let prune = plan_prune(2, None, KEY, &rebuilt, at(10), at(1000))
            .unwrap()
            .unwrap();
        assert_eq!(prune.tombstone.through_seq, 2);
    }

    #[test]
    fn pruning_always_keeps_the_chains_newest_event() {
        let events = chain(4);
        let prune = plan_prune(2, None, KEY, &events, at(999), at(1000))
            .unwrap()
            .unwrap();
        assert_eq!(prune.tombstone.through_seq, 3);
        assert_eq!(
            plan_prune(2, None, KEY, &events[..1], at(999), at(1000)),
            Ok(None)
        );
        assert_eq!(plan_prune(2, None, KEY, &[], at(999), at(1000)), Ok(None));
    }

    #[test]
    fn nothing_is_pruned_when_no_event_is_older_than_the_cutoff() {
        assert_eq!(
            plan_prune(2, None, KEY, &chain(5), at(1), at(1000)),
            Ok(None)
        );
    }

    #[test]
    fn a_later_prune_extends_the_tombstone_and_signs_the_new_values() {
        let (rest, first) = pruned(chain(10), 4);
        let prune = plan_prune(2, Some(&first), KEY, &rest, at(8), at(2000))
            .unwrap()
            .unwrap();
        assert_eq!(prune.from_seq, 3);
        assert_eq!(prune.removed, 4);
        assert_eq!((prune.oldest_at, prune.newest_at), (at(4), at(7)));
        let t = &prune.tombstone;
        assert_eq!((t.through_seq, t.pruned), (7, 7));
        assert_eq!((t.oldest_at, t.newest_at, t.at), (at(1), at(7), at(2000)));
        assert!(t.is_authentic(KEY));
        assert_ne!(t.signature, first.signature);
    }

    #[test]
    fn pruning_refuses_a_chain_that_does_not_verify_so_tampering_is_not_erased() {
        let mut events = chain(6);
        events[1].record.action = "ticket.nothing_to_see".into();
        assert_eq!(
            plan_prune(2, None, KEY, &events, at(5), at(1000)),
            Err(break_at(2, BreakKind::Changed))
        );
    }

    #[test]
    fn pruning_refuses_to_extend_a_forged_tombstone() {
        let (rest, mut tombstone) = pruned(chain(10), 4);
        tombstone.pruned = 1;
        assert_eq!(
            plan_prune(2, Some(&tombstone), KEY, &rest, at(8), at(2000)),
            Err(break_at(3, BreakKind::ForgedTombstone))
        );
    }

    #[test]
    fn the_pruned_event_records_what_was_removed() {
        let (rest, first) = pruned(chain(10), 4);
        let prune = plan_prune(2, Some(&first), KEY, &rest, at(8), at(2000))
            .unwrap()
            .unwrap();
        let record = prune.record();
        assert_eq!(record.action, "audit.pruned");
        assert_eq!(record.actor, AuditActor::system());
        assert_eq!(
            (record.object_kind.as_str(), record.object_id.as_str()),
            ("audit_chain", "2")
        );
        assert_eq!(record.at, at(2000));
        assert_eq!(record.before, Some(json!({ "through_seq": 3 })));
        let after = record.after.unwrap();
        assert_eq!(
            (after["through_seq"].clone(), after["pruned"].clone()),
            (json!(7), json!(4))
        );
        assert_eq!(after["oldest_at"], json!(at(4)));
        assert_eq!(after["newest_at"], json!(at(7)));
    }
}
