//! Fetching one IMAP mailbox with async-imap on tokio: connect (TLS, STARTTLS or plain), sign in,
//! list the folder, fetch each message, then archive or delete it once it is safely stored.

use std::sync::Arc;
use std::time::Duration;

use async_imap::{Client, Session};
use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use crate::domain::mail::mailbox::MailboxDef;

/// Any stream IMAP can run over: plain TCP or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

/// How long connecting and each command may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Messages taken per fetch; the rest wait for the next one.
pub const BATCH: usize = 50;

pub struct Mailbox {
    session: Session<Box<dyn Io>>,
    def: MailboxDef,
}

async fn timed<T, E: std::fmt::Display>(
    what: &str,
    future: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(TIMEOUT, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what}: {e}")),
        Err(_) => Err(format!("{what}: no answer within {} s", TIMEOUT.as_secs())),
    }
}

fn tls() -> Result<TlsConnector, String> {
    let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn wrap_tls(stream: TcpStream, host: &str) -> Result<Box<dyn Io>, String> {
    let name =
        ServerName::try_from(host.to_string()).map_err(|e| format!("TLS name {host}: {e}"))?;
    let stream = timed("TLS handshake", tls()?.connect(name, stream)).await?;
    Ok(Box::new(stream))
}

impl Mailbox {
    /// Connects and signs in, and selects the folder.
    pub async fn open(def: &MailboxDef, password: &str) -> Result<Mailbox, String> {
        let port = u16::try_from(def.port).map_err(|_| "bad port".to_string())?;
        let tcp = timed("connect", TcpStream::connect((def.host.as_str(), port))).await?;
        let stream: Box<dyn Io> = match def.security.as_str() {
            "tls" => wrap_tls(tcp, &def.host).await?,
            "starttls" => {
                let mut client = Client::new(tcp);
                timed("greeting", client.read_response()).await?;
                timed(
                    "STARTTLS",
                    client.run_command_and_check_ok("STARTTLS", None),
                )
                .await?;
                wrap_tls(client.into_inner(), &def.host).await?
            }
            _ => Box::new(tcp),
        };
        let mut client = Client::new(stream);
        if def.security != "starttls" {
            timed("greeting", client.read_response()).await?;
        }
        let mut session =
            match tokio::time::timeout(TIMEOUT, client.login(&def.username, password)).await {
                Ok(Ok(session)) => session,
                Ok(Err((e, _))) => return Err(format!("sign-in as {}: {e}", def.username)),
                Err(_) => return Err("sign-in: no answer".into()),
            };
        timed("select", session.select(&def.folder)).await?;
        Ok(Mailbox {
            session,
            def: def.clone(),
        })
    }

    /// The UIDs in the folder, oldest first, at most [`BATCH`].
    pub async fn waiting(&mut self) -> Result<Vec<u32>, String> {
        let mut uids: Vec<u32> = timed("search", self.session.uid_search("ALL"))
            .await?
            .into_iter()
            .collect();
        uids.sort_unstable();
        uids.truncate(BATCH);
        Ok(uids)
    }

    /// The raw message with this UID (without marking it seen).
    pub async fn fetch(&mut self, uid: u32) -> Result<Option<Vec<u8>>, String> {
        let fetches: Vec<_> = timed("fetch", async {
            self.session
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        Ok(fetches.iter().find_map(|f| f.body().map(<[u8]>::to_vec)))
    }

    /// Moves the message to the archive folder or deletes it, as the mailbox says.
    pub async fn done(&mut self, uid: u32) -> Result<(), String> {
        let uid = uid.to_string();
        if self.def.after_fetch == "archive" {
            // The folder may exist already; a failure to create it shows in the copy below.
            let _ = timed("create", self.session.create(&self.def.archive_folder)).await;
            timed(
                "copy",
                self.session.uid_copy(&uid, &self.def.archive_folder),
            )
            .await?;
        }
        timed("flag", async {
            self.session
                .uid_store(&uid, "+FLAGS.SILENT (\\Deleted)")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        timed("expunge", async {
            self.session.expunge().await?.try_collect::<Vec<_>>().await
        })
        .await?;
        Ok(())
    }

    pub async fn close(mut self) {
        let _ = timed("logout", self.session.logout()).await;
    }
}
