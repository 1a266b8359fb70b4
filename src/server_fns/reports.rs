//! The reports dashboard.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::metrics::filter::ReportFilter;
use crate::domain::metrics::report::Dashboard;
use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "load_dashboard", input = Json)]
pub async fn load_dashboard(filter: ReportFilter) -> Result<Dashboard, AppError> {
    use crate::server::{rpc, use_cases::reports};
    let (state, caller) = rpc::context().await?;
    reports::dashboard(&state, &caller, &filter).await
}
