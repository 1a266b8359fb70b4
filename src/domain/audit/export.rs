//! Audit events written out for other tools: JSON lines (exact: every hashed field, so an export
//! can be re-verified on its own) and CSV for spreadsheets (formula-looking cells neutralised).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AuditActor, AuditEvent, AuditRecord, Origin};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "jsonl" | "json_lines" => Some(Self::JsonLines),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/x-ndjson",
        }
    }

    /// What comes before the first event (the CSV header line).
    pub fn header(self) -> &'static str {
        match self {
            Self::Csv => {
                "at,shard,seq,actor_kind,actor_id,actor_label,action,object_kind,object_id,before,after,ip,user_agent,prev_hash,hash\n"
            }
            Self::JsonLines => "",
        }
    }

    /// One event as one line, newline included.
    pub fn line(self, event: &AuditEvent) -> String {
        match self {
            Self::Csv => csv_line(event),
            Self::JsonLines => {
                let mut line = serde_json::to_string(&ExportedEvent::from(event))
                    .expect("an audit event always serialises");
                line.push('\n');
                line
            }
        }
    }
}

/// The flat JSON shape of one event (documented in the README; the SIEM stream uses it too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportedEvent {
    pub at: DateTime<Utc>,
    pub shard: u8,
    pub seq: u64,
    pub actor: AuditActor,
    pub action: String,
    pub object: ExportedObject,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportedObject {
    pub kind: String,
    pub id: String,
}

impl From<&AuditEvent> for ExportedEvent {
    fn from(event: &AuditEvent) -> Self {
        let r = &event.record;
        Self {
            at: r.at,
            shard: event.shard,
            seq: event.seq,
            actor: r.actor.clone(),
            action: r.action.clone(),
            object: ExportedObject {
                kind: r.object_kind.clone(),
                id: r.object_id.clone(),
            },
            before: r.before.clone(),
            after: r.after.clone(),
            ip: r.origin.ip.clone(),
            user_agent: r.origin.user_agent.clone(),
            prev_hash: event.prev_hash.clone(),
            hash: event.hash.clone(),
        }
    }
}

impl From<ExportedEvent> for AuditEvent {
    fn from(e: ExportedEvent) -> Self {
        Self {
            shard: e.shard,
            seq: e.seq,
            prev_hash: e.prev_hash,
            hash: e.hash,
            record: AuditRecord {
                at: e.at,
                actor: e.actor,
                action: e.action,
                object_kind: e.object.kind,
                object_id: e.object.id,
                before: e.before,
                after: e.after,
                origin: Origin {
                    ip: e.ip,
                    user_agent: e.user_agent,
                },
            },
        }
    }
}

fn csv_line(event: &AuditEvent) -> String {
    let r = &event.record;
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    let cells = [
        r.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        event.shard.to_string(),
        event.seq.to_string(),
        r.actor.kind.as_str().to_string(),
        r.actor.id.clone().unwrap_or_default(),
        r.actor.label.clone(),
        r.action.clone(),
        r.object_kind.clone(),
        r.object_id.clone(),
        json(&r.before),
        json(&r.after),
        r.origin.ip.clone().unwrap_or_default(),
        r.origin.user_agent.clone().unwrap_or_default(),
        event.prev_hash.clone(),
        event.hash.clone(),
    ];
    crate::domain::csv::line(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> AuditEvent {
        let record = AuditRecord::new(
            DateTime::parse_from_rfc3339("2026-11-28T10:00:00.123456789Z")
                .unwrap()
                .with_timezone(&Utc),
            AuditActor::user("u1", "priya@example.com"),
            "ticket.priority_changed",
            Origin {
                ip: Some("10.0.0.7".into()),
                user_agent: Some("=HYPERLINK(\"x\")".into()),
            },
        )
        .object("ticket", "482913")
        .before(json!({"priority": "normal"}))
        .after(json!({"priority": "high"}));
        AuditEvent {
            shard: 3,
            seq: 42,
            prev_hash: "a".repeat(64),
            hash: "b".repeat(64),
            record,
        }
    }

    #[test]
    fn a_json_line_reads_back_as_the_same_event() {
        let line = ExportFormat::JsonLines.line(&event());
        assert!(line.ends_with('\n') && !line.trim_end().contains('\n'));
        let back: ExportedEvent = serde_json::from_str(&line).unwrap();
        assert_eq!(AuditEvent::from(back), event());
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_neutralises_formulas() {
        let line = ExportFormat::Csv.line(&event());
        assert!(line.starts_with("2026-11-28T10:00:00.123456789Z,3,42,user,u1,priya@example.com,"));
        assert!(line.contains(r#""{""priority"":""high""}""#));
        assert!(line.contains(r#""'=HYPERLINK(""x"")""#));
    }
}
