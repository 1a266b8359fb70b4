//! The osTicket-compatible ticket API (`../shared/OSTICKET_API.md`): `tickets.json`,
//! `tickets.xml` and `tickets.email` under any path prefix, also as `/api/http.php/tickets.*`.
//! The key is checked before the body is read; answers are osTicket's plain-text bodies.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::audit::Origin;
use crate::domain::osticket::{json, xml};
use crate::error::AppError;
use crate::server::request::{Caller, client_ip};
use crate::server::state::AppState;
use crate::server::use_cases::api_keys;
use crate::server::use_cases::inbound_mail::{self, Inbound, MAX_MESSAGE_BYTES, Received};
use crate::server::use_cases::ticket_api::{self, ApiRefusal};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
    Email,
}

/// The endpoint a path names, whatever its prefix; the suffix is case-sensitive.
fn endpoint(path: &str) -> Option<Format> {
    for (suffix, format) in [
        ("tickets.json", Format::Json),
        ("tickets.xml", Format::Xml),
        ("tickets.email", Format::Email),
    ] {
        if path.ends_with(&format!("/api/{suffix}"))
            || path.ends_with(&format!("/api/http.php/{suffix}"))
        {
            return Some(format);
        }
    }
    None
}

/// Answers osTicket API paths under any prefix; everything else passes on.
pub async fn intercept(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match endpoint(request.uri().path()) {
        Some(format) if request.method() == Method::POST => handle(&state, request, format).await,
        Some(_) => text(StatusCode::BAD_REQUEST, "URL not supported"),
        None => next.run(request).await,
    }
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    let mut response = (status, body.into()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    response
}

async fn handle(state: &AppState, request: Request, format: Format) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = client_ip(peer, request.headers(), &state.settings.trusted_proxies);
    let presented = request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let scope = match format {
        Format::Email => "tickets:email",
        Format::Json | Format::Xml => "tickets:create",
    };
    let client = match api_keys::authenticate(state, presented.as_deref(), ip, scope).await {
        Ok(Ok(client)) => client,
        Ok(Err(refusal)) => return text(StatusCode::UNAUTHORIZED, refusal.body()),
        Err(error) => return failure(state, error),
    };
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(512).collect());
    let body = match axum::body::to_bytes(request.into_body(), MAX_MESSAGE_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Message too large (the limit is 40 MB)",
            );
        }
    };
    let caller = Caller::machine(
        client.audit_actor(),
        Origin {
            ip: ip.map(|ip| ip.to_string()),
            user_agent,
        },
    );
    let submission = match format {
        Format::Email => {
            return match inbound_mail::receive(state, &caller, &body, Inbound::Api).await {
                Ok(Received::Bounce(None)) => text(StatusCode::ACCEPTED, "Delivery report noted"),
                Ok(received) => text(
                    StatusCode::CREATED,
                    received.number().unwrap_or_default().to_string(),
                ),
                Err(error) => failure(state, error),
            };
        }
        Format::Json => json::parse(&body).map_err(|e| e.body().to_string()),
        Format::Xml => xml::parse(&body).map_err(|e| e.body()),
    };
    let submission = match submission {
        Ok(submission) => submission,
        Err(body) => return text(StatusCode::BAD_REQUEST, body),
    };
    match ticket_api::open(state, &caller, &client.name, submission).await {
        Ok(number) => text(StatusCode::CREATED, number),
        Err(ApiRefusal::Invalid(problems)) => {
            let problems: Vec<(String, String)> = problems
                .into_iter()
                .map(|p| (p.field.to_string(), p.message))
                .collect();
            invalid(state, &problems)
        }
        Err(ApiRefusal::Other(error)) => failure(state, error),
    }
}

/// An error as osTicket clients expect it: bad input with osTicket's validation body (status per
/// `api.validation_error_status`), 403 when a filter denies the ticket.
fn failure(state: &AppState, error: AppError) -> Response {
    match error {
        AppError::Invalid { fields } => {
            let problems: Vec<(String, String)> =
                fields.into_iter().map(|f| (f.field, f.message)).collect();
            invalid(state, &problems)
        }
        AppError::Rejected { .. } => text(StatusCode::FORBIDDEN, "Ticket denied"),
        AppError::Conflict { message } => text(StatusCode::CONFLICT, message),
        AppError::Throttled { retry_after_secs } => {
            let mut response = text(StatusCode::TOO_MANY_REQUESTS, error.to_string());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        other => {
            let status =
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            text(status, other.to_string())
        }
    }
}

/// osTicket's validation answer: `Unable to create new ticket :<field>\n<message>`, one pair per
/// problem.
fn invalid(state: &AppState, problems: &[(String, String)]) -> Response {
    let status = StatusCode::from_u16(state.settings.api_validation_status)
        .unwrap_or(StatusCode::BAD_REQUEST);
    let details: Vec<String> = problems
        .iter()
        .map(|(field, message)| format!("{field}\n{message}"))
        .collect();
    text(
        status,
        format!("Unable to create new ticket :{}", details.join("\n")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_match_by_suffix_under_any_prefix() {
        assert_eq!(endpoint("/api/tickets.email"), Some(Format::Email));
        assert_eq!(
            endpoint("/osticket/upload/api/tickets.xml"),
            Some(Format::Xml)
        );
        assert_eq!(
            endpoint("/support/api/http.php/tickets.json"),
            Some(Format::Json)
        );
        assert_eq!(endpoint("/api/tickets.JSON"), None);
        assert_eq!(endpoint("/api/v1/events"), None);
        assert_eq!(endpoint("/tickets.json"), None);
    }
}
