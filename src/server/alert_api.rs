//! `POST /api/v1/alerts/{source}` (and TheHive's `POST /api/v1/alert`, `POST /api/alert`): SIEM
//! alerts in, with an API key holding `alerts:create` in `X-API-Key`, as `Authorization: Bearer`
//! (TheHive's clients), or as `?token=` for Splunk, whose webhook cannot send headers. Errors are
//! RFC 9457 problem details.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::alerts::AlertSource;
use crate::domain::audit::Origin;
use crate::error::AppError;
use crate::server::request::{Caller, client_ip};
use crate::server::state::AppState;
use crate::server::use_cases::{alerts, api_keys};

/// An RFC 9457 problem.
pub fn problem(status: StatusCode, title: &str, detail: impl Into<String>) -> Response {
    let body = json!({
        "type": "about:blank",
        "title": title,
        "status": status.as_u16(),
        "detail": detail.into(),
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

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
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let presented = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(bearer)
        .or(token);
    let client =
        match api_keys::authenticate(state, presented.as_deref(), ip, "alerts:create").await {
            Ok(Ok(client)) => client,
            Ok(Err(refusal)) => {
                return problem(StatusCode::UNAUTHORIZED, "API key refused", refusal.body());
            }
            Err(error) => return app_problem(error),
        };
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
        Err(error) => app_problem(error),
    }
}

fn app_problem(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match error {
        AppError::Invalid { fields } => problem(
            status,
            "The alert could not be read",
            fields
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::Conflict { message } => problem(status, "The alert was not accepted", message),
        other => problem(status, "The alert could not be stored", other.to_string()),
    }
}
