//! Raw RFC 5322 bytes to [`IncomingMail`], with mail-parser: charsets, encoded words, MIME parts,
//! attachments and inline images.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};

use crate::domain::mail::incoming::{Address, IncomingAttachment, IncomingMail};
use crate::domain::mail::quote::html_to_text;

/// The most a message may carry in attachments; larger ones are dropped (and noted).
const MAX_PARTS: usize = 50;

/// Parses a message; `None` when the bytes are no email at all (no headers).
pub fn parse(raw: &[u8]) -> Option<IncomingMail> {
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let addresses = |value: Option<&mail_parser::Address<'_>>| -> Vec<Address> {
        value
            .map(|a| {
                a.iter()
                    .filter_map(|addr| {
                        addr.address().map(|email| Address {
                            email: email.trim().to_ascii_lowercase(),
                            name: addr
                                .name()
                                .map(|n| n.trim().to_string())
                                .filter(|n| !n.is_empty()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let ids = |value: &HeaderValue<'_>| -> Vec<String> {
        match value {
            HeaderValue::Text(id) => vec![clean_id(id)],
            HeaderValue::TextList(ids) => ids.iter().map(|id| clean_id(id)).collect(),
            _ => Vec::new(),
        }
        .into_iter()
        .filter(|id| !id.is_empty())
        .collect()
    };
    // (mail-parser makes HTML of a text part when there is no HTML part: only a real one counts.)
    let html = message
        .html_part(0)
        .filter(|part| part.is_text_html())
        .and_then(|_| message.body_html(0))
        .map(|h| h.into_owned());
    let text = match message.text_part(0) {
        Some(part) if !part.is_text_html() => message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        _ => html.as_deref().map(html_to_text).unwrap_or_default(),
    };
    let mut attachments = Vec::new();
    for part in message.attachments().take(MAX_PARTS) {
        // A forwarded message or a bounce's original: kept as a .eml file.
        let (name, content_type) = if part.is_message() {
            (
                part.attachment_name().unwrap_or("message.eml").to_string(),
                "message/rfc822".to_string(),
            )
        } else {
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into());
            let name = part
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| format!("attachment-{}", attachments.len() + 1));
            (name, content_type)
        };
        attachments.push(IncomingAttachment {
            name,
            content_type,
            bytes: part.contents().to_vec(),
            inline: part.content_id().is_some()
                && part
                    .content_disposition()
                    .is_none_or(|d| !d.is_attachment()),
        });
    }
    let headers = message
        .headers_raw()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                value.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    let is_report = message.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    Some(IncomingMail {
        message_id: message
            .message_id()
            .map(clean_id)
            .filter(|id| !id.is_empty()),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        from: addresses(message.from())
            .into_iter()
            .next()
            .unwrap_or_default(),
        reply_to: addresses(message.reply_to()).into_iter().next(),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        subject: message
            .subject()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        text,
        html,
        attachments,
        headers,
        is_report,
    })
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_message_with_encoded_words_and_an_attachment() {
        let raw = "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <Juergen@Example.COM>\r\n\
To: support@example.test\r\n\
Subject: =?ISO-8859-1?Q?Drucker_kaputt_=E4?=\r\n\
Message-ID: <abc123@mail.example.com>\r\n\
In-Reply-To: <docket.1.a.b@example.test>\r\n\
References: <r1@x> <r2@y>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Gr=FC=DFe, der Drucker\r\n\
--b1\r\n\
Content-Type: text/plain; name=\"log.txt\"\r\n\
Content-Disposition: attachment; filename=\"log.txt\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
aGVsbG8=\r\n\
--b1--\r\n";
        let mail = parse(raw.as_bytes()).expect("parses");
        assert_eq!(mail.from.email, "juergen@example.com");
        assert_eq!(mail.from.name.as_deref(), Some("Jürgen Müller"));
        assert_eq!(mail.subject, "Drucker kaputt ä");
        assert_eq!(mail.message_id.as_deref(), Some("abc123@mail.example.com"));
        assert_eq!(mail.in_reply_to, ["docket.1.a.b@example.test"]);
        assert_eq!(mail.references, ["r1@x", "r2@y"]);
        assert_eq!(mail.text.trim(), "Grüße, der Drucker");
        assert_eq!(mail.html, None, "no HTML part, no HTML");
        assert_eq!(mail.attachments.len(), 1);
        assert_eq!(mail.attachments[0].name, "log.txt");
        assert_eq!(mail.attachments[0].bytes, b"hello");
        assert!(!mail.attachments[0].inline);
    }

    #[test]
    fn an_html_only_message_becomes_text() {
        let raw = "From: a@example.com\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello&nbsp;<b>there</b></p><p>Line&amp;two</p><script>x()</script>";
        let mail = parse(raw.as_bytes()).unwrap();
        assert_eq!(mail.text, "Hello there\n\nLine&two");
        assert!(mail.html.is_some());
    }

    #[test]
    fn garbage_is_not_mail() {
        assert!(parse(b"").is_none());
    }
}
