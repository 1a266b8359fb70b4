//! The audit trail's core: what an event records and the hash chain that makes tampering evident.
//!
//! Events are appended to one of [`SHARDS`] independent chains so concurrent writers rarely contend
//! on one chain head. Within a shard, event `seq` (1, 2, 3, ...) carries the hash of event `seq - 1`
//! and its own hash: SHA-256 over `"{shard}|{seq}|{prev_hash}|{canonical body}"`, lower-case hex.

pub mod export;
pub mod filter;
pub mod narrative;
pub mod prune;
pub mod stream;
pub mod tombstone;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Number of independent chains. Fixed forever: changing it would orphan existing chains.
pub const SHARDS: u8 = 8;

/// The `prev_hash` of the first event of every shard.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Anonymous,
    User,
    ApiKey,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Anonymous => "anonymous",
            ActorKind::User => "user",
            ActorKind::ApiKey => "api_key",
            ActorKind::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Anonymous, Self::User, Self::ApiKey, Self::System]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Who did it: the kind, the id (user or key id) and a readable label kept as it was at the time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    pub kind: ActorKind,
    pub id: Option<String>,
    pub label: String,
}

impl AuditActor {
    pub fn system() -> Self {
        Self {
            kind: ActorKind::System,
            id: None,
            label: "Docket".into(),
        }
    }

    pub fn anonymous() -> Self {
        Self {
            kind: ActorKind::Anonymous,
            id: None,
            label: "anonymous".into(),
        }
    }

    pub fn user(id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::User,
            id: Some(id.into()),
            label: label.into(),
        }
    }
}

/// Where the request came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// One thing that happened, before it is placed on a chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub actor: AuditActor,
    /// Dotted event type, e.g. `user.signed_in`.
    pub action: String,
    /// Kind of object acted on, e.g. `user`; empty when none.
    pub object_kind: String,
    pub object_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub origin: Origin,
}

impl AuditRecord {
    pub fn new(at: DateTime<Utc>, actor: AuditActor, action: &str, origin: Origin) -> Self {
        Self {
            at,
            actor,
            action: action.into(),
            object_kind: String::new(),
            object_id: String::new(),
            before: None,
            after: None,
            origin,
        }
    }

    pub fn object(mut self, kind: &str, id: &str) -> Self {
        self.object_kind = kind.into();
        self.object_id = id.into();
        self
    }

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }

    /// The exact text that is hashed: JSON with sorted keys, no whitespace, timestamps in UTC
    /// RFC 3339 with nanoseconds. Any change to any recorded field changes it.
    pub fn canonical_body(&self) -> String {
        let value = serde_json::json!({
            "at": self.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            "actor_kind": self.actor.kind.as_str(),
            "actor_id": self.actor.id,
            "actor_label": self.actor.label,
            "action": self.action,
            "object_kind": self.object_kind,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "ip": self.origin.ip,
            "user_agent": self.origin.user_agent,
        });
        let mut out = String::new();
        write_canonical(&value, &mut out);
        out
    }
}

/// JSON with object keys sorted at every depth, independent of how the map was built.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The hash of an event at position `seq` of `shard`, following `prev_hash`.
pub fn chain_hash(shard: u8, seq: u64, prev_hash: &str, body: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{shard}|{seq}|{prev_hash}|{body}").as_bytes());
    hex::encode(hasher.finalize())
}

/// An event as stored: its record plus its place on a chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub shard: u8,
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    pub record: AuditRecord,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The event's content no longer matches its hash.
    Changed,
    /// One or more events before this one are gone.
    Missing,
    /// Events are out of order, or one was moved in from elsewhere.
    Reordered,
    /// The tombstone standing in for the chain's pruned start is not one Docket signed: what it
    /// says was pruned cannot be trusted. The break names the last event it claims to cover.
    ForgedTombstone,
}

impl BreakKind {
    /// What the break means, for people reading `docket audit verify` or the audit page.
    pub fn explain(self) -> &'static str {
        match self {
            BreakKind::Changed => "changed (its content no longer matches its hash)",
            BreakKind::Missing => "missing (deleted, or the chain's tail was cut)",
            BreakKind::Reordered => "reordered (moved from its place in the chain)",
            BreakKind::ForgedTombstone => {
                "forged tombstone (the record of the events pruned up to here is not signed by \
                 this server's key: altered, or written with another key)"
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("audit chain {shard} at event {seq}: {}", kind.explain())]
pub struct ChainBreak {
    pub shard: u8,
    pub seq: u64,
    pub kind: BreakKind,
}

/// Verifies one shard's events in stored order; returns how many were checked.
pub fn verify_shard(shard: u8, events: &[AuditEvent]) -> Result<u64, ChainBreak> {
    verify_shard_from(shard, 1, GENESIS_HASH, events)
}

/// [`verify_shard`] for a chain whose first remaining event is `first_seq`, following
/// `prev_hash` (after a pruned prefix, see [`tombstone`]).
pub fn verify_shard_from(
    shard: u8,
    first_seq: u64,
    prev_hash: &str,
    events: &[AuditEvent],
) -> Result<u64, ChainBreak> {
    let mut expected_seq = first_seq;
    let mut prev_hash = prev_hash.to_string();
    for (index, event) in events.iter().enumerate() {
        let at = |kind| ChainBreak {
            shard,
            seq: event.seq,
            kind,
        };
        if event.shard != shard {
            return Err(at(BreakKind::Reordered));
        }
        if event.seq > expected_seq {
            // The expected event turning up later means a move; never turning up, a deletion.
            let moved = events[index..].iter().any(|e| e.seq == expected_seq);
            return Err(at(if moved {
                BreakKind::Reordered
            } else {
                BreakKind::Missing
            }));
        }
        if event.seq < expected_seq {
            return Err(at(BreakKind::Reordered));
        }
        let recomputed = chain_hash(
            shard,
            event.seq,
            &event.prev_hash,
            &event.record.canonical_body(),
        );
        if recomputed != event.hash {
            // Intact content hashed for another position was moved here; else it was edited.
            let body = event.record.canonical_body();
            let moved = events.iter().any(|other| {
                other.seq != event.seq
                    && chain_hash(shard, other.seq, &event.prev_hash, &body) == event.hash
            });
            return Err(at(if moved {
                BreakKind::Reordered
            } else {
                BreakKind::Changed
            }));
        }
        if event.prev_hash != prev_hash {
            // The event itself is intact but no longer follows its predecessor.
            return Err(at(BreakKind::Reordered));
        }
        prev_hash = event.hash.clone();
        expected_seq += 1;
    }
    Ok(expected_seq - first_seq)
}

/// A chain head as written to the checkpoint log now and then: an event that must still be
/// there, so a deleted tail (with the head rewritten to match) shows too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub at: DateTime<Utc>,
    pub shard: u8,
    pub seq: u64,
    pub hash: String,
}

impl Checkpoint {
    /// One line of the checkpoint log (JSON).
    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The checkpoints in a log's text; lines that are not checkpoints are skipped.
    pub fn parse_log(text: &str) -> Vec<Checkpoint> {
        text.lines()
            .filter_map(|l| serde_json::from_str(l.trim()).ok())
            .collect()
    }
}

/// Checks a shard's events against the checkpoints written for it: each checkpointed event must
/// still be there with the same hash. The first that is not is the break.
pub fn verify_checkpoints(
    shard: u8,
    events: &[AuditEvent],
    checkpoints: &[Checkpoint],
) -> Result<(), ChainBreak> {
    let mut mine: Vec<&Checkpoint> = checkpoints.iter().filter(|c| c.shard == shard).collect();
    mine.sort_by_key(|c| c.seq);
    for checkpoint in mine {
        let kind = match events.iter().find(|e| e.seq == checkpoint.seq) {
            None => BreakKind::Missing,
            Some(e) if e.hash != checkpoint.hash => BreakKind::Changed,
            Some(_) => continue,
        };
        return Err(ChainBreak {
            shard,
            seq: checkpoint.seq,
            kind,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(n: i64) -> AuditRecord {
        AuditRecord::new(
            DateTime::from_timestamp(1_800_000_000 + n, 123_456_789).unwrap(),
            AuditActor::user("u1", "Priya"),
            "user.signed_in",
            Origin {
                ip: Some("127.0.0.1".into()),
                user_agent: Some("test".into()),
            },
        )
        .object("user", "u1")
    }

    fn chain(n: u64) -> Vec<AuditEvent> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let record = record(seq as i64);
                let hash = chain_hash(3, seq, &prev, &record.canonical_body());
                let event = AuditEvent {
                    shard: 3,
                    seq,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    record,
                };
                prev = hash;
                event
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_counts_its_events() {
        assert_eq!(verify_shard(3, &chain(5)), Ok(5));
        assert_eq!(verify_shard(3, &[]), Ok(0));
    }

    #[test]
    fn a_changed_event_breaks_the_chain() {
        let mut events = chain(5);
        events[2].record.actor.label = "Mallory".into();
        assert_eq!(
            verify_shard(3, &events).unwrap_err(),
            ChainBreak {
                shard: 3,
                seq: 3,
                kind: BreakKind::Changed
            }
        );
    }

    #[test]
    fn a_changed_before_value_breaks_the_chain() {
        let mut events = chain(3);
        events[1].record.before = Some(json!({"role": "customer"}));
        assert_eq!(
            verify_shard(3, &events).unwrap_err().kind,
            BreakKind::Changed
        );
    }

    #[test]
    fn a_removed_event_breaks_the_chain() {
        let mut events = chain(5);
        events.remove(1);
        assert_eq!(
            verify_shard(3, &events).unwrap_err(),
            ChainBreak {
                shard: 3,
                seq: 3,
                kind: BreakKind::Missing
            }
        );
    }

    #[test]
    fn reordered_events_break_the_chain() {
        let mut events = chain(5);
        events.swap(1, 2);
        assert_eq!(
            verify_shard(3, &events).unwrap_err(),
            ChainBreak {
                shard: 3,
                seq: 3,
                kind: BreakKind::Reordered
            }
        );
    }

    #[test]
    fn a_renumbered_event_does_not_hide_a_swap() {
        let mut events = chain(4);
        events.swap(1, 2);
        events[1].seq = 2;
        events[2].seq = 3;
        assert!(verify_shard(3, &events).is_err());
    }

    #[test]
    fn canonical_body_sorts_keys_at_every_depth() {
        let a = record(1).after(json!({"b": 1, "a": {"d": 2, "c": 3}}));
        let body = a.canonical_body();
        assert!(
            body.contains(r#""after":{"a":{"c":3,"d":2},"b":1}"#),
            "{body}"
        );
        assert!(
            body.starts_with(r#"{"action":"user.signed_in","actor_id":"u1""#),
            "{body}"
        );
    }

    #[test]
    fn the_hash_is_sha256_hex_of_the_documented_string() {
        // printf '0|1|x|{}' | sha256sum
        assert_eq!(
            chain_hash(0, 1, "x", "{}"),
            "76c8fc3c8c403ba2b469b31953c00730dbd6a98353a4c09127d81f7fd70ce89b"
        );
    }

    #[test]
    fn moved_events_read_as_reordered_and_a_deleted_tail_breaks_a_checkpoint() {
        let events = chain(5);
        let mut swapped = events.clone();
        swapped[1].seq = 3;
        swapped[2].seq = 2;
        swapped.sort_by_key(|e| e.seq);
        assert_eq!(
            verify_shard(3, &swapped).unwrap_err(),
            ChainBreak {
                shard: 3,
                seq: 2,
                kind: BreakKind::Reordered
            }
        );

        let checkpoint = Checkpoint {
            at: events[4].record.at,
            shard: 3,
            seq: 5,
            hash: events[4].hash.clone(),
        };
        let log = format!("noise\n{}\n", checkpoint.line());
        let checkpoints = Checkpoint::parse_log(&log);
        assert_eq!(checkpoints, vec![checkpoint]);
        assert_eq!(verify_checkpoints(3, &events, &checkpoints), Ok(()));
        let truncated = &events[..3];
        assert_eq!(
            verify_shard(3, truncated),
            Ok(3),
            "the chain alone looks fine"
        );
        assert_eq!(
            verify_checkpoints(3, truncated, &checkpoints).unwrap_err(),
            ChainBreak {
                shard: 3,
                seq: 5,
                kind: BreakKind::Missing
            }
        );
        assert_eq!(verify_checkpoints(4, truncated, &checkpoints), Ok(()));
    }
}
