//! The agent's queues: the sidebar with counts, a page of a queue or of a search, saved queues,
//! bulk changes, and the choices the workspace offers (statuses, agents, canned responses).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::canned::CannedResponse;
use crate::domain::queue::{Column, Queue, QueueFilter, QueueSort};
use crate::domain::search::Segment;
use crate::domain::ticket::{Named, Source, State, Status};
use crate::domain::ticket_change::TicketChange;
use crate::error::AppError;

/// A queue in the sidebar with how many tickets it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub queue: Queue,
    pub label: String,
    /// `None` for saved queues (counted when opened).
    pub count: Option<u64>,
    /// Open tickets of the queue whose SLA falls due within the next hour (breach prediction);
    /// `None` where it does not apply (closed, saved queues).
    pub breaching_soon: Option<u64>,
}

/// The sidebar: built-in queues (with counts), one per department, then saved queues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueNav {
    pub queues: Vec<QueueEntry>,
}

/// What to list: a queue, optionally refined by a filter, or a search within it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    /// `None` with a `filter`: an ad hoc filter (which can be saved as a queue).
    pub queue: Option<Queue>,
    pub filter: Option<QueueFilter>,
    /// Full-text search within the queue's tickets (empty: no search).
    pub search: String,
    pub sort: Option<QueueSort>,
    /// From `QueuePage::next`.
    pub cursor: Option<String>,
}

/// One line of a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub number: String,
    pub subject: String,
    pub requester: String,
    pub requester_email: String,
    pub status: String,
    pub state: State,
    pub priority: String,
    pub priority_key: String,
    pub department: String,
    pub assignee: Option<String>,
    pub team: Option<String>,
    pub source: Source,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the earlier running SLA clock falls due.
    pub sla_due: Option<DateTime<Utc>>,
    /// The ticket's SLA clocks are paused by its status.
    pub sla_paused: bool,
    pub version: u64,
    /// The matching text with matches marked, for search results.
    pub matched: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub title: String,
    pub rows: Vec<QueueRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    pub columns: Vec<Column>,
    pub sort: QueueSort,
    /// The filter the page applied (to refine or save).
    pub filter: QueueFilter,
}

/// The choices the queue and the ticket workspace offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub me: Named,
    pub statuses: Vec<Status>,
    pub priorities: Vec<Named>,
    pub departments: Vec<Named>,
    pub topics: Vec<Named>,
    pub agents: Vec<Named>,
    pub teams: Vec<Named>,
    pub canned: Vec<CannedResponse>,
    /// How a close may classify the ticket (required for alerts).
    pub resolutions: Vec<crate::domain::config::resolution::ResolutionClass>,
}

/// The result of a bulk change for one ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub number: String,
    /// `None` when the change was applied; otherwise why not.
    pub error: Option<String>,
}

#[server(prefix = "/rpc", endpoint = "queue_nav")]
pub async fn load_queue_nav() -> Result<QueueNav, AppError> {
    use crate::server::{rpc, use_cases::agent_queue};
    let (state, caller) = rpc::context().await?;
    agent_queue::nav(&state, &caller).await
}

#[server(prefix = "/rpc", endpoint = "queue_page", input = Json)]
pub async fn load_queue_page(query: QueueQuery) -> Result<QueuePage, AppError> {
    use crate::server::{rpc, use_cases::agent_queue};
    let (state, caller) = rpc::context().await?;
    agent_queue::page(&state, &caller, &query).await
}

#[server(prefix = "/rpc", endpoint = "workspace")]
pub async fn load_workspace() -> Result<Workspace, AppError> {
    use crate::server::{rpc, use_cases::agent_queue};
    let (state, caller) = rpc::context().await?;
    agent_queue::workspace(&state, &caller).await
}

/// Saves a filter with columns and a sort as one of the caller's queues; returns its id.
#[server(prefix = "/rpc", endpoint = "save_queue", input = Json)]
pub async fn save_queue(
    name: String,
    filter: QueueFilter,
    columns: Vec<Column>,
    sort: QueueSort,
) -> Result<String, AppError> {
    use crate::server::{rpc, use_cases::agent_queue};
    let (state, caller) = rpc::context().await?;
    agent_queue::save(&state, &caller, &name, filter, columns, sort).await
}

#[server(prefix = "/rpc", endpoint = "delete_queue")]
pub async fn delete_queue(id: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::agent_queue};
    let (state, caller) = rpc::context().await?;
    agent_queue::delete(&state, &caller, &id).await
}

/// Applies one change to each ticket on its own: all or nothing per ticket.
#[server(prefix = "/rpc", endpoint = "bulk_change", input = Json)]
pub async fn bulk_change(
    numbers: Vec<String>,
    change: TicketChange,
) -> Result<Vec<BulkOutcome>, AppError> {
    use crate::server::{rpc, use_cases::ticket_changes};
    let (state, caller) = rpc::context().await?;
    ticket_changes::bulk_change(&state, &caller, &numbers, &change).await
}

/// SLA compliance of one department and priority: clocks met in time out of clocks stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplianceLine {
    pub department: String,
    pub priority: String,
    pub first_response_met: u64,
    pub first_response_total: u64,
    pub resolution_met: u64,
    pub resolution_total: u64,
}

/// SLA compliance per department and priority in the agent's departments.
#[server(prefix = "/rpc", endpoint = "sla_compliance")]
pub async fn load_sla_compliance() -> Result<Vec<ComplianceLine>, AppError> {
    use crate::server::{rpc, use_cases::agent_queue};
    let (state, caller) = rpc::context().await?;
    agent_queue::compliance(&state, &caller).await
}
