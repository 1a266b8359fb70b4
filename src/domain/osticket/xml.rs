//! `tickets.xml` bodies, read laxly as real senders write them: any simple value as a child
//! element or an attribute of the root, CDATA or escaped text, no XML declaration needed, and
//! (Kibana) bare `&` and `<` inside values. A value runs to its own closing tag. DTDs and entity
//! declarations are refused outright, so nothing is ever fetched or expanded.

use base64::Engine;

use super::{ApiFile, Submission};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError(pub String);

impl XmlError {
    /// osTicket's body: `XML error: ...`.
    pub fn body(&self) -> String {
        format!("XML error: {}", self.0)
    }
}

fn error(message: impl Into<String>) -> XmlError {
    XmlError(message.into())
}

/// An opening tag: its name, its attributes and whether it closed itself (`<name/>`).
type Tag = (String, Vec<(String, String)>, bool);

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    /// Skips whitespace, comments and processing instructions.
    fn skip_misc(&mut self) -> Result<(), XmlError> {
        loop {
            self.skip_space();
            let rest = self.rest();
            if rest.starts_with("<?") {
                let end = rest
                    .find("?>")
                    .ok_or_else(|| error("unclosed processing instruction"))?;
                self.at += end + 2;
            } else if rest.starts_with("<!--") {
                let end = rest.find("-->").ok_or_else(|| error("unclosed comment"))?;
                self.at += end + 3;
            } else if rest.starts_with("<!") && !rest.starts_with("<![CDATA[") {
                return Err(error("document type declarations are not accepted"));
            } else {
                return Ok(());
            }
        }
    }

    /// `<name attr="v" ...>` or `<name .../>`: the name, attributes and whether it closed itself.
    fn open_tag(&mut self) -> Result<Tag, XmlError> {
        let rest = self.rest();
        if !rest.starts_with('<') {
            return Err(error(format!("expected an element at byte {}", self.at)));
        }
        let end = tag_end(rest).ok_or_else(|| error("unclosed tag"))?;
        let inner = &rest[1..end];
        self.at += end + 1;
        let (inner, closed) = match inner.strip_suffix('/') {
            Some(inner) => (inner, true),
            None => (inner, false),
        };
        let name_len = inner
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inner.len());
        let name = inner[..name_len].to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        {
            return Err(error(format!("bad element name {name:?}")));
        }
        Ok((name, attributes(&inner[name_len..])?, closed))
    }

    /// The raw content up to `</name>`, and moves past that closing tag.
    fn content(&mut self, name: &str) -> Result<&'a str, XmlError> {
        let rest = self.rest();
        let closing = format!("</{name}");
        let mut search = 0;
        loop {
            // Skip CDATA sections: a closing tag inside one does not count.
            let next_cdata = rest[search..].find("<![CDATA[").map(|i| i + search);
            let next_close = rest[search..].find(&closing).map(|i| i + search);
            match (next_cdata, next_close) {
                (Some(c), Some(e)) if c < e => {
                    let end = rest[c..]
                        .find("]]>")
                        .ok_or_else(|| error("unclosed CDATA"))?;
                    search = c + end + 3;
                }
                (_, Some(e)) => {
                    let after = &rest[e + closing.len()..];
                    let gt = after.find('>').ok_or_else(|| error("unclosed end tag"))?;
                    if !after[..gt].trim().is_empty() {
                        search = e + closing.len();
                        continue;
                    }
                    self.at += e + closing.len() + gt + 1;
                    return Ok(&rest[..e]);
                }
                (_, None) => return Err(error(format!("<{name}> is not closed"))),
            }
        }
    }
}

/// The index of the `>` ending the tag that starts `text`, outside quoted attribute values.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes(text: &str) -> Result<Vec<(String, String)>, XmlError> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| error(format!("attribute without value in {text:?}")))?;
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or_else(|| error("unquoted attribute value"))?;
        let end = after[1..]
            .find(quote)
            .ok_or_else(|| error("unclosed attribute value"))?;
        out.push((name, decode(&after[1..1 + end])));
        rest = after[end + 2..].trim_start();
    }
    Ok(out)
}

/// Text content: CDATA sections as they are, the rest with entities decoded; trimmed.
fn text(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("<![CDATA[") {
        out.push_str(&decode(&rest[..start]));
        let after = &rest[start + 9..];
        let end = after.find("]]>").unwrap_or(after.len());
        out.push_str(&after[..end]);
        rest = after.get(end + 3..).unwrap_or("");
    }
    out.push_str(&decode(rest));
    out.trim().to_string()
}

/// The five XML entities and numeric references; a bare `&` stays as it is.
fn decode(text: &str) -> String {
    crate::domain::mail::quote::decode_entities(text)
}

fn attachments(cursor: &mut Cursor<'_>, submission: &mut Submission) -> Result<(), XmlError> {
    loop {
        cursor.skip_misc()?;
        if cursor.rest().starts_with("</") || cursor.rest().is_empty() {
            return Ok(());
        }
        let (name, attrs, closed) = cursor.open_tag()?;
        if closed {
            continue;
        }
        let raw = cursor.content(&name)?;
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.clone())
        };
        let body = text(raw);
        let bytes = if attr("encoding").is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
            let cleaned: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
                Ok(bytes) => bytes,
                Err(_) => {
                    submission.dropped_attachments += 1;
                    continue;
                }
            }
        } else {
            body.into_bytes()
        };
        submission.attachments.push(ApiFile {
            name: attr("name")
                .unwrap_or_else(|| format!("attachment-{}", submission.attachments.len() + 1)),
            content_type: attr("type").unwrap_or_else(|| "application/octet-stream".into()),
            bytes,
        });
    }
}

pub fn parse(body: &[u8]) -> Result<Submission, XmlError> {
    let text_body = std::str::from_utf8(body).map_err(|_| error("the body is not UTF-8"))?;
    let text_body = text_body.trim_start_matches('\u{feff}');
    if text_body.contains("<!ENTITY") || text_body.contains("<!DOCTYPE") {
        return Err(error(
            "document type declarations and entities are not accepted",
        ));
    }
    let mut cursor = Cursor {
        text: text_body,
        at: 0,
    };
    cursor.skip_misc()?;
    if cursor.rest().is_empty() {
        return Err(error("the body is empty"));
    }
    let (root, attrs, closed) = cursor.open_tag()?;
    let mut submission = Submission::default();
    for (name, value) in attrs {
        submission.values.insert(name, value);
    }
    if closed {
        return Ok(submission);
    }
    loop {
        cursor.skip_misc()?;
        let rest = cursor.rest();
        if rest.is_empty() {
            return Err(error(format!("<{root}> is not closed")));
        }
        if rest.starts_with("</") {
            break;
        }
        if !rest.starts_with('<') {
            // Stray text between elements: skip to the next tag.
            let next = rest.find('<').unwrap_or(rest.len());
            cursor.at += next;
            continue;
        }
        let (name, attrs, closed) = cursor.open_tag()?;
        if closed {
            submission.values.insert(name, String::new());
            continue;
        }
        if name.eq_ignore_ascii_case("attachments") {
            attachments(&mut cursor, &mut submission)?;
            cursor.content(&name)?;
            continue;
        }
        let value = text(cursor.content(&name)?);
        let html = name.eq_ignore_ascii_case("message")
            && attrs
                .iter()
                .any(|(k, v)| k == "type" && v.eq_ignore_ascii_case("text/html"));
        submission.values.insert(
            name,
            if html {
                format!("data:text/html,{value}")
            } else {
                value
            },
        );
    }
    Ok(submission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_with_attributes_cdata_and_attachments() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ticket alert="true" autorespond="false" source="API">
    <name>SOC Lab</name>
    <email>soc-lab@example.org</email>
    <subject>Lab &amp; test</subject>
    <message type="text/plain"><![CDATA[Line one
Line <two> & more]]></message>
    <attachments>
        <file name="evidence.txt" type="text/plain"><![CDATA[
            Evidence text
        ]]></file>
        <file name="pixel.gif" type="image/gif" encoding="base64">
            R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7
        </file>
        <file name="broken.bin" encoding="base64">@@@</file>
    </attachments>
    <ip>192.0.2.10</ip>
</ticket>"#;
        let s = parse(body.as_bytes()).unwrap();
        assert_eq!(s.values["autorespond"], "false");
        assert_eq!(s.values["subject"], "Lab & test");
        assert_eq!(s.values["message"], "Line one\nLine <two> & more");
        assert_eq!(s.values["ip"], "192.0.2.10");
        assert_eq!(s.attachments.len(), 2);
        assert_eq!(s.attachments[0].bytes, b"Evidence text");
        assert_eq!(&s.attachments[1].bytes[..6], b"GIF89a");
        assert_eq!(s.dropped_attachments, 1);
    }

    #[test]
    fn kibana_bodies_with_bare_ampersands_and_angle_brackets_are_read() {
        let body = "<ticket><email>siem@example.org</email><subject>Rule \"x\" & <y></subject><message>a < b && c</message></ticket>";
        let s = parse(body.as_bytes()).unwrap();
        assert_eq!(s.values["subject"], "Rule \"x\" & <y>");
        assert_eq!(s.values["message"], "a < b && c");
    }

    #[test]
    fn dtds_entities_and_broken_documents_are_refused() {
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><ticket><name>&x;</name></ticket>";
        assert!(
            parse(xxe.as_bytes())
                .unwrap_err()
                .body()
                .starts_with("XML error: ")
        );
        assert!(parse(b"").is_err());
        assert!(parse(b"<ticket><name>x</name>").is_err());
        assert!(parse(b"not xml").is_err());
        assert!(parse(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn html_messages_and_unknown_elements() {
        let s = parse(b"<ticket><message type=\"text/html\"><![CDATA[<b>hi</b>]]></message><n>typo</n><Severity>high</Severity></ticket>").unwrap();
        assert_eq!(s.values["message"], "data:text/html,<b>hi</b>");
        assert_eq!(s.values["n"], "typo");
        assert_eq!(s.values["Severity"], "high");
    }
}
