//! `GET /admin/audit/export?format=csv|jsonl&actor=…&object=…`: the audit events a search matches,
//! streamed batch by batch (flat memory at any size). The session cookie identifies the caller;
//! `X-Total-Count` says how many events follow, so the page can show progress.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use futures::StreamExt;

use crate::domain::audit::export::ExportFormat;
use crate::domain::audit::filter::AuditFilter;
use crate::error::AppError;
use crate::server::files::{error, export_response};
use crate::server::request::Caller;
use crate::server::state::AppState;
use crate::server::use_cases::audit_trail;

pub async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let format = query.get("format").map(String::as_str).unwrap_or("csv");
    let Some(format) = ExportFormat::parse(format) else {
        return error(AppError::invalid(
            "format",
            "Choose csv or jsonl as the export format.",
        ));
    };
    let filter = AuditFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let export = match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => audit_trail::export(&state, &caller, filter, format).await,
        Err(e) => Err(e),
    };
    let export = match export {
        Ok(export) => export,
        Err(e) => return error(e),
    };
    let name = format!(
        "docket-audit-{}.{}",
        state.clock.now().format("%Y%m%dT%H%M%SZ"),
        format.extension()
    );
    // A failure mid-way ends the body early; the missing rows show against X-Total-Count.
    let body = Body::from_stream(
        export
            .lines
            .map(|batch| batch.map_err(|e| std::io::Error::other(e.to_string()))),
    );
    let mut response = export_response(body, export.format.content_type(), &name);
    response
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(export.total));
    response
}
