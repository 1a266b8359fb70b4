//! Outbound webhooks: endpoints admins subscribe to ticket events, the events each change raises,
//! and the signature receivers check (HMAC-SHA256 over `timestamp.body`).

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::domain::catalog::Catalog;
use crate::domain::config::{Item, check_name};
use crate::domain::editor::{Opt, Schema, Spec};
use crate::error::FieldError;

/// One delivery as the log lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    /// The endpoint's name.
    pub webhook: String,
    pub event: String,
    /// queued, delivered or dead.
    pub status: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The events an endpoint may subscribe to.
pub const EVENTS: [(&str, &str); 8] = [
    ("ticket.created", "A ticket was opened"),
    ("ticket.updated", "Anything on a ticket changed"),
    ("ticket.assigned", "A ticket was assigned"),
    ("ticket.closed", "A ticket was closed"),
    ("ticket.message", "A customer or agent wrote on a ticket"),
    ("sla.at_risk", "An SLA escalation step ran"),
    ("sla.breached", "An SLA was breached"),
    ("alert.repeated", "A SIEM alert fired again"),
];

/// The events a change raises, from the audit action it is recorded under (and, for a status
/// change, whether the new status is a closed one).
pub fn events_for(action: &str, closes: bool) -> Vec<&'static str> {
    let mut events = Vec::new();
    if closes && action != "ticket.closed" {
        events.push("ticket.closed");
    }
    match action {
        "ticket.created" => events.push("ticket.created"),
        "ticket.replied" | "email.received" => events.push("ticket.message"),
        "ticket.assignee_changed" => events.push("ticket.assigned"),
        "ticket.closed" => events.push("ticket.closed"),
        "ticket.sla_breached" => events.push("sla.breached"),
        "ticket.sla_escalated" => events.push("sla.at_risk"),
        "alert.repeated" => events.push("alert.repeated"),
        _ => {}
    }
    let about_a_ticket =
        action.starts_with("ticket.") || action.starts_with("alert.") || action == "email.received";
    let changes_it = action != "ticket.created"
        && !action.ends_with("viewed")
        && !action.starts_with("ticket.guest_link");
    if about_a_ticket && changes_it {
        events.push("ticket.updated");
    }
    events
}

/// The `X-Docket-Signature` value: `sha256=` and the hex HMAC of `timestamp.body`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// An endpoint as admins keep it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookDef {
    pub name: String,
    pub active: bool,
    pub url: String,
    pub events: Vec<String>,
    /// Shared with the receiver, which checks each delivery's signature with it.
    pub secret: String,
}

impl WebhookDef {
    pub fn blank() -> WebhookDef {
        WebhookDef {
            name: String::new(),
            active: true,
            url: String::new(),
            events: vec!["ticket.created".into()],
            secret: String::new(),
        }
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::text("url", "URL").hint("Receives a JSON POST per event; 2xx is success, anything else is retried with backoff."),
            Spec::choices("events", "Events", EVENTS.iter().map(|(k, l)| Opt::new(*k, *l)).collect()),
            Spec::text("secret", "Signing secret").hint(
                "At least 16 characters. Each delivery carries X-Docket-Timestamp and X-Docket-Signature: sha256=HMAC-SHA256(secret, timestamp + \".\" + body).",
            ),
        ])
    }
}

impl Item for WebhookDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        let url_ok = (self.url.starts_with("https://") || self.url.starts_with("http://"))
            && self.url.len() > 10
            && !self.url.contains(char::is_whitespace);
        if !url_ok {
            errors.push(FieldError::new("url", "Enter an http:// or https:// URL."));
        }
        if self.events.is_empty() {
            errors.push(FieldError::new("events", "Choose at least one event."));
        } else if let Some(bad) = self
            .events
            .iter()
            .find(|e| !EVENTS.iter().any(|(k, _)| k == e))
        {
            errors.push(FieldError::new(
                "events",
                format!("There is no event “{bad}”."),
            ));
        }
        if self.secret.chars().count() < 16 {
            errors.push(FieldError::new(
                "secret",
                "Use a secret of at least 16 characters.",
            ));
        }
        errors
    }

    fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        self.url = self.url.trim().to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_raise_their_events() {
        assert_eq!(events_for("ticket.created", false), ["ticket.created"]);
        assert_eq!(
            events_for("ticket.replied", false),
            ["ticket.message", "ticket.updated"]
        );
        assert_eq!(
            events_for("ticket.assignee_changed", false),
            ["ticket.assigned", "ticket.updated"]
        );
        assert_eq!(
            events_for("ticket.status_changed", true),
            ["ticket.closed", "ticket.updated"]
        );
        assert_eq!(
            events_for("ticket.sla_breached", false),
            ["sla.breached", "ticket.updated"]
        );
        assert_eq!(
            events_for("alert.repeated", false),
            ["alert.repeated", "ticket.updated"]
        );
        assert!(events_for("ticket.viewed", false).is_empty());
        assert!(events_for("user.signed_in", false).is_empty());
    }

    #[test]
    fn the_signature_is_an_hmac_of_timestamp_and_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'a secret of 16+ chars'
        let sig = sign("a secret of 16+ chars", 1_700_000_000, "{\"a\":1}");
        assert_eq!(
            sig,
            "sha256=dfeccc6b6b1924ca012435437044db7f1447b9996f3da416593ecdfddce8e424"
        );
        assert_ne!(sig, sign("another secret!!!", 1_700_000_000, "{\"a\":1}"));
        assert_ne!(
            sig,
            sign("a secret of 16+ chars", 1_700_000_001, "{\"a\":1}")
        );
    }
}
