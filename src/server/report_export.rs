//! `GET /agent/reports/export?chart=…&from=…&to=…&by=…&department=…`: one dashboard chart as CSV,
//! the same rows its table shows, for the same filter. The session cookie identifies the caller.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::domain::metrics::filter::ReportFilter;
use crate::error::AppError;
use crate::server::files::{error, export_response};
use crate::server::request::Caller;
use crate::server::state::AppState;
use crate::server::use_cases::reports;

pub async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(id) = query.get("chart").filter(|c| !c.is_empty()) else {
        return error(AppError::invalid("chart", "Name the chart to export."));
    };
    let filter = ReportFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let chart = match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => reports::chart(&state, &caller, &filter, id).await,
        Err(e) => Err(e),
    };
    let chart = match chart {
        Ok(chart) => chart,
        Err(e) => return error(e),
    };
    let name = format!(
        "docket-{}-{}.csv",
        chart.id.replace('_', "-"),
        state.clock.now().format("%Y%m%d")
    );
    export_response(chart.csv().into(), "text/csv; charset=utf-8", &name)
}
