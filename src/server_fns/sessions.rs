//! The signed-in person's own sessions: list them, sign one out, sign out all others.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One place the caller is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySession {
    /// Names the session to sign it out (not a usable cookie).
    pub key: String,
    /// The session of this request.
    pub current: bool,
    pub started_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[server(prefix = "/rpc", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<MySession>, AppError> {
    use crate::server::{rpc, use_cases::sessions};
    let (state, caller) = rpc::context().await?;
    sessions::mine(&state, &caller).await
}

/// Signs out one of the caller's sessions (this one too, if named).
#[server(prefix = "/rpc", endpoint = "end_my_session")]
pub async fn end_my_session(key: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::sessions};
    let (state, caller) = rpc::context().await?;
    sessions::end(&state, &caller, Some(vec![key])).await
}

/// Signs out every session of the caller but this one.
#[server(prefix = "/rpc", endpoint = "end_my_other_sessions")]
pub async fn end_my_other_sessions() -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::sessions};
    let (state, caller) = rpc::context().await?;
    sessions::end(&state, &caller, None).await
}
