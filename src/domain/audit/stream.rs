//! Streaming the trail to a SIEM: the targets `audit.stream` names and how one event reads on
//! each of them (a JSON line, or an RFC 5424 syslog message in a datagram or an octet-counted frame).

use std::fmt;
use std::time::Duration;

use super::AuditEvent;
use super::export::ExportFormat;

pub mod syslog;

pub use syslog::{SyslogSource, octet_counted};

/// Where `audit.stream` sends the trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamTarget {
    /// JSON lines on standard output (beside the logs).
    Stdout,
    /// JSON lines appended to a file, fsync'd before the cursor moves on.
    File(String),
    /// RFC 5424 syslog to a collector.
    Syslog {
        transport: SyslogTransport,
        host: String,
        port: u16,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyslogTransport {
    /// One message per datagram (RFC 5426); lost when the collector is not listening.
    Udp,
    /// Octet-counted frames on one connection (RFC 6587 §3.4.1).
    Tcp,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("unknown audit stream target {0:?}")]
    Unknown(String),
    #[error("audit stream target {0:?} is listed twice")]
    Duplicate(String),
}

impl TargetError {
    /// The entry refused, as written.
    pub fn target(&self) -> &str {
        match self {
            Self::Unknown(target) | Self::Duplicate(target) => target,
        }
    }
}

impl StreamTarget {
    /// One target: `stdout`, `file:PATH`, `syslog+udp://HOST:PORT` or `syslog+tcp://HOST:PORT`
    /// (an IPv6 host in brackets).
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        let text = text.trim();
        let unknown = || TargetError::Unknown(text.to_string());
        if text == "stdout" {
            return Ok(Self::Stdout);
        }
        if let Some(path) = text.strip_prefix("file:") {
            return (!path.trim().is_empty())
                .then(|| Self::File(path.trim().to_string()))
                .ok_or_else(unknown);
        }
        let (transport, address) = if let Some(rest) = text.strip_prefix("syslog+udp://") {
            (SyslogTransport::Udp, rest)
        } else if let Some(rest) = text.strip_prefix("syslog+tcp://") {
            (SyslogTransport::Tcp, rest)
        } else {
            return Err(unknown());
        };
        let (host, port) = address.rsplit_once(':').ok_or_else(unknown)?;
        let port: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(unknown)?;
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let plausible = !bare.is_empty()
            && !bare.contains(['/', '[', ']', '@', '?', '#'])
            && !bare.contains(char::is_whitespace)
            && (bare.contains(':') == (bare != host));
        plausible
            .then(|| Self::Syslog {
                transport,
                host: bare.to_string(),
                port,
            })
            .ok_or_else(unknown)
    }

    /// A comma-separated list; empty entries are ignored, a target listed twice is refused.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, TargetError> {
        let mut targets: Vec<Self> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let target = Self::parse(entry)?;
            if targets.contains(&target) {
                return Err(TargetError::Duplicate(entry.to_string()));
            }
            targets.push(target);
        }
        Ok(targets)
    }

    /// The event as this target receives it: a JSON line (the export's shape) with its newline, a
    /// syslog message that fits one datagram, or an octet-counted syslog frame.
    pub fn encode(&self, event: &AuditEvent, source: &SyslogSource) -> String {
        match self {
            Self::Stdout | Self::File(_) => ExportFormat::JsonLines.line(event),
            Self::Syslog {
                transport: SyslogTransport::Udp,
                ..
            } => source.datagram(event),
            Self::Syslog {
                transport: SyslogTransport::Tcp,
                ..
            } => octet_counted(&source.message(event)),
        }
    }
}

/// How long a target waits after its `failures`-th failure in a row before its events are sent
/// again (from its cursor): a second, doubling, at most half a minute.
pub fn retry_delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(5);
    Duration::from_secs(1 << doublings).min(Duration::from_secs(30))
}

/// The canonical spelling, also the key its cursor is stored under: writing a target differently
/// (another transport, port or path) makes it a new target that starts from the beginning.
impl fmt::Display for StreamTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stdout => f.write_str("stdout"),
            Self::File(path) => write!(f, "file:{path}"),
            Self::Syslog {
                transport,
                host,
                port,
            } => {
                let scheme = match transport {
                    SyslogTransport::Udp => "syslog+udp",
                    SyslogTransport::Tcp => "syslog+tcp",
                };
                if host.contains(':') {
                    write!(f, "{scheme}://[{host}]:{port}")
                } else {
                    write!(f, "{scheme}://{host}:{port}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::export::ExportedEvent;
    use crate::domain::audit::{AuditActor, AuditRecord, Origin, chain_hash};
    use chrono::DateTime;
    use serde_json::json;

    fn udp(host: &str, port: u16) -> StreamTarget {
        StreamTarget::Syslog {
            transport: SyslogTransport::Udp,
            host: host.into(),
            port,
        }
    }

    fn event() -> AuditEvent {
        let record = AuditRecord::new(
            DateTime::from_timestamp(1_772_442_000, 5).unwrap(),
            AuditActor::user("u1", "Zoë"),
            "user.signed_in",
            Origin {
                ip: Some("192.0.2.7".into()),
                user_agent: Some("curl/8".into()),
            },
        )
        .object("user", "u1")
        .after(json!({"b": 1, "a": [true]}));
        let prev_hash = "0".repeat(64);
        AuditEvent {
            shard: 5,
            seq: 9,
            hash: chain_hash(5, 9, &prev_hash, &record.canonical_body()),
            prev_hash,
            record,
        }
    }

    #[test]
    fn targets_parse_from_their_documented_spellings() {
        assert_eq!(StreamTarget::parse("stdout"), Ok(StreamTarget::Stdout));
        assert_eq!(
            StreamTarget::parse(" file:/var/log/docket/audit.jsonl "),
            Ok(StreamTarget::File("/var/log/docket/audit.jsonl".into()))
        );
        assert_eq!(
            StreamTarget::parse("syslog+udp://siem.example.com:514"),
            Ok(udp("siem.example.com", 514))
        );
        assert_eq!(
            StreamTarget::parse("syslog+tcp://[2001:db8::5]:6514"),
            Ok(StreamTarget::Syslog {
                transport: SyslogTransport::Tcp,
                host: "2001:db8::5".into(),
                port: 6514
            })
        );
    }

    #[test]
    fn a_target_prints_as_it_parses_so_its_cursor_key_is_stable() {
        for text in [
            "stdout",
            "file:audit.jsonl",
            "syslog+udp://10.0.0.9:514",
            "syslog+tcp://[::1]:601",
        ] {
            assert_eq!(StreamTarget::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn unknown_or_incomplete_targets_are_refused_by_name() {
        for text in [
            "stderr",
            "file:",
            "syslog://siem:514",
            "syslog+udp://siem",
            "syslog+udp://:514",
            "syslog+udp://siem:0",
            "syslog+tcp://siem:70000",
            "syslog+tcp://::1:514",
            "syslog+tcp://[10.0.0.1]:514",
            "syslog+tcp://user@siem:514",
            "https://siem.example.com/ingest",
        ] {
            assert_eq!(
                StreamTarget::parse(text),
                Err(TargetError::Unknown(text.into())),
                "{text}"
            );
        }
    }

    #[test]
    fn a_list_ignores_blanks_and_refuses_a_target_listed_twice() {
        assert_eq!(StreamTarget::parse_list(""), Ok(vec![]));
        assert_eq!(
            StreamTarget::parse_list("stdout, ,syslog+udp://10.0.0.9:514,"),
            Ok(vec![StreamTarget::Stdout, udp("10.0.0.9", 514)])
        );
        assert_eq!(
            StreamTarget::parse_list("stdout,stdout"),
            Err(TargetError::Duplicate("stdout".into()))
        );
        assert_eq!(
            StreamTarget::parse_list("stdout,smtp://x"),
            Err(TargetError::Unknown("smtp://x".into()))
        );
    }

    #[test]
    fn a_failing_target_waits_a_second_doubling_up_to_half_a_minute() {
        let waits: Vec<u64> = (1..=8).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(retry_delay(u32::MAX).as_secs(), 30);
    }

    #[test]
    fn files_and_stdout_get_one_json_line_per_event_that_recomputes_its_hash() {
        let source = SyslogSource::new("http://127.0.0.1:3000", 1);
        let event = event();
        for target in [StreamTarget::Stdout, StreamTarget::File("a.jsonl".into())] {
            let line = target.encode(&event, &source);
            assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
            let parsed: ExportedEvent = serde_json::from_str(&line).unwrap();
            let back = AuditEvent::from(parsed);
            assert_eq!(
                chain_hash(
                    back.shard,
                    back.seq,
                    &back.prev_hash,
                    &back.record.canonical_body()
                ),
                event.hash
            );
        }
    }

    #[test]
    fn tcp_frames_by_octet_count_and_udp_sends_the_bare_message() {
        let source = SyslogSource::new("http://127.0.0.1:3000", 1);
        let event = event();
        let message = source.message(&event);
        assert_eq!(udp("h", 514).encode(&event, &source), message);
        let tcp = StreamTarget::parse("syslog+tcp://h:514").unwrap();
        assert_eq!(
            tcp.encode(&event, &source),
            format!("{} {message}", message.len())
        );
    }
}
