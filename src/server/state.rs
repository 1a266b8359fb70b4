//! `AppState`: everything a request needs, built once in `serve` and passed in (no globals).

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::server::clock::Clock;
use crate::server::config::Settings;
use crate::server::database_health::DatabaseHealth;
use crate::server::live::LiveHub;
use crate::server::mail::secret::SecretKey;
use crate::server::rate_limits::RateLimiter;
use crate::server::store::Store;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// Live events for browsers, fed by the database's live queries.
    pub live: LiveHub,
    /// Signs Message-ID tokens and seals stored mailbox passwords.
    pub secret: SecretKey,
    /// What `docket backup` presents to this server (see `operator`).
    pub operator_token: Arc<str>,
    /// Whether the database answers (the health job keeps it).
    pub database: DatabaseHealth,
    /// This process's count of rate-limited requests.
    pub limits: Arc<RateLimiter>,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
