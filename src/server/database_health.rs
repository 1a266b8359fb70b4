//! Whether this process reaches its database, as the health job last found it: a request that
//! arrives while it does not is answered 503 at once instead of waiting on a connection that the
//! database client is still re-establishing (it does so by itself, replaying the sign-in).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::state::AppState;

/// How long a check may take before the database counts as unreachable.
pub const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Clone, Debug)]
pub struct DatabaseHealth(Arc<AtomicBool>);

impl Default for DatabaseHealth {
    /// Reachable: the process has just connected and migrated.
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl DatabaseHealth {
    pub fn is_up(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Records a check's result; says whether it changed.
    pub fn set(&self, up: bool) -> bool {
        self.0.swap(up, Ordering::Relaxed) != up
    }
}

/// Answers 503 (with `Retry-After`) while the database is unreachable, except the probes, which
/// say so themselves.
pub async fn refuse_while_down(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let probe = matches!(request.uri().path(), "/healthz" | "/readyz");
    if probe || state.database.is_up() {
        return next.run(request).await;
    }
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "Docket cannot reach its database right now and reconnects by itself. \
         Nothing was changed: try again in a few seconds.",
    )
        .into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("5"));
    response
}
