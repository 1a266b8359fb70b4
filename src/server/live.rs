//! The live hub: one database subscription per table of interest (tickets, presence), fanned out
//! in process to every connected browser. Each stream filters with the same permission rule as
//! everything else ([`Audience::admits`]).

use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::{broadcast, watch};

use crate::domain::live::{Audience, LiveEvent};
use crate::domain::permission::Actor;
use crate::server::store::{PresenceNotice, Store, TicketNotice};

/// How many events a slow stream may fall behind before it is told to resync.
const BUFFER: usize = 1024;

/// An event with who may receive it (`None`: every subscriber; only for `Resync`, which
/// carries nothing but "refetch").
#[derive(Clone, Debug)]
pub struct Routed {
    pub event: LiveEvent,
    pub audience: Option<Audience>,
}

impl Routed {
    pub fn admits(&self, actor: &Actor) -> bool {
        self.audience.as_ref().is_none_or(|a| a.admits(actor))
    }
}

/// The in-process fan-out. Cheap to clone.
#[derive(Clone, Debug)]
pub struct LiveHub {
    sender: broadcast::Sender<Routed>,
    /// Set when the server stops: open streams end, so a graceful stop does not wait on them.
    closing: Arc<watch::Sender<bool>>,
}

impl LiveHub {
    /// Subscribes to the database and starts forwarding. Subscriptions that end (a remote
    /// database restarting) are re-established with backoff.
    pub fn start(store: Store) -> LiveHub {
        let (sender, _) = broadcast::channel(BUFFER);
        let hub = LiveHub {
            sender,
            closing: Arc::new(watch::channel(false).0),
        };
        tokio::spawn(forward(store.clone(), hub.sender.clone(), Table::Ticket));
        tokio::spawn(forward(store, hub.sender.clone(), Table::Presence));
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Routed> {
        self.sender.subscribe()
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`LiveHub::close`] is called.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut closing = self.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closed| *closed).await;
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Table {
    Ticket,
    Presence,
}

async fn forward(store: Store, sender: broadcast::Sender<Routed>, table: Table) {
    let mut backoff = Duration::from_millis(250);
    loop {
        let result = match table {
            Table::Ticket => match store.watch_tickets().await {
                Ok(stream) => pump(stream.map(|r| r.map(ticket_event)), &sender).await,
                Err(e) => Err(e),
            },
            Table::Presence => match store.watch_presence().await {
                Ok(stream) => pump(stream.map(|r| r.map(presence_event)), &sender).await,
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(()) => tracing::warn!(?table, "live query ended; subscribing again"),
            Err(error) => tracing::error!(?table, %error, "live query failed; subscribing again"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
        // Changes made while unsubscribed were not heard: every browser refetches.
        let _ = sender.send(Routed {
            event: LiveEvent::Resync,
            audience: None,
        });
    }
}

async fn pump<E>(
    stream: impl Stream<Item = Result<Routed, E>>,
    sender: &broadcast::Sender<Routed>,
) -> Result<(), E> {
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        // No receivers is fine: nobody is watching right now.
        let _ = sender.send(item?);
    }
    Ok(())
}

fn ticket_event(notice: TicketNotice) -> Routed {
    let ticket = notice.audience.number.clone();
    let event = if notice.created {
        LiveEvent::TicketCreated {
            ticket,
            version: notice.version,
            at: notice.at,
        }
    } else {
        LiveEvent::TicketUpdated {
            ticket,
            changed: notice.changed,
            version: notice.version,
            at: notice.at,
        }
    };
    Routed {
        event,
        audience: Some(notice.audience),
    }
}

fn presence_event(notice: PresenceNotice) -> Routed {
    Routed {
        event: LiveEvent::Presence {
            ticket: notice.audience.number.clone(),
            user: notice.user,
            tab: notice.tab,
            name: notice.name,
            activity: notice.activity,
            at: notice.at,
        },
        audience: Some(notice.audience),
    }
}
