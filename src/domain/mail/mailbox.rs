//! Mailboxes Docket fetches: an IMAP account, what to do with fetched mail, and where the tickets
//! it opens go.

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Catalog, options};
use crate::domain::config::{Item, check_name, check_ref};
use crate::domain::editor::{Opt, Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailboxDef {
    pub name: String,
    pub active: bool,
    /// The address customers write to (never auto-responded to: loop protection).
    pub address: String,
    pub host: String,
    pub port: i64,
    /// `tls` (implicit, port 993), `starttls` or `none` (loopback and tests only).
    pub security: String,
    pub username: String,
    /// The name of an environment variable holding the password (preferred).
    #[serde(default)]
    pub password_env: String,
    /// A password typed on the admin page; stored encrypted, never shown again. Empty when saving
    /// keeps the stored one.
    #[serde(default)]
    pub password: String,
    /// The stored password, encrypted with the server's secret key (set by the server only).
    #[serde(default)]
    pub sealed_password: Option<String>,
    pub folder: String,
    /// `archive` (move to `archive_folder`) or `delete`.
    pub after_fetch: String,
    pub archive_folder: String,
    pub interval_seconds: i64,
    pub department: String,
    pub help_topic: Option<String>,
}

impl MailboxDef {
    pub fn blank() -> MailboxDef {
        MailboxDef {
            name: String::new(),
            active: true,
            address: String::new(),
            host: String::new(),
            port: 993,
            security: "tls".into(),
            username: String::new(),
            password_env: String::new(),
            password: String::new(),
            sealed_password: None,
            folder: "INBOX".into(),
            after_fetch: "archive".into(),
            archive_folder: "Archive".into(),
            interval_seconds: 60,
            department: "support".into(),
            help_topic: None,
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::text("address", "Email address").hint("Where customers write; Docket never auto-responds to it."),
            Spec::text("host", "IMAP host"),
            Spec::number("port", "Port").hint("993 with TLS, 143 with STARTTLS."),
            Spec::choice(
                "security",
                "Security",
                vec![
                    Opt::new("tls", "TLS (implicit)"),
                    Opt::new("starttls", "STARTTLS"),
                    Opt::new("none", "None (loopback only)"),
                ],
            ),
            Spec::text("username", "User name"),
            Spec::text("password_env", "Password from environment variable")
                .hint("For example DOCKET_MAILBOX_SUPPORT_PASSWORD. Preferred: the password never reaches the database."),
            Spec::text("password", "Or password").hint(
                "Stored encrypted with the server's secret key and never shown again; leave empty to keep the stored one.",
            ),
            Spec::text("folder", "Folder"),
            Spec::choice(
                "after_fetch",
                "After fetching",
                vec![
                    Opt::new("archive", "Move to the archive folder"),
                    Opt::new("delete", "Delete"),
                ],
            ),
            Spec::text("archive_folder", "Archive folder").shown_when("after_fetch", &["archive"]),
            Spec::number("interval_seconds", "Fetch every (seconds)"),
            Spec::choice("department", "Department for new tickets", options(&catalog.departments)),
            Spec::optional_choice("help_topic", "Help topic for new tickets", options(&catalog.topics))
                .hint("None: the default help topic."),
        ])
    }

    /// Whether the mailbox has a password source.
    pub fn has_password(&self) -> bool {
        !self.password_env.is_empty() || !self.password.is_empty() || self.sealed_password.is_some()
    }
}

fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

impl Item for MailboxDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        if crate::domain::user::Email::parse(&self.address).is_err() {
            errors.push(FieldError::new(
                "address",
                "Enter the mailbox's email address.",
            ));
        }
        if !is_host(&self.host) {
            errors.push(FieldError::new(
                "host",
                "Enter a host name or address, like imap.example.com.",
            ));
        }
        if !(1..=65535).contains(&self.port) {
            errors.push(FieldError::new("port", "Enter a port between 1 and 65535."));
        }
        if !matches!(self.security.as_str(), "tls" | "starttls" | "none") {
            errors.push(FieldError::new("security", "Choose TLS, STARTTLS or none."));
        }
        if self.username.trim().is_empty() {
            errors.push(FieldError::new(
                "username",
                "Enter the user name to sign in with.",
            ));
        }
        if !self.password_env.is_empty()
            && !self
                .password_env
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            errors.push(FieldError::new(
                "password_env",
                "Use an environment variable name in capitals, digits and _.",
            ));
        }
        if !self.has_password() {
            errors.push(FieldError::new(
                "password",
                "Give a password, or the environment variable that holds it.",
            ));
        }
        if self.folder.trim().is_empty() {
            errors.push(FieldError::new(
                "folder",
                "Enter the folder to fetch, usually INBOX.",
            ));
        }
        match self.after_fetch.as_str() {
            "archive" if self.archive_folder.trim().is_empty() => errors.push(FieldError::new(
                "archive_folder",
                "Enter the folder fetched mail moves to.",
            )),
            "archive" | "delete" => {}
            _ => errors.push(FieldError::new("after_fetch", "Choose archive or delete.")),
        }
        if !(10..=86_400).contains(&self.interval_seconds) {
            errors.push(FieldError::new(
                "interval_seconds",
                "Fetch every 10 seconds to once a day.",
            ));
        }
        if !crate::domain::catalog::knows(&catalog.departments, &self.department) {
            errors.push(FieldError::new(
                "department",
                "Choose an active department.",
            ));
        }
        check_ref(
            &catalog.topics,
            self.help_topic.as_deref(),
            "help_topic",
            "Choose an active help topic.",
            &mut errors,
        );
        errors
    }

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.address = self.address.trim().to_ascii_lowercase();
        self.host = self.host.trim().to_string();
        self.username = self.username.trim().to_string();
        self.password_env = self.password_env.trim().to_string();
        self.folder = self.folder.trim().to_string();
        self.archive_folder = self.archive_folder.trim().to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::Named;

    #[test]
    fn a_mailbox_needs_a_host_a_password_source_and_a_department() {
        let catalog = Catalog {
            departments: vec![Named {
                key: "support".into(),
                name: "Support".into(),
            }],
            ..Catalog::default()
        };
        let mut mailbox = MailboxDef {
            name: "Support".into(),
            address: "Support@Example.test".into(),
            host: "imap.example.test".into(),
            username: "support".into(),
            password_env: "DOCKET_MAILBOX_PASSWORD".into(),
            ..MailboxDef::blank()
        };
        mailbox.normalize();
        assert_eq!(mailbox.address, "support@example.test");
        assert!(mailbox.validate(None, &catalog).is_empty());
        let broken = MailboxDef {
            host: "imap example".into(),
            password_env: String::new(),
            port: 0,
            department: "gone".into(),
            ..mailbox
        };
        let fields: Vec<String> = broken
            .validate(None, &catalog)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["host", "port", "password", "department"]);
    }
}
