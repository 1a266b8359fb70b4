//! `GET /api/v1/events`: the live event stream as server-sent events, one JSON object per event.
//! Authenticated by the session cookie, or by `?guest=TOKEN` for a guest link's ticket.

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
use crate::server::state::AppState;
use crate::server::use_cases::live_events;

#[derive(Deserialize)]
pub struct EventsQuery {
    guest: Option<String>,
}

pub async fn events(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Response {
    let stream = match Caller::from_request(&state, Some(peer.ip()), &headers).await {
        Ok(caller) => live_events::subscribe(&state, &caller, query.guest.as_deref()).await,
        Err(e) => Err(e),
    };
    match stream {
        Ok(stream) => {
            let events = stream.map(|event| {
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
