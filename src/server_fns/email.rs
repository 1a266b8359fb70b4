//! The admin Email page: where mail stands (outbox, dead letters, mailboxes) and what to do
//! about it (send a dead letter again, fetch a mailbox now).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One message in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    /// queued, sent or dead.
    pub status: String,
    pub template: String,
    pub recipients: String,
    pub subject: String,
    pub ticket: Option<String>,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    /// When a queued message is tried next.
    pub next_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// A mailbox's fetch state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailboxStatus {
    pub key: String,
    pub name: String,
    pub address: String,
    pub active: bool,
    pub last_fetch_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub fetched: u64,
}

/// Where a department's mail comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sender {
    pub department: String,
    pub name: String,
    /// None: the help desk's address (`mail.from`).
    pub address: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailStatus {
    /// The SMTP server mail goes to (without credentials), or none.
    pub smtp: Option<String>,
    pub from: String,
    pub max_attempts: u32,
    pub queued: u64,
    pub sent: u64,
    pub dead: u64,
    /// The newest messages of the status asked for.
    pub messages: Vec<OutboxMessage>,
    pub mailboxes: Vec<MailboxStatus>,
    pub senders: Vec<Sender>,
}

#[server(prefix = "/rpc", endpoint = "email_overview")]
pub async fn email_overview(status: Option<String>) -> Result<EmailStatus, AppError> {
    use crate::server::{rpc, use_cases::outbox};
    let (state, caller) = rpc::context().await?;
    outbox::overview(&state, &caller, status.as_deref()).await
}

#[server(prefix = "/rpc", endpoint = "resend_mail")]
pub async fn resend_mail(id: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::outbox};
    let (state, caller) = rpc::context().await?;
    outbox::resend(&state, &caller, &id).await
}

#[server(prefix = "/rpc", endpoint = "fetch_mailbox_now")]
pub async fn fetch_mailbox_now(key: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::outbox};
    let (state, caller) = rpc::context().await?;
    outbox::fetch_now(&state, &caller, &key).await
}
