//! The osTicket ticket API's request bodies (`../shared/OSTICKET_API.md`): JSON and lax XML read
//! into one [`Submission`], RFC 2397 data URLs, and the checks osTicket makes. Pure: no I/O.

pub mod data_url;
pub mod json;
pub mod xml;

use std::collections::BTreeMap;

pub use data_url::DataUrl;

/// A file sent with the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a request said, before checks: every simple value by its field name (as sent, any case),
/// and the attachments that decoded (broken ones are dropped and counted).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submission {
    pub values: BTreeMap<String, String>,
    pub attachments: Vec<ApiFile>,
    pub dropped_attachments: usize,
}

/// A request that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTicket {
    pub email: String,
    pub name: Option<String>,
    pub subject: String,
    /// The message as text; `html` holds the HTML when it came as `data:text/html`.
    pub message: String,
    pub html: Option<String>,
    pub alert: bool,
    pub autorespond: bool,
    pub source: String,
    pub ip: Option<String>,
    /// The phone number and its extension (written after a capital X).
    pub phone: Option<(String, Option<String>)>,
    /// osTicket's priority id (1 Low ... 4 Emergency by default): the Nth priority by urgency.
    pub priority_id: Option<i64>,
    pub topic_id: Option<String>,
    pub attachments: Vec<ApiFile>,
    /// Everything else, by name: matched against custom field names, unknown ones ignored.
    pub fields: BTreeMap<String, String>,
}

/// The fields Docket reads itself (the rest may be custom fields).
const KNOWN: [&str; 13] = [
    "email",
    "name",
    "subject",
    "message",
    "alert",
    "autorespond",
    "source",
    "ip",
    "phone",
    "priority",
    "priorityid",
    "topicid",
    "attachments",
];

/// A value as a boolean the way clients send them: true/false, 1/0, yes/no (any case).
fn boolean(value: Option<&String>, default: bool) -> bool {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => false,
        Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => true,
        _ => default,
    }
}

/// One problem with a request, named by its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

impl Submission {
    fn get(&self, name: &str) -> Option<&String> {
        self.values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// osTicket's checks: email, subject and message are required, a name when `known_email` is
    /// false; the message may be a data URL.
    pub fn check(self, known_email: impl Fn(&str) -> bool) -> Result<ApiTicket, Vec<Problem>> {
        let mut problems = Vec::new();
        let email = self.text("email");
        match &email {
            None => problems.push(Problem {
                field: "email",
                message: "Email address is required".into(),
            }),
            Some(e) if crate::domain::user::Email::parse(e).is_err() => problems.push(Problem {
                field: "email",
                message: "Valid email address required".into(),
            }),
            Some(_) => {}
        }
        let name = self.text("name");
        if name.is_none() && email.as_deref().is_some_and(|e| !known_email(e)) {
            problems.push(Problem {
                field: "name",
                message: "Name is required for a new user".into(),
            });
        }
        let subject = self.text("subject");
        if subject.is_none() {
            problems.push(Problem {
                field: "subject",
                message: "Subject is required".into(),
            });
        }
        let (message, html) = match self.get("message").map(|m| m.trim().to_string()) {
            Some(m) if m.starts_with("data:") => match DataUrl::parse(&m) {
                Some(url) if url.is_html() => {
                    let html = url.text();
                    (crate::domain::mail::quote::html_to_text(&html), Some(html))
                }
                Some(url) => (url.text(), None),
                None => (String::new(), None),
            },
            Some(m) => (m, None),
            None => (String::new(), None),
        };
        if message.trim().is_empty() {
            problems.push(Problem {
                field: "message",
                message: "Message content is required".into(),
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let phone = self.text("phone").map(|p| match p.split_once(['X', 'x']) {
            Some((number, ext)) if !ext.trim().is_empty() => {
                (number.trim().to_string(), Some(ext.trim().to_string()))
            }
            _ => (p, None),
        });
        let priority_id = self
            .text("priorityId")
            .or_else(|| self.text("priority"))
            .and_then(|p| p.parse::<i64>().ok());
        let fields = self
            .values
            .iter()
            .filter(|(k, _)| !KNOWN.contains(&k.to_ascii_lowercase().as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(ApiTicket {
            email: email.unwrap_or_default().to_ascii_lowercase(),
            name,
            subject: subject.unwrap_or_default(),
            message,
            html,
            alert: boolean(self.get("alert"), true),
            autorespond: boolean(self.get("autorespond"), true),
            source: self.text("source").unwrap_or_else(|| "API".into()),
            ip: self.text("ip"),
            phone,
            priority_id,
            topic_id: self.text("topicId"),
            attachments: self.attachments,
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(pairs: &[(&str, &str)]) -> Submission {
        Submission {
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Submission::default()
        }
    }

    #[test]
    fn required_fields_are_named() {
        let problems = submission(&[("email", "x@example.org")])
            .check(|_| false)
            .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "subject", "message"]);
        // A known user needs no name.
        let problems = submission(&[("email", "x@example.org")])
            .check(|_| true)
            .unwrap_err();
        assert_eq!(problems[0].field, "subject");
    }

    #[test]
    fn flags_ids_phone_and_unknown_fields_are_read_as_osticket_does() {
        let ticket = submission(&[
            ("email", "Priya@Example.org"),
            ("name", "Priya"),
            ("subject", "Phish"),
            (
                "message",
                "data:text/html,Finance forwarded a <b>suspicious invoice</b>.",
            ),
            ("alert", "false"),
            ("autorespond", "0"),
            ("priorityId", "3"),
            ("topicid", "2"),
            ("phone", "318-555-0142X27"),
            ("severity_hint", "high"),
        ])
        .check(|_| false)
        .unwrap();
        assert_eq!(ticket.email, "priya@example.org");
        assert_eq!(ticket.message, "Finance forwarded a suspicious invoice.");
        assert_eq!(
            ticket.html.as_deref(),
            Some("Finance forwarded a <b>suspicious invoice</b>.")
        );
        assert!(!ticket.alert && !ticket.autorespond);
        assert_eq!(ticket.priority_id, Some(3));
        assert_eq!(ticket.topic_id.as_deref(), Some("2"));
        assert_eq!(
            ticket.phone,
            Some(("318-555-0142".into(), Some("27".into())))
        );
        assert_eq!(ticket.source, "API");
        assert_eq!(
            ticket.fields.get("severity_hint").map(String::as_str),
            Some("high")
        );
        assert!(!ticket.fields.contains_key("topicid"));
    }
}
