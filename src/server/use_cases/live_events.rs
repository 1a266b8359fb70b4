//! Subscribing to live events: who may, and which events each subscriber receives.

use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::domain::live::LiveEvent;
use crate::domain::permission::Actor;
use crate::error::AppError;
use crate::server::request::Caller;
use crate::server::state::AppState;
use crate::server::use_cases::guest_access;

/// The caller's event stream: every event they may receive, from now on. Signed-in users hear
/// about tickets they may read; a guest link (`guest` token) about its own ticket.
pub async fn subscribe(
    state: &AppState,
    caller: &Caller,
    guest: Option<&str>,
) -> Result<impl Stream<Item = LiveEvent> + use<>, AppError> {
    let actor = match guest {
        Some(token) => {
            let number = guest_access::linked_number(state, token).await?;
            caller.as_guest(&number).actor
        }
        None => caller.actor.clone(),
    };
    if actor == Actor::Anonymous {
        return Err(AppError::Unauthenticated);
    }
    let receiver = state.live.subscribe();
    Ok(futures::stream::unfold(
        (receiver, actor),
        |(mut receiver, actor)| async move {
            loop {
                match receiver.recv().await {
                    Ok(routed) if routed.admits(&actor) => {
                        return Some((routed.event, (receiver, actor)));
                    }
                    Ok(_) => continue,
                    // Fell behind: the browser refetches what it shows.
                    Err(RecvError::Lagged(_)) => {
                        return Some((LiveEvent::Resync, (receiver, actor)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    ))
}
