//! The ticket's vocabulary: states and statuses, priorities, sources, thread entries, and the rules
//! about who sees what and which status changes a customer may make.

use serde::{Deserialize, Serialize};

/// What a status means underneath its admin-chosen name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Closed,
}

/// A named status (data, osTicket style): Open, Waiting on customer, Resolved, Closed, ...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub key: String,
    pub name: String,
    pub state: State,
    /// While a ticket has this status its SLA clocks stop.
    pub pauses_sla: bool,
    /// Whether a customer may reopen a ticket in this (closed) status.
    pub customer_may_reopen: bool,
}

/// A catalogue entry offered in a choice: department, priority, help topic, agent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Named {
    pub key: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priority {
    pub key: String,
    pub name: String,
    /// Higher is more urgent; orders queues.
    pub urgency: u8,
}

/// Where a ticket came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Web,
    Email,
    Api,
    Phone,
    Alert,
    Other,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Web,
        Source::Email,
        Source::Api,
        Source::Phone,
        Source::Alert,
        Source::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Email => "email",
            Source::Api => "api",
            Source::Phone => "phone",
            Source::Alert => "alert",
            Source::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The kinds of entries in a ticket's thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    CustomerMessage,
    AgentReply,
    /// Staff only: never shown to customers in any view or API.
    InternalNote,
    /// Created, transferred, status changed, ...
    SystemEvent,
    /// A system event about internal work (assigned, referred, tagged): staff only.
    StaffEvent,
}

impl EntryKind {
    pub fn customer_visible(self) -> bool {
        !matches!(self, EntryKind::InternalNote | EntryKind::StaffEvent)
    }
}

/// A ticket as stored, with references by key (catalogue) or id (people).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub number: String,
    pub subject: String,
    pub requester_id: String,
    pub requester_name: String,
    pub requester_email: String,
    pub collaborator_ids: Vec<String>,
    pub department: String,
    pub department_name: String,
    pub help_topic: Option<String>,
    pub help_topic_name: Option<String>,
    pub priority: String,
    pub priority_name: String,
    pub status: Status,
    pub source: Source,
    /// The team's name (customers may see it) and key.
    pub team: Option<String>,
    pub team_id: Option<String>,
    pub tags: Vec<String>,
    pub fields: std::collections::BTreeMap<String, crate::domain::form::FieldValue>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Bumped by every change; changes name the version they were based on.
    pub version: u64,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    /// Departments given access without owning the ticket.
    pub referred: Vec<String>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub first_response_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The ticket this one was merged into.
    pub merged_into: Option<String>,
    /// Numbers of related tickets.
    pub links: Vec<String>,
    /// The requester's organization (its sharing policy may show the ticket to colleagues).
    pub organization: Option<String>,
    /// The SLA plan whose targets apply.
    pub sla_plan: Option<String>,
    /// Every status the ticket has been in, oldest first (SLA clocks pause on some).
    pub status_log: Vec<StatusChange>,
    /// When the earlier running SLA clock falls due, as the SLA job last stored it.
    pub sla_due: Option<chrono::DateTime<chrono::Utc>>,
    /// How a closed ticket ended (a resolution class key).
    #[serde(default)]
    pub resolution: Option<String>,
}

/// The ticket entered `status` (a key) at `at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Ticket {
    /// What decides who may reach this ticket.
    pub fn access(&self) -> crate::domain::permission::TicketAccess<'_> {
        crate::domain::permission::TicketAccess {
            number: &self.number,
            department: &self.department,
            referred: &self.referred,
            requester: &self.requester_id,
            collaborators: &self.collaborator_ids,
            organization: self.organization.as_deref(),
        }
    }
}

/// One entry of a ticket's thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadEntry {
    /// The number of the ticket it was written on (differs from the ticket shown after a merge).
    pub ticket: String,
    /// The ticket version this entry's change produced (none for entries before versions).
    pub version: Option<u64>,
    pub kind: EntryKind,
    pub author_name: String,
    pub body: String,
    pub html: bool,
    pub at: chrono::DateTime<chrono::Utc>,
    /// For mail: how it found its ticket ("matched by In-Reply-To ...").
    #[serde(default)]
    pub via: Option<String>,
    /// For mail with an HTML part: that HTML, sanitised on arrival, shown instead of the body.
    #[serde(default)]
    pub rich: Option<String>,
    pub attachments: Vec<crate::domain::attachment::AttachmentRef>,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::CustomerMessage => "customer_message",
            EntryKind::AgentReply => "agent_reply",
            EntryKind::InternalNote => "internal_note",
            EntryKind::SystemEvent => "system_event",
            EntryKind::StaffEvent => "staff_event",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        [
            EntryKind::CustomerMessage,
            EntryKind::AgentReply,
            EntryKind::InternalNote,
            EntryKind::SystemEvent,
            EntryKind::StaffEvent,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// How a list of tickets is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketOrder {
    #[default]
    RecentlyUpdated,
    Newest,
    Oldest,
    Subject,
}

impl TicketOrder {
    pub const ALL: [TicketOrder; 4] = [
        TicketOrder::RecentlyUpdated,
        TicketOrder::Newest,
        TicketOrder::Oldest,
        TicketOrder::Subject,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketOrder::RecentlyUpdated => "recently_updated",
            TicketOrder::Newest => "newest",
            TicketOrder::Oldest => "oldest",
            TicketOrder::Subject => "subject",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TicketOrder::RecentlyUpdated => "Recently updated",
            TicketOrder::Newest => "Newest first",
            TicketOrder::Oldest => "Oldest first",
            TicketOrder::Subject => "Subject (A to Z)",
        }
    }

    pub fn parse(s: &str) -> Option<TicketOrder> {
        TicketOrder::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Subjects are one line of at most this many characters.
pub const MAX_SUBJECT: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    #[error("Enter a subject.")]
    Empty,
    #[error("Keep the subject under 200 characters.")]
    TooLong,
}

/// Trims a subject and folds it onto one line.
pub fn parse_subject(raw: &str) -> Result<String, SubjectError> {
    let subject = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if subject.is_empty() {
        Err(SubjectError::Empty)
    } else if subject.chars().count() > MAX_SUBJECT {
        Err(SubjectError::TooLong)
    } else {
        Ok(subject)
    }
}

/// What a customer asks to do with the status of their ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerStatusChange {
    Close,
    Reopen,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusChangeRefused {
    #[error("This ticket is already closed.")]
    AlreadyClosed,
    #[error("This ticket is already open.")]
    AlreadyOpen,
    #[error("This ticket cannot be reopened; open a new one and mention its number.")]
    ReopenNotAllowed,
}

/// Whether a customer may make `change` to a ticket whose status is `current`.
pub fn customer_may_change(
    current: &Status,
    change: CustomerStatusChange,
) -> Result<(), StatusChangeRefused> {
    match (change, current.state) {
        (CustomerStatusChange::Close, State::Closed) => Err(StatusChangeRefused::AlreadyClosed),
        (CustomerStatusChange::Close, State::Open) => Ok(()),
        (CustomerStatusChange::Reopen, State::Open) => Err(StatusChangeRefused::AlreadyOpen),
        (CustomerStatusChange::Reopen, State::Closed) if current.customer_may_reopen => Ok(()),
        (CustomerStatusChange::Reopen, State::Closed) => Err(StatusChangeRefused::ReopenNotAllowed),
    }
}

/// The status "Close" means: the seeded `closed`, else the first status whose state is closed.
pub fn closing_status(statuses: &[Status]) -> Option<&Status> {
    statuses
        .iter()
        .find(|s| s.key == "closed")
        .or_else(|| statuses.iter().find(|s| s.state == State::Closed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: State, customer_may_reopen: bool) -> Status {
        Status {
            key: "s".into(),
            name: "S".into(),
            state,
            pauses_sla: false,
            customer_may_reopen,
        }
    }

    #[test]
    fn a_customer_may_close_an_open_ticket_but_not_a_closed_one() {
        assert_eq!(
            customer_may_change(&status(State::Open, true), CustomerStatusChange::Close),
            Ok(())
        );
        assert_eq!(
            customer_may_change(&status(State::Closed, true), CustomerStatusChange::Close),
            Err(StatusChangeRefused::AlreadyClosed)
        );
    }

    #[test]
    fn a_customer_may_reopen_only_where_the_status_allows_it() {
        assert_eq!(
            customer_may_change(&status(State::Closed, true), CustomerStatusChange::Reopen),
            Ok(())
        );
        assert_eq!(
            customer_may_change(&status(State::Closed, false), CustomerStatusChange::Reopen),
            Err(StatusChangeRefused::ReopenNotAllowed)
        );
        assert_eq!(
            customer_may_change(&status(State::Open, true), CustomerStatusChange::Reopen),
            Err(StatusChangeRefused::AlreadyOpen)
        );
    }

    #[test]
    fn closing_means_the_closed_status_or_else_the_first_closed_one() {
        let resolved = Status {
            key: "resolved".into(),
            ..status(State::Closed, true)
        };
        let closed = Status {
            key: "closed".into(),
            ..status(State::Closed, true)
        };
        let open = status(State::Open, false);
        let all = [open.clone(), resolved.clone(), closed.clone()];
        assert_eq!(closing_status(&all), Some(&closed));
        assert_eq!(
            closing_status(&[open.clone(), resolved.clone()]),
            Some(&resolved)
        );
        assert_eq!(closing_status(&[open]), None);
    }

    #[test]
    fn internal_notes_are_never_customer_visible() {
        assert!(!EntryKind::InternalNote.customer_visible());
        assert!(!EntryKind::StaffEvent.customer_visible());
        assert!(EntryKind::AgentReply.customer_visible());
        assert!(EntryKind::CustomerMessage.customer_visible());
    }

    #[test]
    fn subjects_are_one_trimmed_line() {
        assert_eq!(parse_subject("  VPN \n down  "), Ok("VPN down".to_string()));
        assert_eq!(parse_subject(" \t "), Err(SubjectError::Empty));
        assert_eq!(parse_subject(&"x".repeat(201)), Err(SubjectError::TooLong));
    }

    #[test]
    fn sources_round_trip_through_their_names() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
    }
}
