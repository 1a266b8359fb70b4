//! The HTTP surface: health probes, `/rpc` server functions, the pages, static files, and the
//! layers every request passes (request id, tracing, security headers, the cross-site refusal).

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

use crate::app::{App, shell};
use crate::error::AppError;
use crate::server::database_health::{CHECK_TIMEOUT, refuse_while_down};
use crate::server::state::AppState;
use crate::server::web_security::{
    CONTENT_SECURITY_POLICY, HSTS, INERT_POLICY, STRICT_TRANSPORT_SECURITY, refuse_cross_site,
    send_page_policy,
};
use crate::server::{alert_api, audit_export, files, operator, osticket, report_export, rest};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let site_root = state.settings.site_root.clone();
    // All files of one upload plus room for the multipart framing.
    let upload_limit = usize::try_from(
        state.settings.upload_max_file_bytes * u64::from(state.settings.upload_max_files),
    )
    .unwrap_or(usize::MAX)
    .saturating_add(1024 * 1024);
    let context_state = state.clone();
    let fallback_state = state.clone();
    let hsts = state
        .settings
        .secure_cookies()
        .then_some(HeaderValue::from_static(HSTS));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/files", post(files::upload).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/files/{id}", get(files::download))
        .route("/guest/{token}/files/{id}", get(files::guest_download))
        .route("/admin/audit/export", get(audit_export::export))
        .route("/agent/reports/export", get(report_export::export))
        .route("/operator/backup", post(operator::backup))
        .merge(rest::routes())
        .route("/api/alert", post(alert_api::thehive))
        .route("/api/{*rest}", any(|| async { (StatusCode::BAD_REQUEST, "URL not supported") }))
        .leptos_routes_with_context(&state, routes, move || render_context(&context_state), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")))
        // Public files from the site root, else the app's "Page not found" with status 404.
        .fallback(file_and_error_handler_with_context::<AppState, _>(move || render_context(&fallback_state), shell))
        // osTicket's API paths work under any prefix, so they are matched before routing.
        .layer(axum::middleware::from_fn_with_state(state.clone(), osticket::intercept))
        // Without a database nothing can be served: say so at once (the probes excepted).
        .layer(axum::middleware::from_fn_with_state(state.clone(), refuse_while_down))
        // Cross-site requests are refused before anything, osTicket's paths included.
        .layer(axum::middleware::from_fn_with_state(state.clone(), refuse_cross_site))
        // Pages carry their own policy, with their render's nonce (`render_context`).
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(INERT_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            move |_: &Response| hsts.clone(),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(axum::middleware::map_response(rpc_error_status))
        .layer(axum::middleware::from_fn(cap_server_function_bodies))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// What every page render and server function call has besides Leptos's own: the state, and
/// for a page, its Content-Security-Policy with the render's nonce.
fn render_context(state: &AppState) {
    provide_context(state.clone());
    send_page_policy();
}

/// Server function arguments are forms and small JSON documents (uploads go to `/files`): a
/// larger body is refused with 413, before it is read when it says its length.
const SERVER_FUNCTION_BODY_LIMIT: usize = 2 * 1024 * 1024;

async fn cap_server_function_bodies(
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    if !request.uri().path().starts_with("/rpc/") {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > SERVER_FUNCTION_BODY_LIMIT) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request is larger than a server function takes (2 MiB).",
        )
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let limited = Body::new(http_body_util::Limited::new(
        body,
        SERVER_FUNCTION_BODY_LIMIT,
    ));
    next.run(Request::from_parts(parts, limited)).await
}

/// Gives a server function's error response its status (and `Retry-After`), decoded from the
/// `AppError` in the body: the one place errors become HTTP statuses, including errors raised
/// before the function body runs (malformed arguments).
async fn rpc_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::Throttled { retry_after_secs } = error {
            parts
                .headers
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// 200 when the database answers within a second, 503 otherwise (at once while the health job
/// finds it unreachable, so that a 503 here means requests are being refused).
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    if !state.database.is_up() {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    match tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await {
        Ok(true) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}
