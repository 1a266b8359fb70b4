//! Checking an API key the way osTicket does, before the body is read: known (by its hash),
//! active, from an allowed address, with the scope the endpoint needs. Each refusal has
//! osTicket's exact wording; each use is noted on the key, each refusal of a known key audited.

use std::net::IpAddr;

use serde_json::json;

use crate::domain::audit::{ActorKind, AuditActor, AuditRecord, Origin};
use crate::domain::config::api_key::ApiKeyDef;
use crate::domain::permission::{KeyActor, SignedInUser};
use crate::error::AppError;
use crate::server::auth::token_key;
use crate::server::rate_limits::Limited;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::use_cases::accounts::staff_by_email;

/// A key that passed: its id and name, for the audit trail.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub key: String,
    pub name: String,
}

impl ApiClient {
    pub fn audit_actor(&self) -> AuditActor {
        AuditActor {
            kind: ActorKind::ApiKey,
            id: Some(self.key.clone()),
            label: format!("API key {}", self.name),
        }
    }
}

/// Why a key was refused, with osTicket's 401 bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRefusal {
    /// Unknown key, or a known key from an address it is not allowed from.
    Invalid,
    Inactive,
    /// The key lacks the endpoint's scope.
    NotAuthorized,
    /// A REST key whose account is gone, deactivated or no longer staff.
    NoAccount,
}

impl KeyRefusal {
    pub fn body(self) -> &'static str {
        match self {
            KeyRefusal::Invalid => "Valid API key required",
            KeyRefusal::Inactive => "API key not found/active or source IP not authorized",
            KeyRefusal::NotAuthorized => "API key not authorized",
            KeyRefusal::NoAccount => {
                "API key acts as an account that is no longer an active agent or admin"
            }
        }
    }
}

/// The key presented, if it is known, active and allowed from `ip`.
async fn check(
    state: &AppState,
    presented: Option<&str>,
    ip: Option<IpAddr>,
) -> Result<Result<(String, ApiKeyDef), KeyRefusal>, AppError> {
    let Some(presented) = presented.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(Err(KeyRefusal::Invalid));
    };
    let Some(row) = state
        .store
        .api_key_by_hash(&token_key(presented))
        .await
        .map_err(internal)?
    else {
        return Ok(Err(KeyRefusal::Invalid));
    };
    let Ok(def) = serde_json::from_value::<ApiKeyDef>(row.item) else {
        return Ok(Err(KeyRefusal::Invalid));
    };
    let allowed = ip.is_some_and(|ip| def.ranges().iter().any(|range| range.contains(ip)));
    if !allowed {
        return refused(
            state,
            &row.key,
            &def,
            ip,
            "address not allowed",
            KeyRefusal::Invalid,
        )
        .await;
    }
    if !def.active {
        return refused(state, &row.key, &def, ip, "inactive", KeyRefusal::Inactive).await;
    }
    if let Some(limit) = state.settings.limits.api_key {
        state
            .limits
            .take(Limited::ApiKey, &row.key, limit, state.clock.now())?;
    }
    Ok(Ok((row.key, def)))
}

/// Audits the refusal of a known key (a stolen key tried from elsewhere, a revoked key still in
/// use, a missing scope). Unknown keys are not audited: anyone can send those, as often as they like.
async fn refused<T>(
    state: &AppState,
    key: &str,
    def: &ApiKeyDef,
    ip: Option<IpAddr>,
    why: &str,
    refusal: KeyRefusal,
) -> Result<Result<T, KeyRefusal>, AppError> {
    let client = ApiClient {
        key: key.to_string(),
        name: def.name.clone(),
    };
    let origin = Origin {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: None,
    };
    let record = AuditRecord::new(
        state.clock.now(),
        client.audit_actor(),
        "api_key.refused",
        origin,
    )
    .object("api_key", key)
    .after(json!({ "reason": why }));
    state.store.append_audit(&record).await.map_err(internal)?;
    Ok(Err(refusal))
}

/// A key for an endpoint that needs `scope` (the osTicket API, alerts, mail).
pub async fn authenticate(
    state: &AppState,
    presented: Option<&str>,
    ip: Option<IpAddr>,
    scope: &str,
) -> Result<Result<ApiClient, KeyRefusal>, AppError> {
    let (key, def) = match check(state, presented, ip).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !def.scopes.iter().any(|s| s == scope) {
        let why = format!("lacks the {scope} scope");
        return refused(state, &key, &def, ip, &why, KeyRefusal::NotAuthorized).await;
    }
    used(state, &key).await?;
    Ok(Ok(ApiClient {
        key,
        name: def.name,
    }))
}

/// A key for the REST API and the event stream: the actor it stands for, the account it acts
/// as within its scopes (which `authorize` checks per action).
pub async fn acting(
    state: &AppState,
    presented: Option<&str>,
    ip: Option<IpAddr>,
) -> Result<Result<KeyActor, KeyRefusal>, AppError> {
    let (key, def) = match check(state, presented, ip).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !def.acts() {
        return refused(
            state,
            &key,
            &def,
            ip,
            "has no REST scope",
            KeyRefusal::NotAuthorized,
        )
        .await;
    }
    let Some(account) = staff_by_email(state, &def.acts_as).await? else {
        let why = "acts as an account that is no longer active staff";
        return refused(state, &key, &def, ip, why, KeyRefusal::NoAccount).await;
    };
    used(state, &key).await?;
    Ok(Ok(KeyActor {
        key,
        name: def.name,
        scopes: def.scopes,
        user: SignedInUser::from(account),
    }))
}

async fn used(state: &AppState, key: &str) -> Result<(), AppError> {
    state
        .store
        .api_key_used(key, state.clock.now())
        .await
        .map_err(internal)
}
