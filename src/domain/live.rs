//! Live events: what a browser hears about changes, and who may hear each one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::permission::{Action, Actor, Resource, TicketAccess, authorize};

/// One event on the live stream (`GET /api/v1/events`), serialised as one JSON object per
/// server-sent event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum LiveEvent {
    #[serde(rename = "ticket.created")]
    TicketCreated {
        ticket: String,
        version: u64,
        at: DateTime<Utc>,
    },
    #[serde(rename = "ticket.updated")]
    TicketUpdated {
        ticket: String,
        /// What changed, by name: `thread`, `status`, `priority`, `assignee`, `department`, ...
        changed: Vec<String>,
        version: u64,
        at: DateTime<Utc>,
    },
    /// Who is looking at (or typing on) a ticket; staff only.
    #[serde(rename = "presence")]
    Presence {
        ticket: String,
        user: String,
        /// Which of the user's browser tabs (a page's own random id).
        #[serde(default)]
        tab: String,
        name: String,
        activity: Activity,
        at: DateTime<Utc>,
    },
    /// The server dropped events for this stream (it fell behind); refetch everything shown.
    #[serde(rename = "resync")]
    Resync,
}

impl LiveEvent {
    /// The ticket this event is about, if any.
    pub fn ticket(&self) -> Option<&str> {
        match self {
            LiveEvent::TicketCreated { ticket, .. }
            | LiveEvent::TicketUpdated { ticket, .. }
            | LiveEvent::Presence { ticket, .. } => Some(ticket),
            LiveEvent::Resync => None,
        }
    }
}

/// What a staff member is doing on a ticket page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Viewing,
    Typing,
    Left,
}

/// Who a ticket event may reach: the ticket's access facts, and whether the change is staff-only
/// (an internal note, an assignment) so customers do not even learn that something happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audience {
    pub number: String,
    pub department: String,
    pub referred: Vec<String>,
    pub requester: String,
    pub collaborators: Vec<String>,
    /// The requester's organization.
    pub organization: Option<String>,
    pub staff_only: bool,
}

impl Audience {
    fn access(&self) -> TicketAccess<'_> {
        TicketAccess {
            number: &self.number,
            department: &self.department,
            referred: &self.referred,
            requester: &self.requester,
            collaborators: &self.collaborators,
            organization: self.organization.as_deref(),
        }
    }

    /// Whether `actor` may receive the event: the same rule as reading the ticket, and for
    /// staff-only changes the same rule as working it.
    /// An API key on the stream (its `events:read` checked when it subscribed) hears what its
    /// account would.
    pub fn admits(&self, actor: &Actor) -> bool {
        let action = if self.staff_only {
            Action::WorkTicket
        } else {
            Action::ReadTicket
        };
        let resource = Resource::Ticket(self.access());
        match actor {
            Actor::Key(key) => authorize(&Actor::User(key.user.clone()), action, &resource).is_ok(),
            other => authorize(other, action, &resource).is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::SignedInUser;
    use crate::domain::user::Role;

    fn user(id: &str, role: Role, departments: &[&str]) -> Actor {
        Actor::User(SignedInUser {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            role,
            departments: departments.iter().map(|d| d.to_string()).collect(),
            grants: Vec::new(),
            sees_organization: None,
        })
    }

    fn audience(staff_only: bool) -> Audience {
        Audience {
            number: "100200".into(),
            department: "support".into(),
            referred: vec![],
            requester: "alice".into(),
            collaborators: vec!["bob".into()],
            organization: None,
            staff_only,
        }
    }

    #[test]
    fn ticket_events_reach_its_department_its_customers_and_admins_only() {
        let event = audience(false);
        assert!(event.admits(&user("agent", Role::Agent, &["support"])));
        assert!(event.admits(&user("alice", Role::Customer, &[])));
        assert!(event.admits(&user("bob", Role::Customer, &[])));
        assert!(event.admits(&user("root", Role::Admin, &[])));
        assert!(!event.admits(&user("other", Role::Agent, &["security"])));
        assert!(!event.admits(&user("mallory", Role::Customer, &[])));
        assert!(!event.admits(&Actor::Anonymous));
    }

    #[test]
    fn staff_only_changes_never_reach_customers() {
        let event = audience(true);
        assert!(event.admits(&user("agent", Role::Agent, &["support"])));
        assert!(!event.admits(&user("alice", Role::Customer, &[])));
        assert!(!event.admits(&Actor::Guest {
            ticket: "100200".into()
        }));
    }

    #[test]
    fn a_guest_link_hears_about_its_own_ticket() {
        let event = audience(false);
        assert!(event.admits(&Actor::Guest {
            ticket: "100200".into()
        }));
        assert!(!event.admits(&Actor::Guest {
            ticket: "999999".into()
        }));
    }

    #[test]
    fn events_serialise_with_a_type_tag() {
        let json = serde_json::to_value(LiveEvent::TicketUpdated {
            ticket: "100200".into(),
            changed: vec!["status".into()],
            version: 3,
            at: DateTime::from_timestamp(0, 0).unwrap(),
        })
        .unwrap();
        assert_eq!(json["type"], "ticket.updated");
        assert_eq!(json["ticket"], "100200");
        assert_eq!(json["version"], 3);
    }
}
