//! A real SurrealDB 3.3 server on loopback (`tools/surreal-server`, built by
//! `scripts/install-tools.sh --test`), in-memory, for Docket processes to share as replicas do.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SurrealServer {
    /// `ws://127.0.0.1:PORT`, for `DOCKET_DATABASE_URL`.
    pub url: String,
    port: u16,
    datastore: String,
    child: Child,
}

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("DOCKET_SURREAL_SERVER") {
        return path.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("release/surreal-server")
}

impl SurrealServer {
    /// An in-memory server on a free port.
    pub async fn start() -> SurrealServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port, "memory".into()).await
    }

    /// A server keeping its data in `dir` (on disk).
    pub async fn start_on_disk(dir: &std::path::Path) -> SurrealServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port, format!("surrealkv://{}", dir.display())).await
    }

    /// `kill -9`: the database vanishes mid-connection, as in a crash or a network cut.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again (after [`SurrealServer::kill`]) on the same port and data.
    pub async fn restart(&mut self) {
        self.kill();
        *self = Self::start_on(self.port, self.datastore.clone()).await;
    }

    async fn start_on(port: u16, datastore: String) -> SurrealServer {
        let binary = binary();
        assert!(
            binary.exists(),
            "{} is missing: the scale-out tests need the SurrealDB server that \
             `scripts/install-tools.sh --test` builds (or set DOCKET_SURREAL_SERVER)",
            binary.display()
        );
        let child = Command::new(binary)
            .args([
                "start",
                "--no-banner",
                "--log",
                "warn",
                "--user",
                "root",
                "--pass",
                "root",
            ])
            .args(["--bind", &format!("127.0.0.1:{port}"), datastore.as_str()])
            // As the README's "Scaling out" says: the default queue of 100 notifications per
            // connection overflows when a job updates a batch of tickets, and the server then
            // closes the replica's connection.
            .env("SURREAL_WEBSOCKET_RESPONSE_CHANNEL_SIZE", "16384")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the SurrealDB server starts");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client
                .get(format!("http://127.0.0.1:{port}/health"))
                .send()
                .await
                && r.status().is_success()
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the SurrealDB server never became healthy"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        SurrealServer {
            url: format!("ws://127.0.0.1:{port}"),
            port,
            datastore,
            child,
        }
    }

    /// Environment for a Docket process on this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DOCKET_DATABASE_URL", self.url.clone()),
            ("DOCKET_DATABASE_USERNAME", "root".into()),
            ("DOCKET_DATABASE_PASSWORD", "root".into()),
        ]
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
