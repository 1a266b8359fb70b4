//! The signed tombstone that stands in for a shard's pruned events (see [`super::prune`]), and
//! verifying a chain and its checkpoints from it rather than from the genesis hash.

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{
    AuditEvent, BreakKind, ChainBreak, Checkpoint, verify_checkpoints, verify_shard,
    verify_shard_from,
};

/// What stands in for a shard's pruned events `1..=through_seq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub shard: u8,
    /// The last pruned event; the chain goes on at `through_seq + 1`.
    pub through_seq: u64,
    /// That event's hash, which event `through_seq + 1` carries as its `prev_hash`.
    pub hash: String,
    /// How many events were pruned in all.
    pub pruned: u64,
    /// The oldest and newest `at` among the pruned events.
    pub oldest_at: DateTime<Utc>,
    pub newest_at: DateTime<Utc>,
    /// When it was last extended.
    pub at: DateTime<Utc>,
    /// HMAC-SHA256 (lower-case hex) of [`Tombstone::signed_text`] under the tombstone key.
    pub signature: String,
}

impl Tombstone {
    /// The exact text that is signed: every field but the signature, timestamps in UTC RFC 3339
    /// with nanoseconds. The prefix keeps these signatures apart from anything else the key signs.
    pub fn signed_text(&self) -> String {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Nanos, true);
        format!(
            "docket-audit-tombstone|v1|{}|{}|{}|{}|{}|{}|{}",
            self.shard,
            self.through_seq,
            self.hash,
            self.pruned,
            time(self.oldest_at),
            time(self.newest_at),
            time(self.at),
        )
    }

    fn mac(&self, key: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(self.signed_text().as_bytes());
        mac
    }

    /// The tombstone with its signature made under `key`.
    pub fn signed(mut self, key: &[u8]) -> Self {
        self.signature = hex::encode(self.mac(key).finalize().into_bytes());
        self
    }

    /// Whether the signature is `key`'s over these exact values (compared in constant time).
    pub fn is_authentic(&self, key: &[u8]) -> bool {
        hex::decode(&self.signature).is_ok_and(|bytes| self.mac(key).verify_slice(&bytes).is_ok())
    }

    /// The break a tombstone that is not ours (or not this shard's) makes.
    fn check(&self, shard: u8, key: &[u8]) -> Result<(), ChainBreak> {
        if self.shard == shard && self.is_authentic(key) {
            return Ok(());
        }
        Err(ChainBreak {
            shard,
            seq: self.through_seq,
            kind: BreakKind::ForgedTombstone,
        })
    }
}

/// [`verify_shard`] for a shard that may have a tombstone: it must be signed with `key` for this
/// shard, and the chain must go on right after it. Returns how many remaining events were checked.
pub fn verify_shard_after(
    shard: u8,
    tombstone: Option<&Tombstone>,
    key: &[u8],
    events: &[AuditEvent],
) -> Result<u64, ChainBreak> {
    let Some(tombstone) = tombstone else {
        return verify_shard(shard, events);
    };
    tombstone.check(shard, key)?;
    let next = tombstone.through_seq.saturating_add(1);
    if events.is_empty() {
        // Pruning always keeps the chain's newest event, so something must follow.
        return Err(ChainBreak {
            shard,
            seq: next,
            kind: BreakKind::Missing,
        });
    }
    verify_shard_from(shard, next, &tombstone.hash, events)
}

/// [`verify_checkpoints`] for a shard that may have a tombstone: a checkpoint of the tombstone's
/// last event must match its hash; earlier ones were pruned with their events and are skipped.
/// Returns how many of the shard's checkpoints were compared.
pub fn verify_checkpoints_after(
    shard: u8,
    tombstone: Option<&Tombstone>,
    events: &[AuditEvent],
    checkpoints: &[Checkpoint],
) -> Result<u64, ChainBreak> {
    let mine = checkpoints.iter().filter(|c| c.shard == shard);
    let Some(tombstone) = tombstone else {
        verify_checkpoints(shard, events, checkpoints)?;
        return Ok(mine.count() as u64);
    };
    let through = tombstone.through_seq;
    let mut at_tombstone = 0;
    let mut later = Vec::new();
    for checkpoint in mine {
        if checkpoint.seq > through {
            later.push(checkpoint.clone());
        } else if checkpoint.seq == through {
            if checkpoint.hash != tombstone.hash {
                return Err(ChainBreak {
                    shard,
                    seq: through,
                    kind: BreakKind::Changed,
                });
            }
            at_tombstone += 1;
        }
    }
    verify_checkpoints(shard, events, &later)?;
    Ok(at_tombstone + later.len() as u64)
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::prune::plan_prune;
    use super::super::{AuditActor, AuditRecord, GENESIS_HASH, Origin, chain_hash};
    use super::*;

    pub(in crate::domain::audit) const KEY: &[u8] = b"tombstone key";

    pub(in crate::domain::audit) fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    /// Shard 2's events 1..=n, event `seq` recorded at minute `seq`.
    pub(in crate::domain::audit) fn chain(n: u64) -> Vec<AuditEvent> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let record = AuditRecord::new(
                    at(seq as i64),
                    AuditActor::system(),
                    "ticket.viewed",
                    Origin::default(),
                );
                let hash = chain_hash(2, seq, &prev, &record.canonical_body());
                AuditEvent {
                    shard: 2,
                    seq,
                    prev_hash: std::mem::replace(&mut prev, hash.clone()),
                    hash,
                    record,
                }
            })
            .collect()
    }

    /// The chain after pruning what is older than minute `cutoff`: the remaining events and the
    /// tombstone.
    pub(in crate::domain::audit) fn pruned(
        events: Vec<AuditEvent>,
        cutoff: i64,
    ) -> (Vec<AuditEvent>, Tombstone) {
        let prune = plan_prune(2, None, KEY, &events, at(cutoff), at(1000))
            .unwrap()
            .unwrap();
        let through = prune.tombstone.through_seq;
        let rest = events.into_iter().filter(|e| e.seq > through).collect();
        (rest, prune.tombstone)
    }

    pub(in crate::domain::audit) fn break_at(seq: u64, kind: BreakKind) -> ChainBreak {
        ChainBreak {
            shard: 2,
            seq,
            kind,
        }
    }

    #[test]
    fn the_signature_covers_every_field() {
        let (_, tombstone) = pruned(chain(10), 4);
        assert!(tombstone.is_authentic(KEY));
        let edits: [fn(&mut Tombstone); 8] = [
            |t| t.shard = 3,
            |t| t.through_seq += 1,
            |t| t.hash = GENESIS_HASH.into(),
            |t| t.pruned += 1,
            |t| t.oldest_at += chrono::Duration::nanoseconds(1),
            |t| t.newest_at -= chrono::Duration::seconds(1),
            |t| t.at += chrono::Duration::days(1),
            |t| t.signature = "not hex".into(),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut altered = tombstone.clone();
            edit(&mut altered);
            assert!(!altered.is_authentic(KEY), "edit {i} went unnoticed");
        }
        assert!(!tombstone.is_authentic(b"another key"));
    }

    #[test]
    fn a_chain_pruned_behind_a_signed_tombstone_verifies() {
        let (rest, tombstone) = pruned(chain(10), 4);
        assert_eq!(rest[0].seq, 4);
        assert_eq!(verify_shard_after(2, Some(&tombstone), KEY, &rest), Ok(7));
        assert_eq!(
            verify_shard(2, &rest),
            Err(break_at(4, BreakKind::Missing)),
            "without its tombstone the pruned chain reads as cut"
        );
    }

    #[test]
    fn a_forged_tombstone_breaks_the_chain_at_the_event_it_claims_to_end_with() {
        let (rest, tombstone) = pruned(chain(10), 4);
        let mut moved = tombstone.clone();
        moved.through_seq = 5;
        moved.hash = rest[1].hash.clone();
        assert_eq!(
            verify_shard_after(2, Some(&moved), KEY, &rest[2..]),
            Err(break_at(5, BreakKind::ForgedTombstone))
        );
        assert_eq!(
            verify_shard_after(2, Some(&tombstone), b"another key", &rest),
            Err(break_at(3, BreakKind::ForgedTombstone))
        );
        assert_eq!(
            verify_shard_after(3, Some(&tombstone), KEY, &rest),
            Err(ChainBreak {
                shard: 3,
                seq: 3,
                kind: BreakKind::ForgedTombstone
            }),
            "a tombstone moved to another chain is not that chain's"
        );
    }

    #[test]
    fn an_event_deleted_right_after_the_tombstone_breaks_the_chain() {
        let (rest, tombstone) = pruned(chain(10), 4);
        assert_eq!(
            verify_shard_after(2, Some(&tombstone), KEY, &rest[1..]),
            Err(break_at(5, BreakKind::Missing))
        );
        assert_eq!(
            verify_shard_after(2, Some(&tombstone), KEY, &[]),
            Err(break_at(4, BreakKind::Missing)),
            "pruning keeps the head, so an empty chain behind a tombstone lost events"
        );
    }

    fn checkpoint(seq: u64, hash: &str) -> Checkpoint {
        Checkpoint {
            at: at(500),
            shard: 2,
            seq,
            hash: hash.into(),
        }
    }

    #[test]
    fn checkpoints_before_the_tombstone_are_skipped_and_one_at_it_must_match_its_hash() {
        let events = chain(10);
        let (rest, tombstone) = pruned(events.clone(), 4);
        let log = vec![
            checkpoint(1, &events[0].hash),
            checkpoint(3, &events[2].hash),
            checkpoint(9, &events[8].hash),
        ];
        assert_eq!(
            verify_checkpoints_after(2, Some(&tombstone), &rest, &log),
            Ok(2)
        );
        assert_eq!(
            verify_checkpoints_after(2, Some(&tombstone), &rest, &[checkpoint(3, GENESIS_HASH)]),
            Err(break_at(3, BreakKind::Changed))
        );
        assert_eq!(
            verify_checkpoints_after(2, Some(&tombstone), &rest, &[checkpoint(2, "anything")]),
            Ok(0),
            "a pruned event's checkpoint cannot be compared"
        );
        assert_eq!(
            verify_checkpoints_after(2, Some(&tombstone), &rest[..4], &log),
            Err(break_at(9, BreakKind::Missing)),
            "a cut tail still shows"
        );
        assert_eq!(verify_checkpoints_after(2, None, &events, &log), Ok(3));
    }
}
