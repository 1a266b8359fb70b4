//! `POST /api/v1/alerts/{source}` (and TheHive's `POST /api/v1/alert`, `POST /api/alert`): SIEM
//! alerts in, with an API key holding `alerts:create` in `X-API-Key`, as `Authorization: Bearer`
//! (TheHive's clients), or as `?token=` for Splunk, whose webhook cannot send headers. Errors are
//! RFC 9457 problem details.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::server::problem::{Problem, from_error, problem};

use crate::domain::alerts::AlertSource;
use crate::domain::audit::Origin;
use crate::server::rate_limits::Limited;
use crate::server::request::{Caller, client_ip, presented_key};
use crate::server::state::AppState;
use crate::server::use_cases::{alerts, api_keys};

/// A SIEM alert: opens a ticket, or counts a repeat on the ticket its fingerprint already has.
#[utoipa::path(
    post,
    path = "/api/v1/alerts/{source}",
    tag = "alerts",
    params(
        ("source" = String, Path, description = "elastic, wazuh, grafana, alertmanager, splunk or generic"),
        ("token" = Option<String>, Query, description = "Splunk only: the API key, as its webhook cannot send headers"),
    ),
    request_body(content = serde_json::Value, description = "The payload exactly as the tool sends it", content_type = "application/json"),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "A ticket was opened: `result` is `created`, `ticket` its number", body = serde_json::Value),
        (status = 200, description = "A repeat or a recovery updated an existing ticket: `result`, `ticket`, `occurrences`", body = serde_json::Value),
        (status = 401, description = "No valid key with alerts:create", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown source", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The payload could not be read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn from_source(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(source): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(source) = AlertSource::parse(&source) else {
        let known: Vec<&str> = AlertSource::ALL.iter().map(|s| s.slug()).collect();
        return problem(
            StatusCode::NOT_FOUND,
            "Unknown alert source",
            format!("Send alerts to one of: {}.", known.join(", ")),
        );
    };
    // Only Splunk's webhook needs the key in the URL (it cannot set headers).
    let token = (source == AlertSource::Splunk)
        .then(|| query.get("token").cloned())
        .flatten();
    ingest(&state, peer, &headers, token, source, &body).await
}

/// A TheHive-style alert (`type`, `source`, `sourceRef`, `title`, `observables`); also served at
/// `/api/alert` for older TheHive clients.
#[utoipa::path(
    post,
    path = "/api/v1/alert",
    tag = "alerts",
    request_body(content = serde_json::Value, description = "TheHive's alert shape", content_type = "application/json"),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "A ticket was opened", body = serde_json::Value),
        (status = 200, description = "An existing ticket was updated", body = serde_json::Value),
        (status = 401, description = "No valid key with alerts:create", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The payload could not be read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn thehive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    ingest(&state, peer, &headers, None, AlertSource::TheHive, &body).await
}

async fn ingest(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    token: Option<String>,
    source: AlertSource,
    body: &[u8],
) -> Response {
    let ip = client_ip(Some(peer.ip()), headers, &state.settings.trusted_proxies);
    let presented = presented_key(headers).map(str::to_string).or(token);
    let client =
        match api_keys::authenticate(state, presented.as_deref(), ip, "alerts:create").await {
            Ok(Ok(client)) => client,
            Ok(Err(refusal)) => {
                return problem(StatusCode::UNAUTHORIZED, "API key refused", refusal.body());
            }
            Err(error) => return from_error(error),
        };
    if let Some(limit) = state.settings.limits.alert_source {
        let from = format!("{}/{}", client.key, source.slug());
        let now = state.clock.now();
        if let Err(error) = state.limits.take(Limited::AlertSource, &from, limit, now) {
            return from_error(error);
        }
    }
    let caller = Caller::machine(
        client.audit_actor(),
        Origin {
            ip: ip.map(|ip| ip.to_string()),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(512).collect()),
        },
    );
    match alerts::ingest(state, &caller, source, body).await {
        Ok(results) => {
            let created = results.iter().any(|r| r.result == "created");
            let first = results.first().cloned();
            let body = json!({
                "result": first.as_ref().map(|r| r.result),
                "ticket": first.as_ref().and_then(|r| r.ticket.clone()),
                "occurrences": first.as_ref().map(|r| r.occurrences),
                "alerts": results,
            });
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, axum::Json(body)).into_response()
        }
        Err(error) => from_error(error),
    }
}
