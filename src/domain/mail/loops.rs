//! Loop protection: which incoming mail was sent by a machine and must get no auto-response
//! (RFC 3834 Auto-Submitted, bulk and list mail, bounces), and the per-sender rate limit.

use super::incoming::IncomingMail;

/// Why a message counts as automatic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Automatic {
    AutoSubmitted,
    Bulk,
    List,
    Bounce,
}

impl Automatic {
    pub fn describe(self) -> &'static str {
        match self {
            Automatic::AutoSubmitted => "an automatic reply",
            Automatic::Bulk => "bulk mail",
            Automatic::List => "mailing list mail",
            Automatic::Bounce => "a delivery failure report",
        }
    }
}

/// Whether `mail` was written by a machine, and how.
pub fn automatic(mail: &IncomingMail) -> Option<Automatic> {
    let header = |name: &str| mail.header(name).map(|v| v.trim().to_ascii_lowercase());
    let local = mail.from.email.split('@').next().unwrap_or("");
    if mail.is_report
        || mail.from.email.is_empty()
        || local.eq_ignore_ascii_case("mailer-daemon")
        || local.eq_ignore_ascii_case("postmaster")
        || header("return-path").is_some_and(|p| p == "<>")
    {
        return Some(Automatic::Bounce);
    }
    if header("auto-submitted").is_some_and(|v| v != "no")
        || header("x-autoreply").is_some()
        || header("x-autorespond").is_some()
        || header("x-auto-response-suppress")
            .is_some_and(|v| v.contains("all") || v.contains("autoreply") || v.contains("oof"))
    {
        return Some(Automatic::AutoSubmitted);
    }
    if header("precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list")) {
        return Some(if header("precedence").as_deref() == Some("list") {
            Automatic::List
        } else {
            Automatic::Bulk
        });
    }
    if header("list-id").is_some() || header("list-unsubscribe").is_some() {
        return Some(Automatic::List);
    }
    None
}

/// How many auto-responses one sender gets per hour at most.
pub const AUTO_RESPONSES_PER_HOUR: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::incoming::Address;

    fn mail(headers: &[(&str, &str)], from: &str) -> IncomingMail {
        IncomingMail {
            from: Address {
                email: from.into(),
                name: None,
            },
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .collect(),
            ..IncomingMail::default()
        }
    }

    #[test]
    fn machines_are_recognised() {
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, Option<Automatic>);
        let cases: [Case<'_>; 9] = [
            (&[], "alice@example.com", None),
            (&[("Auto-Submitted", "no")], "alice@example.com", None),
            (
                &[("Auto-Submitted", "auto-replied")],
                "alice@example.com",
                Some(Automatic::AutoSubmitted),
            ),
            (
                &[("X-Autoreply", "yes")],
                "alice@example.com",
                Some(Automatic::AutoSubmitted),
            ),
            (
                &[("X-Auto-Response-Suppress", "All")],
                "alice@example.com",
                Some(Automatic::AutoSubmitted),
            ),
            (
                &[("Precedence", "bulk")],
                "news@example.com",
                Some(Automatic::Bulk),
            ),
            (
                &[("List-Id", "<ops.lists.example.com>")],
                "bob@example.com",
                Some(Automatic::List),
            ),
            (&[], "MAILER-DAEMON@mx.example.com", Some(Automatic::Bounce)),
            (
                &[("Return-Path", "<>")],
                "x@example.com",
                Some(Automatic::Bounce),
            ),
        ];
        for (headers, from, expected) in cases {
            assert_eq!(
                automatic(&mail(headers, from)),
                expected,
                "{headers:?} from {from}"
            );
        }
    }
}
