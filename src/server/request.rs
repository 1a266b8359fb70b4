//! What the server knows about who is calling: address, user agent, session and the actor.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::domain::audit::{ActorKind, AuditActor, Origin};
use crate::domain::permission::{Actor, SignedInUser};
use crate::domain::session::idle_timeout;
use crate::error::AppError;
use crate::server::auth;
use crate::server::state::AppState;
use crate::server::store::StoreError;
use crate::server::use_cases::general_settings;

/// The caller of a use case: who, from where, and with which session.
#[derive(Clone, Debug)]
pub struct Caller {
    pub actor: Actor,
    pub origin: Origin,
    /// The session token presented with the request, if any (valid or not).
    pub session_token: Option<String>,
    /// Who the audit trail names when no signed-in user acts: an API key, a mailbox, the pipe.
    pub on_behalf: Option<AuditActor>,
}

impl Caller {
    /// The same caller acting through a guest link to `ticket`.
    pub fn as_guest(&self, ticket: &str) -> Caller {
        Caller {
            actor: Actor::Guest {
                ticket: ticket.to_string(),
            },
            ..self.clone()
        }
    }

    /// The channel a thread entry written by this caller came through: the API for a key.
    pub fn channel(&self) -> crate::domain::ticket::Source {
        match self.actor {
            Actor::Key(_) => crate::domain::ticket::Source::Api,
            _ => crate::domain::ticket::Source::Web,
        }
    }

    pub fn ip(&self) -> &str {
        self.origin.ip.as_deref().unwrap_or("unknown")
    }

    /// A caller without a session acting for a machine (an API key, a mailbox, the mail pipe).
    pub fn machine(actor: AuditActor, origin: Origin) -> Caller {
        Caller {
            actor: Actor::Anonymous,
            origin,
            session_token: None,
            on_behalf: Some(actor),
        }
    }

    /// The actor as the audit trail records it.
    pub fn audit_actor(&self) -> AuditActor {
        if let Some(actor) = &self.on_behalf {
            return actor.clone();
        }
        match &self.actor {
            Actor::Anonymous => AuditActor::anonymous(),
            Actor::User(user) => AuditActor::user(&user.id, &user.email),
            Actor::Guest { ticket } => AuditActor {
                label: format!("guest link for ticket {ticket}"),
                ..AuditActor::anonymous()
            },
            Actor::Key(key) => AuditActor {
                kind: ActorKind::ApiKey,
                id: Some(key.key.clone()),
                label: format!("API key {} acting as {}", key.name, key.user.email),
            },
        }
    }

    /// Resolves the caller from request parts: client address (honouring `X-Forwarded-For` only
    /// from trusted proxies), user agent, and the session cookie's user.
    pub async fn from_parts(state: &AppState, parts: &Parts) -> Result<Caller, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Caller::from_request(state, peer, &parts.headers).await
    }

    /// The same from the socket peer and the request headers (for plain axum handlers).
    pub async fn from_request(
        state: &AppState,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
    ) -> Result<Caller, AppError> {
        let ip = client_ip(peer, headers, &state.settings.trusted_proxies);
        let user_agent = headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect());
        let session_token = auth::session_token(headers);
        let actor = match &session_token {
            Some(token) => session_actor(state, token).await?,
            None => Actor::Anonymous,
        };
        Ok(Caller {
            actor,
            origin: Origin {
                ip: ip.map(|ip| ip.to_string()),
                user_agent,
            },
            session_token,
            on_behalf: None,
        })
    }
}

/// The API key a request presents in `X-API-Key` or as `Authorization: Bearer` (never a cookie).
pub fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or(bearer)
}

/// Whoever a session token signs in now: its user while the session lives (not expired, not
/// idle past the general settings' timeout), the account is active and, when its role must use
/// a second factor, has one; anonymous otherwise. Writes the session's use down at most once a
/// minute, which is also when the general settings are read again: a newly required second
/// factor ends the sessions without one within a minute.
pub async fn session_actor(state: &AppState, token: &str) -> Result<Actor, AppError> {
    let now = state.clock.now();
    let key = auth::token_key(token);
    let Some(session) = state.store.session(&key, now).await.map_err(internal)? else {
        return Ok(Actor::Anonymous);
    };
    if session.used.stale(now) {
        let general = general_settings::current(state).await?;
        let missing_factor = general
            .two_factor
            .must_enrol(session.user.role, session.user.two_factor);
        if missing_factor
            || session
                .used
                .idle_expired(now, idle_timeout(general.session_idle_minutes))
        {
            return Ok(Actor::Anonymous);
        }
        state
            .store
            .touch_session(&key, now)
            .await
            .map_err(internal)?;
    }
    Ok(Actor::User(SignedInUser::from(session.user)))
}

/// The client's address: the socket peer, or the last untrusted hop of `X-Forwarded-For` when the
/// peer is a trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

/// Logs an unexpected failure with its cause chain and hands the browser only a reference.
pub fn internal(error: impl Into<StoreError>) -> AppError {
    let error: StoreError = error.into();
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    tracing::error!(%reference, error = %error, cause = ?std::error::Error::source(&error), "internal error");
    AppError::Internal { reference }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4".parse().unwrap());
        let peer: IpAddr = "10.0.0.9".parse().unwrap();
        assert_eq!(client_ip(Some(peer), &headers, &[]), Some(peer));
    }

    #[test]
    fn forwarded_for_names_the_client_behind_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 1.2.3.4, 10.0.0.8".parse().unwrap(),
        );
        let trusted: Vec<IpAddr> = vec!["10.0.0.9".parse().unwrap(), "10.0.0.8".parse().unwrap()];
        assert_eq!(
            client_ip(Some(trusted[0]), &headers, &trusted),
            Some("1.2.3.4".parse().unwrap())
        );
    }
}
