//! The visitor's session as every page sees it: loaded once per page load, shared by context.

use leptos::prelude::*;

use crate::domain::permission::{Action, Actor, Denied, Resource as Target, authorize};
use crate::error::AppError;
use crate::server_fns::accounts::SessionInfo;

#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<SessionInfo, AppError>>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// The current session, once loaded (tracks the resource).
    pub fn info(&self) -> Option<SessionInfo> {
        self.0.get().and_then(Result::ok)
    }

    /// Whether the visitor may do `action`, by the same rule the server applies.
    pub fn may(info: &SessionInfo, action: Action) -> Result<(), Denied> {
        let actor = info
            .user
            .clone()
            .map(Actor::User)
            .unwrap_or(Actor::Anonymous);
        authorize(&actor, action, &Target::System)
    }
}

/// Sends the browser to `href` with a full page load, so every part of the page sees the new
/// session. Only call from event handlers or effects (browser only).
pub fn reload_to(href: &str) {
    let _ = window().location().set_href(href);
}
