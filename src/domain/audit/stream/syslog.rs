//! RFC 5424 syslog for the audit stream: one message per event, sent alone in a UDP datagram
//! (RFC 5426) or octet-counted on a TCP connection (RFC 6587 §3.4.1).

use chrono::SecondsFormat;
use serde_json::Value;

use crate::domain::audit::AuditEvent;
use crate::domain::audit::export::ExportedEvent;

/// Facility 13 (log audit) and severity 5 (notice): `13 * 8 + 5`. Every event gets the same
/// priority; a SIEM tells events apart by MSGID (the action) rather than by severity.
pub const PRI: u8 = 109;

/// The structured data element's id: Docket's name at the documentation enterprise number of
/// RFC 5612 (Docket has no IANA private enterprise number of its own).
pub const SD_ID: &str = "docket@32473";

/// The longest syslog message sent in one UDP datagram: below the 65,507 bytes IPv4 allows.
pub const MAX_DATAGRAM: usize = 65_000;

/// Who sends the syslog messages: HOSTNAME and PROCID of the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyslogSource {
    hostname: String,
    procid: String,
}

impl SyslogSource {
    /// HOSTNAME is the host of the help desk's public URL (`server.base_url`), so the SIEM sees
    /// which help desk spoke whichever replica sent it; PROCID is the process id.
    pub fn new(base_url: &str, procid: u32) -> Self {
        let authority = base_url
            .split_once("://")
            .map_or(base_url, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        Self {
            hostname: header_field(host, 255),
            procid: procid.to_string(),
        }
    }

    /// `<PRI>1 TIMESTAMP HOSTNAME docket PROCID MSGID [SD] MSG`: TIMESTAMP is the event's time
    /// (UTC, microseconds), MSGID its action, SD the fields a SIEM filters on (values in UTF-8,
    /// as RFC 5424 has them), MSG the event's JSON line with non-ASCII escaped, so MSG is plain
    /// ASCII and needs no BOM.
    pub fn message(&self, event: &AuditEvent) -> String {
        self.message_with(event, &json(event))
    }

    /// [`Self::message`], without `before` and `after` (and with `"truncated":true`) when the
    /// whole message would not fit in one datagram of [`MAX_DATAGRAM`] bytes.
    pub fn datagram(&self, event: &AuditEvent) -> String {
        let message = self.message(event);
        if message.len() <= MAX_DATAGRAM {
            return message;
        }
        let mut slim = serde_json::to_value(ExportedEvent::from(event)).unwrap_or_default();
        slim["before"] = Value::Null;
        slim["after"] = Value::Null;
        slim["truncated"] = Value::Bool(true);
        self.message_with(event, &slim.to_string())
    }

    fn message_with(&self, event: &AuditEvent, json: &str) -> String {
        let record = &event.record;
        let mut params = vec![
            ("shard", event.shard.to_string()),
            ("seq", event.seq.to_string()),
            ("hash", event.hash.clone()),
            ("actor_kind", record.actor.kind.as_str().to_string()),
        ];
        let optional = [
            ("actor_id", record.actor.id.as_deref()),
            ("actor_label", Some(record.actor.label.as_str())),
            ("object_kind", Some(record.object_kind.as_str())),
            ("object_id", Some(record.object_id.as_str())),
            ("ip", record.origin.ip.as_deref()),
        ];
        params.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| Some((name, value.filter(|v| !v.is_empty())?.into()))),
        );
        let data: String = params
            .iter()
            .map(|(name, value)| format!(" {name}=\"{}\"", sd_escape(value)))
            .collect();
        format!(
            "<{PRI}>1 {} {} docket {} {} [{SD_ID}{data}] {}",
            record.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.hostname,
            self.procid,
            header_field(&record.action, 32),
            ascii_json(json),
        )
    }
}

/// The event in the export's JSON shape, on one line.
fn json(event: &AuditEvent) -> String {
    serde_json::to_string(&ExportedEvent::from(event)).unwrap_or_default()
}

/// RFC 6587 §3.4.1 octet counting: the message's length in bytes, a space, the message.
pub fn octet_counted(message: &str) -> String {
    format!("{} {message}", message.len())
}

/// A header field (HOSTNAME, MSGID): printable US-ASCII only (33 to 126, others become `_`), at
/// most `max` characters, the NILVALUE `-` when empty.
fn header_field(text: &str, max: usize) -> String {
    let field: String = text
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .take(max)
        .collect();
    if field.is_empty() { "-".into() } else { field }
}

/// An SD-PARAM value: `"`, `\` and `]` are escaped with a backslash (RFC 5424 §6.3.3).
fn sd_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// JSON text with every non-ASCII character written as `\uXXXX` (surrogate pairs beyond the
/// BMP): still the same JSON, since such characters only occur inside strings.
fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditActor, AuditRecord, Origin};
    use chrono::DateTime;
    use serde_json::json;

    fn event(action: &str, label: &str) -> AuditEvent {
        AuditEvent {
            shard: 3,
            seq: 42,
            prev_hash: "p".repeat(64),
            hash: "h".repeat(64),
            record: AuditRecord::new(
                DateTime::from_timestamp(1_772_442_000, 123_456_789).unwrap(),
                AuditActor::user("u1", label),
                action,
                Origin {
                    ip: Some("192.0.2.7".into()),
                    user_agent: None,
                },
            )
            .object("user", "u1"),
        }
    }

    fn source() -> SyslogSource {
        SyslogSource::new("https://help.example.com/desk", 4242)
    }

    #[test]
    fn the_priority_is_log_audit_at_notice() {
        assert_eq!(PRI, 13 * 8 + 5);
    }

    #[test]
    fn the_header_carries_priority_version_time_host_app_process_and_action() {
        let message = source().message(&event("user.signed_in", "Priya"));
        assert!(
            message.starts_with(
                "<109>1 2026-03-02T09:00:00.123456Z help.example.com docket 4242 user.signed_in \
                 [docket@32473 shard=\"3\" seq=\"42\" hash=\"hhhh"
            ),
            "{message}"
        );
        assert!(
            message.contains(
                " actor_kind=\"user\" actor_id=\"u1\" actor_label=\"Priya\" object_kind=\"user\" \
                 object_id=\"u1\" ip=\"192.0.2.7\"] {"
            ),
            "{message}"
        );
    }

    #[test]
    fn the_message_ends_with_the_events_json_in_plain_ascii() {
        let message = source().message(&event("user.signed_in", "Zoë 🦀"));
        assert!(
            message.contains(r#"actor_label="Zoë 🦀""#),
            "SD values are UTF-8"
        );
        let json_text = &message[message.find("] {").unwrap() + 2..];
        assert!(json_text.is_ascii(), "{json_text}");
        let line: ExportedEvent = serde_json::from_str(json_text).unwrap();
        assert_eq!(line.actor.label, "Zoë 🦀");
        assert_eq!(AuditEvent::from(line), event("user.signed_in", "Zoë 🦀"));
    }

    #[test]
    fn msgid_keeps_to_32_printable_ascii_characters() {
        let long = "ticket.a_very_long_action_name_that_goes_on_and_on";
        let message = source().message(&event(long, "Priya"));
        let msgid = message.split(' ').nth(5).unwrap();
        assert_eq!(msgid, &long[..32]);
        let odd = source().message(&event("user signed\tin é", "Priya"));
        assert_eq!(odd.split(' ').nth(5).unwrap(), "user_signed_in__");
    }

    #[test]
    fn an_empty_hostname_or_action_is_the_nilvalue() {
        let message = SyslogSource::new("", 1).message(&event("", "Priya"));
        let fields: Vec<&str> = message.splitn(7, ' ').collect();
        assert_eq!((fields[2], fields[5]), ("-", "-"), "{message}");
    }

    #[test]
    fn structured_data_escapes_quote_backslash_and_bracket() {
        let message = source().message(&event("user.signed_in", r#"a"b\c]d"#));
        assert!(message.contains(r#"actor_label="a\"b\\c\]d""#), "{message}");
    }

    #[test]
    fn absent_parameters_are_left_out() {
        let mut quiet = event("setup.completed", "Docket");
        quiet.record.actor = AuditActor::system();
        quiet.record.object_kind.clear();
        quiet.record.object_id.clear();
        quiet.record.origin.ip = None;
        let message = source().message(&quiet);
        let data = &message[message.find('[').unwrap()..message.find("] {").unwrap()];
        for absent in ["actor_id=", "object_kind=", "object_id=", "ip="] {
            assert!(!data.contains(absent), "{data}");
        }
        assert!(data.contains("actor_kind=\"system\""), "{data}");
    }

    #[test]
    fn octet_counting_counts_bytes_not_characters() {
        assert_eq!(octet_counted("<109>1 é"), "9 <109>1 é");
        let message = source().message(&event("user.signed_in", "Priya"));
        let framed = octet_counted(&message);
        let (length, rest) = framed.split_once(' ').unwrap();
        assert_eq!(length.parse::<usize>().unwrap(), rest.len());
    }

    #[test]
    fn a_datagram_too_large_drops_before_and_after_and_says_so() {
        let mut small = event("ticket.replied", "Priya");
        small.record.after = Some(json!({"body": "short"}));
        assert_eq!(source().datagram(&small), source().message(&small));

        let mut large = event("ticket.replied", "Priya");
        large.record.before = Some(json!({"body": "x".repeat(40_000)}));
        large.record.after = Some(json!({"body": "y".repeat(40_000)}));
        let datagram = source().datagram(&large);
        assert!(datagram.len() <= MAX_DATAGRAM, "{}", datagram.len());
        let json_text = &datagram[datagram.find("] {").unwrap() + 2..];
        let line: Value = serde_json::from_str(json_text).unwrap();
        assert_eq!(line["truncated"], true);
        assert_eq!(
            (&line["before"], &line["after"]),
            (&Value::Null, &Value::Null)
        );
        assert_eq!(line["hash"], large.hash);
    }

    #[test]
    fn the_hostname_is_the_host_of_the_public_url() {
        for (base_url, host) in [
            ("https://help.example.com", "help.example.com"),
            ("http://127.0.0.1:3000", "127.0.0.1"),
            ("https://[2001:db8::1]:8443/desk", "2001:db8::1"),
        ] {
            let message = SyslogSource::new(base_url, 7).message(&event("a.b", "P"));
            assert_eq!(message.split(' ').nth(2).unwrap(), host, "{base_url}");
        }
    }
}
