//! Delivery of one outbox message over SMTP with lettre: plain (loopback), STARTTLS or implicit
//! TLS as the URL says, with authentication when configured.

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::mail::outgoing::OutgoingMail;
use crate::server::config::MailSettings;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The transport for the configured server; none when no SMTP server is set.
pub fn transport(settings: &MailSettings) -> Result<Option<Transport>, String> {
    let Some(url) = &settings.smtp_url else {
        return Ok(None);
    };
    let mut builder = Transport::from_url(url)
        .map_err(|e| format!("mail.smtp_url {url:?} is not usable: {e}"))?
        .timeout(Some(Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&settings.smtp_username, &settings.smtp_password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(Some(builder.build()))
}

/// The message as it goes on the wire: plain text and HTML alternatives, our Message-ID, the
/// conversation's In-Reply-To and References, and Auto-Submitted on automatic mail.
pub fn message(mail: &OutgoingMail) -> Result<Message, String> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("the sender {:?} is not an address: {e}", mail.from))?;
    let mut builder = Message::builder()
        .from(from)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}>", mail.message_id)));
    for to in &mail.to {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("the recipient {to:?} is not an address: {e}"))?;
        builder = builder.to(to);
    }
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !mail.references.is_empty() {
        builder = builder.references(
            mail.references
                .iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    if let Some(auto) = mail.auto_submitted {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            auto.header_value().to_string(),
        ));
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
            "All".to_string(),
        ));
    }
    let body = if mail.html.trim().is_empty() {
        MultiPart::alternative_plain_html(
            mail.text.clone(),
            crate::domain::mail::template::text_to_html(&mail.text),
        )
    } else {
        MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone())
    };
    builder
        .multipart(body)
        .map_err(|e| format!("the message could not be built: {e}"))
}

/// Sends one message; the error says what went wrong for the outbox page.
pub async fn send(transport: &Transport, mail: &OutgoingMail) -> Result<(), String> {
    let message = message(mail)?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("SMTP: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::outgoing::AutoSubmitted;
    use crate::domain::mail::template::TemplateKind;

    #[test]
    fn headers_carry_the_conversation_and_the_auto_submitted_mark() {
        let mail = OutgoingMail {
            template: TemplateKind::AutoResponse,
            ticket: Some("482913".into()),
            from: "Help Desk <help@example.test>".into(),
            to: vec!["alice@example.com".into()],
            subject: "We received your request [#482913]".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
            message_id: "docket.482913.ab.cd@example.test".into(),
            in_reply_to: Some("CAF1@mail.example.com".into()),
            references: vec![
                "CAF0@mail.example.com".into(),
                "CAF1@mail.example.com".into(),
            ],
            auto_submitted: Some(AutoSubmitted::AutoReplied),
        };
        let raw = String::from_utf8(message(&mail).unwrap().formatted()).unwrap();
        for expected in [
            "Message-ID: <docket.482913.ab.cd@example.test>",
            "In-Reply-To: <CAF1@mail.example.com>",
            "References: <CAF0@mail.example.com> <CAF1@mail.example.com>",
            "Auto-Submitted: auto-replied",
            "Subject: We received your request [#482913]",
            "To: alice@example.com",
            "multipart/alternative",
        ] {
            assert!(raw.contains(expected), "missing {expected:?} in\n{raw}");
        }
    }

    #[test]
    fn a_bad_recipient_is_named() {
        let mail = OutgoingMail {
            template: TemplateKind::GuestLink,
            ticket: None,
            from: "help@example.test".into(),
            to: vec!["not an address".into()],
            subject: "s".into(),
            text: "t".into(),
            html: String::new(),
            message_id: "x@y".into(),
            in_reply_to: None,
            references: vec![],
            auto_submitted: None,
        };
        assert!(message(&mail).unwrap_err().contains("not an address"));
    }
}
