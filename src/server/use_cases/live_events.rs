//! Subscribing to live events: who may, and which events each subscriber receives. A stream
//! re-checks its credential as it goes, so signing out, deactivation, a revoked guest link or a
//! changed department membership takes effect on open streams too.

use chrono::{DateTime, Duration, Utc};
use futures::Stream;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use crate::domain::live::LiveEvent;
use std::net::IpAddr;

use crate::domain::permission::{Actor, EVENTS_READ};
use crate::error::AppError;
use crate::server::live::Routed;
use crate::server::request::{Caller, session_actor};
use crate::server::state::AppState;
use crate::server::use_cases::{api_keys, guest_access};

/// How long a stream trusts its credential before checking it again.
const RECHECK: Duration = Duration::seconds(15);

/// What the stream was opened with.
#[derive(Clone)]
enum Credential {
    Session(String),
    Guest(String),
    /// An API key with `events:read`, from the address it was presented from.
    Key(String, Option<IpAddr>),
}

/// The actor the credential stands for now (anonymous when it no longer works).
async fn current_actor(state: &AppState, credential: &Credential) -> Actor {
    let actor = match credential {
        Credential::Session(token) => session_actor(state, token).await,
        Credential::Guest(token) => guest_access::linked_number(state, token)
            .await
            .map(|ticket| Actor::Guest { ticket }),
        Credential::Key(secret, ip) => key_actor(state, secret, *ip).await,
    };
    actor.unwrap_or(Actor::Anonymous)
}

/// The actor an API key stands for on the stream: only with `events:read`.
async fn key_actor(state: &AppState, secret: &str, ip: Option<IpAddr>) -> Result<Actor, AppError> {
    match api_keys::acting(state, Some(secret), ip).await? {
        Ok(key) if key.scopes.iter().any(|s| s == EVENTS_READ) => Ok(Actor::Key(key)),
        Ok(_) => Err(AppError::NotPermitted {
            message: "This API key lacks the events:read scope.".into(),
        }),
        Err(refusal) => Err(AppError::NotPermitted {
            message: refusal.body().into(),
        }),
    }
}

struct Subscription {
    state: AppState,
    receiver: Receiver<Routed>,
    credential: Credential,
    actor: Actor,
    checked_at: DateTime<Utc>,
}

impl Subscription {
    /// The next event this subscriber may receive; `None` ends the stream.
    async fn next(&mut self) -> Option<LiveEvent> {
        loop {
            let routed = match self.receiver.recv().await {
                Ok(routed) => routed,
                // Fell behind: the browser refetches what it shows.
                Err(RecvError::Lagged(_)) => return Some(LiveEvent::Resync),
                Err(RecvError::Closed) => return None,
            };
            let now = self.state.clock.now();
            if now - self.checked_at >= RECHECK {
                self.actor = current_actor(&self.state, &self.credential).await;
                self.checked_at = now;
                if self.actor == Actor::Anonymous {
                    return None;
                }
            }
            if routed.admits(&self.actor) {
                return Some(routed.event);
            }
        }
    }
}

/// How a stream is asked for: a guest link's token or an API key, else the caller's session.
#[derive(Clone, Copy, Default)]
pub struct Presented<'a> {
    pub guest: Option<&'a str>,
    pub key: Option<&'a str>,
}

/// The caller's event stream: every event they may receive, from now on. Signed-in users (and
/// API keys with `events:read`, as their account) hear about tickets they may read; a guest link
/// (`guest` token) about its own ticket.
pub async fn subscribe(
    state: &AppState,
    caller: &Caller,
    presented: Presented<'_>,
) -> Result<impl Stream<Item = LiveEvent> + use<>, AppError> {
    let (credential, actor) = match (presented.guest, presented.key, &caller.session_token) {
        (None, Some(secret), _) => {
            let ip = caller.origin.ip.as_deref().and_then(|ip| ip.parse().ok());
            let actor = key_actor(state, secret, ip).await?;
            (Credential::Key(secret.to_string(), ip), actor)
        }
        (Some(token), _, _) => {
            let number = guest_access::linked_number(state, token).await?;
            (
                Credential::Guest(token.to_string()),
                caller.as_guest(&number).actor,
            )
        }
        (None, None, Some(token)) if caller.actor != Actor::Anonymous => {
            (Credential::Session(token.clone()), caller.actor.clone())
        }
        (None, None, _) => return Err(AppError::Unauthenticated),
    };
    let subscription = Subscription {
        receiver: state.live.subscribe(),
        state: state.clone(),
        credential,
        actor,
        checked_at: state.clock.now(),
    };
    Ok(futures::stream::unfold(subscription, |mut s| async move {
        s.next().await.map(|event| (event, s))
    }))
}
