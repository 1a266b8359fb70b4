//! The osTicket-compatible ticket API (`../shared/OSTICKET_API.md`): `tickets.json`,
//! `tickets.xml` and `tickets.email` under any path prefix, also as `/api/http.php/tickets.*`.
//! The key is checked before the body is read; answers are osTicket's plain-text bodies.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::audit::Origin;
use crate::error::AppError;
use crate::server::request::{Caller, client_ip};
use crate::server::state::AppState;
use crate::server::use_cases::api_keys;
use crate::server::use_cases::inbound_mail::{self, Inbound, MAX_MESSAGE_BYTES, Received};

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
        Err(error) => return failure(error),
    };
    if format != Format::Email {
        return text(
            StatusCode::NOT_IMPLEMENTED,
            "tickets.json and tickets.xml are not served yet; tickets.email is.",
        );
    }
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
    match inbound_mail::receive(state, &caller, &body, Inbound::Api).await {
        Ok(Received::Bounce(None)) => text(StatusCode::ACCEPTED, "Delivery report noted"),
        Ok(received) => text(
            StatusCode::CREATED,
            received.number().unwrap_or_default().to_string(),
        ),
        Err(error) => failure(error),
    }
}

/// An error as osTicket clients expect it: 400 for bad input, 403 when a filter denies it.
fn failure(error: AppError) -> Response {
    match error {
        AppError::Invalid { fields } => text(
            StatusCode::BAD_REQUEST,
            format!(
                "Unable to create new ticket: {}",
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
        AppError::Conflict { message } if message.contains("does not accept") => {
            text(StatusCode::FORBIDDEN, "Ticket denied")
        }
        AppError::Conflict { message } => text(StatusCode::CONFLICT, message),
        other => {
            let status =
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            text(status, other.to_string())
        }
    }
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
