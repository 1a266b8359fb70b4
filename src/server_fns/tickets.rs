//! Customers' tickets: the help topics to choose from, opening, listing, reading, replying, closing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::form::FieldDef;
use crate::domain::ticket::{CustomerStatusChange, State, ThreadEntry, TicketOrder};
use crate::error::AppError;

/// A help topic as the new-ticket form offers it, with the fields a customer fills.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicView {
    pub key: String,
    pub name: String,
    pub fields: Vec<FieldDef>,
    /// The help desk's default topic, chosen when the form opens.
    pub preselected: bool,
}

/// A line of "My tickets".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub number: String,
    pub subject: String,
    pub status: String,
    pub state: State,
    pub priority: String,
    pub department: String,
    pub updated_at: DateTime<Utc>,
}

/// One page of "My tickets".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketList {
    pub tickets: Vec<TicketSummary>,
    /// Zero-based.
    pub page: u32,
    pub has_more: bool,
}

/// A ticket as its customer sees it: never internal notes or internal details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerTicket {
    pub summary: TicketSummary,
    pub help_topic: Option<String>,
    /// The team working on it, if one is assigned (never the agents' names or internal notes).
    pub team: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Custom field label and value, in form order.
    pub fields: Vec<(String, String)>,
    pub thread: Vec<ThreadEntry>,
    pub can_close: bool,
    pub can_reopen: bool,
}

#[server(prefix = "/rpc", endpoint = "help_topics")]
pub async fn help_topics() -> Result<Vec<TopicView>, AppError> {
    use crate::server::{rpc, use_cases::tickets};
    let (state, caller) = rpc::context().await?;
    tickets::help_topics(&state, &caller).await
}

/// Opens a ticket; `fields` holds custom field inputs by field name (`fields[name][0]=...`).
#[server(prefix = "/rpc", endpoint = "open_ticket")]
pub async fn open_ticket(
    topic: String,
    subject: String,
    message: String,
    #[server(default)] fields: BTreeMap<String, Vec<String>>,
    #[server(default)] attachments: Vec<String>,
    #[server(default)] cc: String,
) -> Result<String, AppError> {
    use crate::server::{rpc, use_cases::tickets};
    let (state, caller) = rpc::context().await?;
    let request = tickets::OpenTicket {
        topic: &topic,
        subject: &subject,
        message: &message,
        fields: &fields,
        attachments: &attachments,
        cc: &cc,
    };
    tickets::open_ticket(&state, &caller, request).await
}

#[server(prefix = "/rpc", endpoint = "my_tickets")]
pub async fn my_tickets(
    state_filter: Option<State>,
    search: String,
    #[server(default)] order: TicketOrder,
    #[server(default)] page: u32,
) -> Result<TicketList, AppError> {
    use crate::server::{rpc, use_cases::tickets};
    let (state, caller) = rpc::context().await?;
    tickets::my_tickets(&state, &caller, state_filter, &search, order, page).await
}

#[server(prefix = "/rpc", endpoint = "view_ticket")]
pub async fn view_ticket(number: String) -> Result<CustomerTicket, AppError> {
    use crate::server::{rpc, use_cases::tickets};
    let (state, caller) = rpc::context().await?;
    tickets::customer_ticket(&state, &caller, &number).await
}

#[server(prefix = "/rpc", endpoint = "reply_to_ticket")]
pub async fn reply_to_ticket(
    number: String,
    message: String,
    #[server(default)] attachments: Vec<String>,
) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::tickets};
    let (state, caller) = rpc::context().await?;
    tickets::customer_reply(&state, &caller, &number, &message, &attachments).await
}

#[server(prefix = "/rpc", endpoint = "change_ticket_status")]
pub async fn change_ticket_status(
    number: String,
    change: CustomerStatusChange,
) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::tickets};
    let (state, caller) = rpc::context().await?;
    tickets::customer_change_status(&state, &caller, &number, change).await
}
