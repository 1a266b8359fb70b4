//! `GET /api/v1/events`: the live event stream as server-sent events, one JSON object per event.
//! Authenticated by the session cookie, by `?guest=TOKEN` for a guest link's ticket, or by an API
//! key with `events:read` in `X-API-Key` or `Authorization: Bearer` (never from a cookie).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Json;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;

use crate::error::AppError;
use crate::server::request::Caller;
use crate::server::request::presented_key;
use crate::server::state::AppState;
use crate::server::use_cases::live_events::{self, Presented};

#[derive(Deserialize)]
pub struct EventsQuery {
    guest: Option<String>,
}

/// Server-sent events, one JSON object per `data:` line, for every ticket change the caller may
/// read, from now on. With an API key it needs `events:read` and hears what its account may read.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    params(("guest" = Option<String>, Query, description = "A guest link's token, for its one ticket")),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The stream (`text/event-stream`)", content_type = "text/event-stream", body = String),
        (status = 401, description = "Neither a session, a guest link nor a key"),
        (status = 403, description = "The key lacks events:read"),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Response {
    let stream = match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => {
            let presented = Presented {
                guest: query.guest.as_deref(),
                key: presented_key(&headers),
            };
            live_events::subscribe(&state, &caller, presented).await
        }
        Err(e) => Err(e),
    };
    match stream {
        Ok(stream) => {
            // Ends when the server stops, so that a graceful stop does not wait on open streams.
            let events = stream.take_until(state.live.closed()).map(|event| {
                Ok::<_, Infallible>(
                    Event::default().data(serde_json::to_string(&event).unwrap_or_default()),
                )
            });
            Sse::new(events)
                .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
                .into_response()
        }
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json::<AppError>(e)).into_response()
        }
    }
}
