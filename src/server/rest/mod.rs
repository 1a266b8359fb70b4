//! REST API v1: tickets and accounts for scripts, SOAR playbooks and integrations. Every request
//! carries an API key (`X-API-Key` or `Authorization: Bearer`, never a cookie) that acts as one
//! agent or admin within its scopes; the handlers call the same use cases, and so the same
//! permission checks, as the web UI. Errors are RFC 9457 problem details. The OpenAPI 3.1
//! document is generated from these handlers (`/api/v1/openapi.json`, read at `/api/docs`).

pub mod docs;
mod model;
mod tickets;
mod users;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::audit::Origin;
use crate::domain::permission::{Actor, KeyActor};
use crate::error::AppError;
use crate::server::problem::{Problem, from_error};
use crate::server::request::{Caller, client_ip, presented_key};
use crate::server::state::AppState;
use crate::server::use_cases::api_keys;
use crate::server::{alert_api, events};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Docket API",
        version = "1",
        description = "Tickets, accounts, SIEM alerts and live events. Authenticate with an API \
            key in `X-API-Key` (or `Authorization: Bearer`); a key acts as the agent or admin it \
            names, within its scopes (`tickets:read`, `tickets:write`, `users:read`, \
            `events:read`, `alerts:create`). Errors are RFC 9457 problem details. The \
            osTicket-compatible endpoints (`/api/tickets.json`, `.xml`, `.email`) are described \
            in the README."
    ),
    modifiers(&KeySecurity),
    components(schemas(Problem)),
    tags(
        (name = "tickets", description = "List, search, open, read and change tickets"),
        (name = "users", description = "Look up accounts"),
        (name = "alerts", description = "SIEM alerts in"),
        (name = "events", description = "The live event stream"),
    )
)]
struct ApiDoc;

struct KeySecurity;

impl Modify for KeySecurity {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes and the document that describes exactly them.
fn router() -> (axum::Router<AppState>, Document) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(tickets::list, tickets::open))
        .routes(routes!(tickets::show, tickets::update))
        .routes(routes!(tickets::post_message))
        .routes(routes!(users::show))
        .routes(routes!(alert_api::from_source))
        .routes(routes!(alert_api::thehive))
        .routes(routes!(events::events))
        .split_for_parts()
}

/// The API's routes, `/api/v1/openapi.json` and the `/api/docs` page, all from one document.
pub fn routes() -> axum::Router<AppState> {
    let (router, document) = router();
    let json = serde_json::to_value(&document).unwrap_or_default();
    let page = docs::render(&json);
    let body = json.to_string();
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route(
            "/api/docs",
            axum::routing::get(move || {
                let page = page.clone();
                async move { axum::response::Html(page) }
            }),
        )
}

/// The caller of a REST request: the API key's actor. Refused keys get a 401 problem.
pub struct ApiCaller(pub Caller);

impl ApiCaller {
    /// A clear 403 when the key holds none of `scopes` (the use case's `authorize` would say
    /// only "not found" for a ticket, as it does for anything the caller may not reach).
    pub fn require(&self, scopes: &[&str]) -> Result<&Caller, AppError> {
        match &self.0.actor {
            Actor::Key(KeyActor { scopes: held, .. })
                if held.iter().any(|s| scopes.contains(&s.as_str())) =>
            {
                Ok(&self.0)
            }
            _ => Err(AppError::NotPermitted {
                message: format!("This API key lacks the {} scope.", scopes.join(" or ")),
            }),
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let ip = client_ip(peer, &parts.headers, &state.settings.trusted_proxies);
        let key = match api_keys::acting(state, presented_key(&parts.headers), ip).await {
            Ok(Ok(key)) => key,
            Ok(Err(refusal)) => {
                return Err(crate::server::problem::problem(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "API key refused",
                    refusal.body(),
                ));
            }
            Err(error) => return Err(from_error(error)),
        };
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect());
        Ok(ApiCaller(Caller {
            actor: Actor::Key(key),
            origin: Origin {
                ip: ip.map(|ip| ip.to_string()),
                user_agent,
            },
            session_token: None,
            on_behalf: None,
        }))
    }
}
