//! Which ticket an incoming message belongs to, in a fixed order, and why:
//! 1. one of our own Message-IDs (signature verified) in In-Reply-To or References;
//! 2. any Message-ID we stored (sent or received) in those headers;
//! 3. `[#number]` in the subject, only when the sender is the ticket's requester or collaborator;
//! 4. otherwise a new ticket.

use super::incoming::IncomingMail;
use super::outgoing::number_in_subject;
use super::token;

/// How a message was matched to its ticket: shown on the thread entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// Our signed token, found in this header.
    Token(&'static str),
    /// A Message-ID we stored, found in this header.
    StoredMessageId(&'static str),
    Subject,
}

impl MatchedBy {
    pub fn explain(&self) -> String {
        match self {
            MatchedBy::Token(header) => format!("matched by {header} (Docket's signed Message-ID)"),
            MatchedBy::StoredMessageId(header) => {
                format!("matched by {header} (a known Message-ID)")
            }
            MatchedBy::Subject => {
                "matched by the [#number] in the subject, from the requester or a collaborator"
                    .into()
            }
        }
    }
}

/// The decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thread {
    Existing {
        number: String,
        by: MatchedBy,
    },
    /// A new ticket; when a subject tag was ignored, why (for the ticket's history).
    New {
        note: Option<String>,
    },
}

/// What the store knows that the decision needs.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Stored Message-IDs among the message's parents, with their ticket.
    pub stored: Vec<(String, String)>,
    /// For the ticket named in the subject, if it exists: the addresses of its requester and
    /// collaborators (lower-cased).
    pub subject_ticket_people: Option<Vec<String>>,
}

pub fn decide(mail: &IncomingMail, secret: &[u8], known: &Known) -> Thread {
    let parents = mail.parents();
    if let Some((header, number)) = parents
        .iter()
        .find_map(|(h, id)| token::ticket_of(secret, id).map(|n| (*h, n)))
    {
        return Thread::Existing {
            number,
            by: MatchedBy::Token(header),
        };
    }
    if let Some((header, number)) = parents.iter().find_map(|(h, id)| {
        known
            .stored
            .iter()
            .find(|(stored, _)| stored == id)
            .map(|(_, n)| (*h, n.clone()))
    }) {
        return Thread::Existing {
            number,
            by: MatchedBy::StoredMessageId(header),
        };
    }
    if let Some(number) = number_in_subject(&mail.subject) {
        let sender = mail.from.email.to_ascii_lowercase();
        return match &known.subject_ticket_people {
            Some(people) if people.iter().any(|p| p.eq_ignore_ascii_case(&sender)) => {
                Thread::Existing {
                    number,
                    by: MatchedBy::Subject,
                }
            }
            Some(_) => Thread::New {
                note: Some(format!(
                    "The subject names ticket #{number}, but {sender} is not its requester or a collaborator, so this mail opened a new ticket."
                )),
            },
            None => Thread::New { note: None },
        };
    }
    Thread::New { note: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::incoming::Address;

    const SECRET: &[u8] = b"secret";

    fn mail(from: &str, subject: &str, in_reply_to: &[&str], references: &[&str]) -> IncomingMail {
        IncomingMail {
            from: Address {
                email: from.into(),
                name: None,
            },
            subject: subject.into(),
            in_reply_to: in_reply_to.iter().map(|s| s.to_string()).collect(),
            references: references.iter().map(|s| s.to_string()).collect(),
            ..IncomingMail::default()
        }
    }

    fn ours(number: &str) -> String {
        token::ticket_message_id(SECRET, number, "n1", "help.example.com")
    }

    #[test]
    fn the_decision_table() {
        let alice = vec!["alice@example.com".to_string()];
        let stored = vec![("CAF123@mail.example.com".to_string(), "200".to_string())];
        let forged = ours("100").replace(".100.", ".999.");
        let cases: Vec<(IncomingMail, Known, Thread)> = vec![
            // Our token in In-Reply-To wins over everything else.
            (
                mail("eve@example.com", "Re: [#300]", &[&ours("100")], &["CAF123@mail.example.com"]),
                Known { stored: stored.clone(), subject_ticket_people: Some(alice.clone()) },
                Thread::Existing { number: "100".into(), by: MatchedBy::Token("In-Reply-To") },
            ),
            // A token deeper in References still counts.
            (
                mail("bob@example.com", "x", &["unknown@x"], &[&ours("101"), "other@x"]),
                Known::default(),
                Thread::Existing { number: "101".into(), by: MatchedBy::Token("References") },
            ),
            // A forged signature is not ours; the stored id in References decides.
            (
                mail("bob@example.com", "x", &[&forged], &["CAF123@mail.example.com"]),
                Known { stored: stored.clone(), subject_ticket_people: None },
                Thread::Existing { number: "200".into(), by: MatchedBy::StoredMessageId("References") },
            ),
            // The subject tag counts for the requester ...
            (
                mail("Alice@Example.com", "Re: VPN [#300]", &[], &[]),
                Known { stored: vec![], subject_ticket_people: Some(alice.clone()) },
                Thread::Existing { number: "300".into(), by: MatchedBy::Subject },
            ),
            // ... and not for a stranger, who gets a new ticket and a note why.
            (
                mail("mallory@example.com", "Re: VPN [#300]", &[], &[]),
                Known { stored: vec![], subject_ticket_people: Some(alice.clone()) },
                Thread::New { note: Some("The subject names ticket #300, but mallory@example.com is not its requester or a collaborator, so this mail opened a new ticket.".into()) },
            ),
            // A tag naming no ticket, and plain new mail.
            (mail("alice@example.com", "[#999]", &[], &[]), Known::default(), Thread::New { note: None }),
            (mail("alice@example.com", "Printer", &[], &[]), Known::default(), Thread::New { note: None }),
        ];
        for (i, (mail, known, expected)) in cases.into_iter().enumerate() {
            assert_eq!(decide(&mail, SECRET, &known), expected, "case {i}");
        }
    }
}
