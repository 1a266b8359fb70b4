//! The server: settings, state, HTTP routing and everything that only runs natively.

pub mod alert_api;
pub mod audit_export;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod database_health;
pub mod events;
pub mod files;
pub mod http;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod operator;
pub mod osticket;
pub mod problem;
pub mod rate_limits;
pub mod report_export;
pub mod request;
pub mod rest;
pub mod rpc;
pub mod sanitize;
pub mod state;
pub mod store;
pub mod use_cases;
pub mod web_security;

use std::net::SocketAddr;
use std::sync::Arc;

use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;

use crate::server::clock::Clock;
use crate::server::config::Settings;
use crate::server::database_health::DatabaseHealth;
use crate::server::live::LiveHub;
use crate::server::mail::secret::SecretKey;
use crate::server::state::AppState;
use crate::server::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Startup(String),
}

/// Connects the database and builds the state every request shares.
pub async fn build_state(settings: Settings, clock: Clock) -> Result<AppState, ServeError> {
    let store = Store::connect(&settings.database).await?;
    state_on(store, settings, clock).await
}

/// The state for a store that is already connected (a second app on the same database).
pub async fn state_on(
    store: Store,
    settings: Settings,
    clock: Clock,
) -> Result<AppState, ServeError> {
    let secret = SecretKey::load(settings.secret_key.as_deref(), &store).await?;
    let leptos_options = LeptosOptions::builder()
        .output_name("docket")
        .site_root(settings.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .env(Env::PROD)
        .build();
    Ok(AppState {
        live: LiveHub::start(store.clone()),
        store,
        settings: Arc::new(settings),
        clock,
        secret,
        operator_token: auth::new_token().into(),
        limits: Arc::default(),
        database: DatabaseHealth::default(),
        leptos_options,
    })
}

/// A server listening on its port, as started by [`start`].
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    /// The first-run setup link, when no admin exists yet.
    pub setup_link: Option<String>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds the listener and serves until `shutdown` resolves, finishing in-flight requests.
pub async fn start(
    settings: Settings,
    clock: Clock,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, ServeError> {
    let state = build_state(settings, clock).await?;
    release_abandoned_leases(&state).await?;
    serve(state, shutdown).await
}

/// Mail and webhook deliveries a killed process had claimed are due again before the workers
/// start. Their leases would otherwise keep them for two minutes after a restart (found by the
/// crash test `kill_9_loses_no_mail_or_webhook_delivery`). Only for an embedded datastore, which
/// this process alone has open: on a shared database server another replica may be delivering
/// them right now, and there they wait for their leases to run out.
async fn release_abandoned_leases(state: &AppState) -> Result<(), ServeError> {
    if !state.settings.database.is_embedded() {
        return Ok(());
    }
    let released = state.store.release_queue_leases().await?;
    if released > 0 {
        tracing::info!(
            released,
            "mail and webhook deliveries claimed before a crash are due again"
        );
    }
    Ok(())
}

/// Serves `state` on its configured address until `shutdown` resolves.
pub async fn serve(
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, ServeError> {
    let addr = state.settings.addr;
    let setup_link = use_cases::setup::setup_link(&state)
        .await
        .map_err(|e| ServeError::Startup(e.to_string()))?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Listen { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Listen { addr, source })?;
    if let Some(path) = operator::operator_file(&state.settings) {
        let url = format!("http://{addr}");
        if let Err(error) = operator::write_operator_file(&path, &url, &state.operator_token) {
            tracing::warn!(%error, path = %path.display(), "cannot write the operator file: `docket backup` cannot reach this server");
        }
    }
    jobs::database_health::spawn(state.clone());
    jobs::sla::spawn(state.clone());
    jobs::metrics::spawn(state.clone());
    jobs::outbox::spawn(state.clone());
    jobs::mailboxes::spawn(state.clone());
    jobs::webhooks::spawn(state.clone());
    jobs::audit_checkpoints::spawn(state.clone());
    jobs::audit_stream::spawn(state.clone());
    jobs::audit_retention::spawn(state.clone());
    let app = http::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let live = state.live.clone();
    let shutdown = async move {
        shutdown.await;
        // Live event streams never end by themselves: end them, or the stop would wait forever.
        live.close();
    };
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    });
    Ok(Running {
        addr,
        state,
        setup_link,
        task,
    })
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("can listen for SIGTERM");
    tokio::select! {
        _ = interrupt => {},
        _ = terminate.recv() => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
