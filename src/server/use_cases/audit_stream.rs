//! Streaming the audit trail to one `audit.stream` target: each shard's events after the target's
//! cursor go out in chain order, and the cursor moves only once the target has taken them
//! (at-least-once: a failure or a restart resends from the stored cursor).
//!
//! What "taken" means per target: stdout written and flushed; a file appended and fsync'd; a TCP
//! collector's connection written and flushed; a UDP datagram sent (UDP never confirms delivery).

use std::io::Write;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpStream, UdpSocket, lookup_host};

use crate::domain::audit::stream::{StreamTarget, SyslogSource, SyslogTransport};
use crate::domain::audit::{AuditEvent, SHARDS};
use crate::server::state::AppState;
use crate::server::store::StoreError;

/// Events read and sent at once; the cursor moves after each batch.
const BATCH: usize = 500;
/// How long a process keeps a target without renewing it (every batch renews it): the longest
/// pause before another process, or this one after a restart, takes a target over.
const LEASE_SECONDS: i64 = 15;
/// Bounds on connecting and on writing one batch, well inside the lease.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    #[error("{0} resolves to no address")]
    NoAddress(String),
}

/// One target as this process streams it.
pub struct TargetStream {
    target: StreamTarget,
    /// The target's canonical spelling: its cursor and lease are stored under it.
    key: String,
    /// This process, as the lease names it.
    holder: String,
    source: SyslogSource,
    link: Link,
}

/// A syslog collector's open socket, kept between rounds.
enum Link {
    Closed,
    Udp(UdpSocket),
    Tcp(TcpStream),
}

impl TargetStream {
    pub fn new(target: StreamTarget, holder: &str, source: SyslogSource) -> Self {
        Self {
            key: target.to_string(),
            target,
            holder: holder.to_string(),
            source,
            link: Link::Closed,
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Sends every event the target has not taken yet, shard by shard, in order within each
    /// shard (not across shards: order by `at` and `shard` on the receiving side). Nothing when
    /// another process holds the target's lease. How many events went out.
    pub async fn deliver(&mut self, state: &AppState) -> Result<usize, StreamError> {
        let cursors = state.store.audit_stream_cursors(&self.key).await?;
        let behind: Vec<(u8, u64)> = state
            .store
            .audit_heads()
            .await?
            .into_iter()
            .filter(|(shard, seq, _)| shard < &SHARDS && *seq > cursors[usize::from(*shard)])
            .map(|(shard, _, _)| (shard, cursors[usize::from(shard)]))
            .collect();
        let mut delivered = 0;
        for (shard, mut cursor) in behind {
            loop {
                if !self.lease(state).await? {
                    // Another process streams this target; leave its collector alone.
                    self.link = Link::Closed;
                    return Ok(delivered);
                }
                let events = state.store.audit_events_after(shard, cursor, BATCH).await?;
                let Some(last) = events.last().map(|e| e.seq) else {
                    break;
                };
                self.send(&events).await?;
                state
                    .store
                    .advance_audit_stream(&self.key, shard, last)
                    .await?;
                delivered += events.len();
                cursor = last;
                if events.len() < BATCH {
                    break;
                }
            }
        }
        Ok(delivered)
    }

    async fn lease(&self, state: &AppState) -> Result<bool, StoreError> {
        let now = state.clock.now();
        let until = now + chrono::Duration::seconds(LEASE_SECONDS);
        state
            .store
            .lease_audit_stream(&self.key, &self.holder, now, until)
            .await
    }

    /// Hands `events` to the target and returns once it has taken them.
    async fn send(&mut self, events: &[AuditEvent]) -> Result<(), StreamError> {
        let frames: Vec<String> = events
            .iter()
            .map(|event| self.target.encode(event, &self.source))
            .collect();
        match &self.target {
            StreamTarget::Stdout => write_blocking(None, frames.concat()).await,
            StreamTarget::File(path) => write_blocking(Some(path.clone()), frames.concat()).await,
            StreamTarget::Syslog {
                transport: SyslogTransport::Udp,
                host,
                port,
            } => {
                // Taken out, and put back only after a success: a failed socket is not reused.
                let socket = match std::mem::replace(&mut self.link, Link::Closed) {
                    Link::Udp(socket) => socket,
                    _ => udp_socket(host, *port).await?,
                };
                for frame in &frames {
                    // A connected socket reports a collector that refused an earlier datagram.
                    socket.send(frame.as_bytes()).await?;
                }
                self.link = Link::Udp(socket);
                Ok(())
            }
            StreamTarget::Syslog {
                transport: SyslogTransport::Tcp,
                host,
                port,
            } => {
                let mut stream = match std::mem::replace(&mut self.link, Link::Closed) {
                    Link::Tcp(stream) if still_open(&stream) => stream,
                    _ => tcp_stream(host, *port).await?,
                };
                let bytes = frames.concat();
                within(WRITE_TIMEOUT, async {
                    stream.write_all(bytes.as_bytes()).await?;
                    stream.flush().await
                })
                .await?;
                self.link = Link::Tcp(stream);
                Ok(())
            }
        }
    }
}

/// Writes `text` to the file at `path` (appended, then fsync'd) or to stdout (flushed), holding
/// stdout's lock throughout so no log line lands inside a batch.
async fn write_blocking(path: Option<String>, text: String) -> Result<(), StreamError> {
    tokio::task::spawn_blocking(move || match path {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            file.write_all(text.as_bytes())?;
            file.sync_data()
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
    })
    .await
    .map_err(|joined| std::io::Error::other(joined.to_string()))?
    .map_err(StreamError::from)
}

async fn udp_socket(host: &str, port: u16) -> Result<UdpSocket, StreamError> {
    let address = within(CONNECT_TIMEOUT, lookup_host((host, port)))
        .await?
        .next()
        .ok_or_else(|| StreamError::NoAddress(host.to_string()))?;
    let local = if address.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = UdpSocket::bind(local).await?;
    socket.connect(address).await?;
    Ok(socket)
}

async fn tcp_stream(host: &str, port: u16) -> Result<TcpStream, StreamError> {
    let stream = within(CONNECT_TIMEOUT, TcpStream::connect((host, port))).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Whether a kept connection still stands. A collector never sends anything, so a readable end
/// of stream (or an error) means it closed the connection or went away; writing into it would
/// appear to succeed and lose the batch.
fn still_open(stream: &TcpStream) -> bool {
    let mut scratch = [0u8; 256];
    match stream.try_read(&mut scratch) {
        Ok(0) => false,
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
    }
}

async fn within<T>(
    limit: Duration,
    work: impl Future<Output = std::io::Result<T>>,
) -> Result<T, StreamError> {
    match tokio::time::timeout(limit, work).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(StreamError::TimedOut(limit)),
    }
}
