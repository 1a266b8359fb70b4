//! Email templates: what Docket sends for each event, editable per department by admins, with
//! `{variable}` placeholders filled from the ticket. Defaults are seeded and used whenever no
//! active template of a kind exists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Catalog, options};
use crate::domain::config::{Item, check_name, check_ref};
use crate::domain::editor::{Opt, Schema, Spec};
use crate::error::FieldError;

/// The events Docket writes email for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// To the requester when a ticket opens (marked `Auto-Submitted: auto-replied`).
    AutoResponse,
    /// An agent's reply, to the requester and collaborators.
    AgentReply,
    /// To agents: a new ticket or a new customer message.
    NewMessageAlert,
    AssignmentAlert,
    TransferAlert,
    /// To the assignee, manager or team when an SLA escalation step says so.
    SlaEscalation,
    GuestLink,
    PasswordReset,
    AgentInvite,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 9] = [
        TemplateKind::AutoResponse,
        TemplateKind::AgentReply,
        TemplateKind::NewMessageAlert,
        TemplateKind::AssignmentAlert,
        TemplateKind::TransferAlert,
        TemplateKind::SlaEscalation,
        TemplateKind::GuestLink,
        TemplateKind::PasswordReset,
        TemplateKind::AgentInvite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::AutoResponse => "auto_response",
            TemplateKind::AgentReply => "agent_reply",
            TemplateKind::NewMessageAlert => "new_message_alert",
            TemplateKind::AssignmentAlert => "assignment_alert",
            TemplateKind::TransferAlert => "transfer_alert",
            TemplateKind::SlaEscalation => "sla_escalation",
            TemplateKind::GuestLink => "guest_link",
            TemplateKind::PasswordReset => "password_reset",
            TemplateKind::AgentInvite => "agent_invite",
        }
    }

    pub fn parse(s: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::AutoResponse => "New ticket auto-response",
            TemplateKind::AgentReply => "Agent reply to customer",
            TemplateKind::NewMessageAlert => "New message alert (agents)",
            TemplateKind::AssignmentAlert => "Assignment alert",
            TemplateKind::TransferAlert => "Transfer alert",
            TemplateKind::SlaEscalation => "SLA escalation alert",
            TemplateKind::GuestLink => "Guest access link",
            TemplateKind::PasswordReset => "Password reset",
            TemplateKind::AgentInvite => "Agent invitation",
        }
    }

    /// Whether mail of this kind belongs to a ticket's conversation (threading headers, `[#n]`).
    pub fn is_ticket_mail(self) -> bool {
        !matches!(
            self,
            TemplateKind::PasswordReset | TemplateKind::AgentInvite
        )
    }

    /// The placeholders this kind fills.
    pub fn variables(self) -> &'static [&'static str] {
        const TICKET: &[&str] = &[
            "ticket.number",
            "ticket.subject",
            "ticket.status",
            "ticket.priority",
            "ticket.department",
            "ticket.url",
            "requester.name",
            "requester.first_name",
            "requester.email",
            "helpdesk.name",
            "recipient.name",
        ];
        match self {
            TemplateKind::AutoResponse => TICKET,
            TemplateKind::AgentReply => &[
                "ticket.number",
                "ticket.subject",
                "ticket.status",
                "ticket.url",
                "requester.name",
                "requester.first_name",
                "agent.name",
                "message",
                "helpdesk.name",
                "recipient.name",
            ],
            TemplateKind::NewMessageAlert => &[
                "ticket.number",
                "ticket.subject",
                "ticket.priority",
                "ticket.department",
                "ticket.agent_url",
                "requester.name",
                "requester.email",
                "message",
                "helpdesk.name",
                "recipient.name",
            ],
            TemplateKind::AssignmentAlert | TemplateKind::TransferAlert => &[
                "ticket.number",
                "ticket.subject",
                "ticket.priority",
                "ticket.department",
                "ticket.agent_url",
                "requester.name",
                "agent.name",
                "helpdesk.name",
                "recipient.name",
            ],
            TemplateKind::SlaEscalation => &[
                "ticket.number",
                "ticket.subject",
                "ticket.priority",
                "ticket.department",
                "ticket.agent_url",
                "sla.event",
                "helpdesk.name",
                "recipient.name",
            ],
            TemplateKind::GuestLink => &[
                "ticket.number",
                "ticket.subject",
                "link",
                "link.expires",
                "helpdesk.name",
                "recipient.name",
            ],
            TemplateKind::PasswordReset | TemplateKind::AgentInvite => {
                &["link", "link.expires", "helpdesk.name", "recipient.name"]
            }
        }
    }

    /// The seeded text: subject, plain text and HTML.
    pub fn default_text(self) -> (&'static str, &'static str, &'static str) {
        match self {
            TemplateKind::AutoResponse => (
                "We received your request: {ticket.subject}",
                "Hello {requester.first_name},\n\nThank you for contacting {helpdesk.name}. Your request has been received as ticket #{ticket.number} and an agent will answer soon.\n\nYou can follow it at {ticket.url} or reply to this email to add to it.\n\n{helpdesk.name}",
                "<p>Hello {requester.first_name},</p><p>Thank you for contacting {helpdesk.name}. Your request has been received as ticket <b>#{ticket.number}</b> and an agent will answer soon.</p><p>You can <a href=\"{ticket.url}\">follow it online</a> or reply to this email to add to it.</p><p>{helpdesk.name}</p>",
            ),
            TemplateKind::AgentReply => (
                "Re: {ticket.subject}",
                "{message}\n\n-- \n{agent.name}, {helpdesk.name}\nTicket #{ticket.number} ({ticket.status}): {ticket.url}",
                "<div>{message}</div><p>-- <br>{agent.name}, {helpdesk.name}<br>Ticket <a href=\"{ticket.url}\">#{ticket.number}</a> ({ticket.status})</p>",
            ),
            TemplateKind::NewMessageAlert => (
                "New message: {ticket.subject}",
                "{requester.name} <{requester.email}> wrote on ticket #{ticket.number} ({ticket.department}, {ticket.priority}):\n\n{message}\n\nOpen the ticket: {ticket.agent_url}",
                "<p>{requester.name} &lt;{requester.email}&gt; wrote on ticket <b>#{ticket.number}</b> ({ticket.department}, {ticket.priority}):</p><blockquote>{message}</blockquote><p><a href=\"{ticket.agent_url}\">Open the ticket</a></p>",
            ),
            TemplateKind::AssignmentAlert => (
                "Assigned to you: {ticket.subject}",
                "Hello {recipient.name},\n\n{agent.name} assigned ticket #{ticket.number} from {requester.name} to you ({ticket.department}, {ticket.priority}).\n\nOpen the ticket: {ticket.agent_url}",
                "<p>Hello {recipient.name},</p><p>{agent.name} assigned ticket <b>#{ticket.number}</b> from {requester.name} to you ({ticket.department}, {ticket.priority}).</p><p><a href=\"{ticket.agent_url}\">Open the ticket</a></p>",
            ),
            TemplateKind::TransferAlert => (
                "Transferred to {ticket.department}: {ticket.subject}",
                "Hello {recipient.name},\n\n{agent.name} transferred ticket #{ticket.number} from {requester.name} to {ticket.department}.\n\nOpen the ticket: {ticket.agent_url}",
                "<p>Hello {recipient.name},</p><p>{agent.name} transferred ticket <b>#{ticket.number}</b> from {requester.name} to {ticket.department}.</p><p><a href=\"{ticket.agent_url}\">Open the ticket</a></p>",
            ),
            TemplateKind::SlaEscalation => (
                "SLA escalation: {ticket.subject}",
                "Hello {recipient.name},\n\nTicket #{ticket.number} ({ticket.department}, {ticket.priority}) needs attention: {sla.event}\n\nOpen the ticket: {ticket.agent_url}",
                "<p>Hello {recipient.name},</p><p>Ticket <b>#{ticket.number}</b> ({ticket.department}, {ticket.priority}) needs attention: {sla.event}</p><p><a href=\"{ticket.agent_url}\">Open the ticket</a></p>",
            ),
            TemplateKind::GuestLink => (
                "Your link to ticket #{ticket.number}",
                "Hello,\n\nUse this link to view and answer ticket #{ticket.number} ({ticket.subject}) without an account:\n\n{link}\n\nIt works until {link.expires}. If you did not ask for it, ignore this email.\n\n{helpdesk.name}",
                "<p>Hello,</p><p>Use this link to view and answer ticket <b>#{ticket.number}</b> ({ticket.subject}) without an account:</p><p><a href=\"{link}\">{link}</a></p><p>It works until {link.expires}. If you did not ask for it, ignore this email.</p><p>{helpdesk.name}</p>",
            ),
            TemplateKind::PasswordReset => (
                "Reset your {helpdesk.name} password",
                "Hello {recipient.name},\n\nSomeone (hopefully you) asked to reset your password. Choose a new one here:\n\n{link}\n\nThe link works once, until {link.expires}. If you did not ask, ignore this email: your password stays as it is.\n\n{helpdesk.name}",
                "<p>Hello {recipient.name},</p><p>Someone (hopefully you) asked to reset your password. <a href=\"{link}\">Choose a new one</a>.</p><p>The link works once, until {link.expires}. If you did not ask, ignore this email: your password stays as it is.</p><p>{helpdesk.name}</p>",
            ),
            TemplateKind::AgentInvite => (
                "You are invited to {helpdesk.name}",
                "Hello {recipient.name},\n\nAn administrator created an agent account for you at {helpdesk.name}. Choose your password here to sign in:\n\n{link}\n\nThe link works once, until {link.expires}.\n\n{helpdesk.name}",
                "<p>Hello {recipient.name},</p><p>An administrator created an agent account for you at {helpdesk.name}. <a href=\"{link}\">Choose your password</a> to sign in.</p><p>The link works once, until {link.expires}.</p><p>{helpdesk.name}</p>",
            ),
        }
    }
}

/// A template as admins edit it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailTemplate {
    pub name: String,
    pub active: bool,
    pub kind: TemplateKind,
    /// Used for this department's tickets; none: every department without its own.
    pub department: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl MailTemplate {
    pub fn default_for(kind: TemplateKind) -> MailTemplate {
        let (subject, text, html) = kind.default_text();
        MailTemplate {
            name: kind.label().to_string(),
            active: true,
            kind,
            department: None,
            subject: subject.to_string(),
            text: text.to_string(),
            html: html.to_string(),
        }
    }

    pub fn blank() -> MailTemplate {
        MailTemplate {
            name: String::new(),
            ..MailTemplate::default_for(TemplateKind::AutoResponse)
        }
    }

    /// The template of `kind` for `department`: the department's own, else the general one, else
    /// the built-in default.
    pub fn pick(
        templates: &[MailTemplate],
        kind: TemplateKind,
        department: Option<&str>,
    ) -> MailTemplate {
        let of_kind = || templates.iter().filter(|t| t.active && t.kind == kind);
        of_kind()
            .find(|t| department.is_some() && t.department.as_deref() == department)
            .or_else(|| of_kind().find(|t| t.department.is_none()))
            .cloned()
            .unwrap_or_else(|| MailTemplate::default_for(kind))
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        let kinds = TemplateKind::ALL
            .iter()
            .map(|k| Opt::new(k.as_str(), k.label()))
            .collect();
        let hint = "Variables: {ticket.number} {ticket.subject} {ticket.status} {ticket.priority} {ticket.department} {ticket.url} {ticket.agent_url} {requester.name} {requester.first_name} {requester.email} {agent.name} {message} {link} {link.expires} {sla.event} {helpdesk.name} {recipient.name}. Which ones a kind fills is listed in the preview.";
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::choice("kind", "Sent for", kinds),
            Spec::optional_choice("department", "Department", options(&catalog.departments))
                .hint("None: used for every department that has no template of its own."),
            Spec::text("subject", "Subject")
                .hint("Ticket mail gets [#number] added when the subject does not carry it."),
            Spec::long_text("text", "Plain text").hint(hint),
            Spec::long_text("html", "HTML").hint(
                "Values are escaped in HTML; {message} keeps the message's own safe formatting.",
            ),
        ])
    }
}

impl Item for MailTemplate {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 80, &mut errors);
        check_ref(
            &catalog.departments,
            self.department.as_deref(),
            "department",
            "Choose an active department.",
            &mut errors,
        );
        let subject = self.subject.trim();
        if subject.is_empty() || subject.chars().count() > 200 {
            errors.push(FieldError::new(
                "subject",
                "Enter a subject of at most 200 characters.",
            ));
        } else if subject.contains(['\r', '\n']) {
            errors.push(FieldError::new(
                "subject",
                "A subject is one line: remove the line breaks.",
            ));
        }
        if self.text.trim().is_empty() {
            errors.push(FieldError::new(
                "text",
                "Write the plain text version; every mail client can show it.",
            ));
        }
        for (field, text) in [
            ("subject", &self.subject),
            ("text", &self.text),
            ("html", &self.html),
        ] {
            if let Some(unknown) = placeholders(text)
                .into_iter()
                .find(|p| !self.kind.variables().contains(&p.as_str()))
            {
                errors.push(FieldError::new(
                    field,
                    format!(
                        "{{{unknown}}} is not filled for “{}”. Use one of: {}.",
                        self.kind.label(),
                        self.kind
                            .variables()
                            .iter()
                            .map(|v| format!("{{{v}}}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                ));
            }
        }
        if self.text.len() > 20_000 || self.html.len() > 50_000 {
            errors.push(FieldError::new("text", "This template is too long."));
        }
        errors
    }

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.subject = self.subject.trim().to_string();
    }
}

/// The `{name}` placeholders in `text` (names made of letters, digits, `.` and `_`).
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end)
                if end > 0
                    && after[..end]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') =>
            {
                found.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    found
}

/// Values for a template's placeholders. `message_html` is the message as safe HTML (already
/// sanitised), used for `{message}` in the HTML part.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    pub values: BTreeMap<String, String>,
    pub message_html: Option<String>,
}

impl Vars {
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Vars {
        self.values.insert(name.to_string(), value.into());
        self
    }
}

/// A template filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Fills the placeholders: plain values in the subject and text, HTML-escaped values in the HTML
/// (except `{message}`, which takes [`Vars::message_html`]). Unknown placeholders stay as written.
pub fn render(template: &MailTemplate, vars: &Vars) -> Rendered {
    let fill = |text: &str, escape: bool| -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let name = after.find('}').map(|end| &after[..end]);
            let value = name.and_then(|name| {
                if escape && name == "message" {
                    vars.message_html
                        .clone()
                        .or_else(|| vars.values.get(name).map(|v| text_to_html(v)))
                } else {
                    vars.values
                        .get(name)
                        .map(|v| if escape { escape_html(v) } else { v.clone() })
                }
            });
            match (name, value) {
                (Some(name), Some(value)) => {
                    out.push_str(&value);
                    rest = &after[name.len() + 1..];
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    };
    let subject = fill(&template.subject, false)
        .replace(['\r', '\n'], " ")
        .trim()
        .to_string();
    Rendered {
        subject,
        text: fill(&template.text, false),
        html: fill(&template.html, true),
    }
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text as HTML paragraphs with line breaks.
pub fn text_to_html(text: &str) -> String {
    escape_html(text).replace('\n', "<br>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut vars = Vars::default();
        vars.set("ticket.number", "482913")
            .set("ticket.subject", "VPN <down>")
            .set("requester.first_name", "Alice")
            .set("message", "line one\nline <two>");
        vars
    }

    #[test]
    fn placeholders_fill_plain_in_text_and_escaped_in_html() {
        let template = MailTemplate {
            subject: "Re: {ticket.subject} [#{ticket.number}]".into(),
            text: "Hi {requester.first_name}: {message} {unknown}".into(),
            html: "<p>{ticket.subject}</p>{message}".into(),
            ..MailTemplate::default_for(TemplateKind::AgentReply)
        };
        let out = render(&template, &vars());
        assert_eq!(out.subject, "Re: VPN <down> [#482913]");
        assert_eq!(out.text, "Hi Alice: line one\nline <two> {unknown}");
        assert_eq!(
            out.html,
            "<p>VPN &lt;down&gt;</p>line one<br>\nline &lt;two&gt;"
        );
    }

    #[test]
    fn the_message_html_is_used_as_is_in_the_html_part() {
        let mut vars = vars();
        vars.message_html = Some("<p>safe <b>html</b></p>".into());
        let template = MailTemplate {
            html: "{message}".into(),
            ..MailTemplate::default_for(TemplateKind::AgentReply)
        };
        assert_eq!(render(&template, &vars).html, "<p>safe <b>html</b></p>");
    }

    #[test]
    fn a_value_with_a_line_break_cannot_break_the_subject() {
        let mut vars = Vars::default();
        vars.set("ticket.subject", "a\r\nBcc: evil@example.com");
        let template = MailTemplate {
            subject: "{ticket.subject}".into(),
            ..MailTemplate::default_for(TemplateKind::AutoResponse)
        };
        assert!(!render(&template, &vars).subject.contains('\n'));
    }

    #[test]
    fn every_default_uses_only_its_own_variables() {
        for kind in TemplateKind::ALL {
            let template = MailTemplate::default_for(kind);
            let errors = template.validate(None, &Catalog::default());
            assert!(errors.is_empty(), "{kind:?}: {errors:?}");
        }
    }

    #[test]
    fn an_unknown_variable_is_named_in_the_error() {
        let template = MailTemplate {
            text: "{ticket.numbr}".into(),
            ..MailTemplate::default_for(TemplateKind::AutoResponse)
        };
        let errors = template.validate(None, &Catalog::default());
        assert_eq!(errors[0].field, "text");
        assert!(errors[0].message.contains("{ticket.numbr}"));
    }

    #[test]
    fn a_department_template_wins_over_the_general_one_and_defaults_fill_gaps() {
        let general = MailTemplate {
            subject: "general".into(),
            ..MailTemplate::default_for(TemplateKind::AutoResponse)
        };
        let security = MailTemplate {
            subject: "security".into(),
            department: Some("security".into()),
            ..general.clone()
        };
        let inactive = MailTemplate {
            subject: "off".into(),
            active: false,
            department: Some("sales".into()),
            ..general.clone()
        };
        let all = [general, security, inactive];
        let pick = |d| MailTemplate::pick(&all, TemplateKind::AutoResponse, d).subject;
        assert_eq!(pick(Some("security")), "security");
        assert_eq!(pick(Some("sales")), "general");
        assert_eq!(pick(None), "general");
        assert_eq!(
            MailTemplate::pick(&all, TemplateKind::GuestLink, None).subject,
            "Your link to ticket #{ticket.number}"
        );
    }
}
