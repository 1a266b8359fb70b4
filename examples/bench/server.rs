//! The processes the bench measures: the release `docket` binary and, for replicas, the SurrealDB
//! server from `tools/surreal-server`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// The release binary next to this bench (same target folder).
fn docket_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the bench's path");
    // target/release/examples/bench -> target/release/docket
    let beside = exe
        .parent()
        .and_then(Path::parent)
        .map(|release| release.join("docket"));
    match beside {
        Some(path) if path.exists() => path,
        _ => target_dir().join("release/docket"),
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Environment for a Docket on `url` listening on `port`.
pub fn environment(url: &str, port: u16) -> Vec<(String, String)> {
    let site = std::env::var("DOCKET_SITE_ROOT")
        .unwrap_or_else(|_| target_dir().join("site").display().to_string());
    let mut env = vec![
        ("DOCKET_CONFIG", "/nonexistent".to_string()),
        ("DOCKET_ADDR", format!("127.0.0.1:{port}")),
        ("DOCKET_BASE_URL", format!("http://127.0.0.1:{port}")),
        ("DOCKET_DATABASE_URL", url.to_string()),
        ("DOCKET_SITE_ROOT", site),
        ("DOCKET_LOG", "warn".to_string()),
        ("DOCKET_TICKETS_NUMBER_FORMAT", "random:9".to_string()),
    ];
    if url.starts_with("ws") {
        env.push(("DOCKET_DATABASE_USERNAME", "root".into()));
        env.push(("DOCKET_DATABASE_PASSWORD", "root".into()));
    }
    env.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Runs a `docket` subcommand on the datastore (the server must not hold it) and returns stdout.
pub fn docket_command(url: &str, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(docket_binary())
        .args(args)
        .envs(environment(url, free_port()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("docket runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    let output = child.wait_with_output().expect("docket finishes");
    assert!(output.status.success(), "docket {args:?} failed");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A running `docket` process.
pub struct Docket {
    pub base: String,
    pub child: Child,
    /// From spawning to the first 200 from `/readyz`.
    pub ready_after: Duration,
}

impl Docket {
    pub async fn start(url: &str) -> Docket {
        let port = free_port();
        let started = Instant::now();
        let child = Command::new(docket_binary())
            .envs(environment(url, port))
            // Its logs (warnings and errors) go with the bench's progress, not into the table.
            .stdout(std::io::stderr())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("docket starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        wait_for(&client, &format!("{base}/readyz")).await;
        Docket {
            base,
            child,
            ready_after: started.elapsed(),
        }
    }

    /// Resident memory now (kB).
    pub fn rss_kb(&self) -> u64 {
        status_kb(self.child.id(), "VmRSS:")
    }

    /// Stops with SIGTERM (a graceful shutdown) and waits.
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child, which has not been waited for yet.
        unsafe { libc_kill(self.child.id() as i32, 15) };
        let _ = self.child.wait();
    }
}

impl Drop for Docket {
    /// A bench that fails leaves no server behind (a no-op after `stop`).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

pub fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn wait_for(client: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if let Ok(r) = client.get(url).send().await
            && r.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "{url} never answered 200");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A SurrealDB server on loopback, storing in SurrealKV with durable commits.
pub struct Surreal {
    pub url: String,
    child: Child,
}

impl Surreal {
    pub async fn start(dir: &Path) -> Surreal {
        let binary = std::env::var_os("DOCKET_SURREAL_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("release/surreal-server"));
        assert!(
            binary.exists(),
            "{} is missing: scripts/bench.sh builds it",
            binary.display()
        );
        let port = free_port();
        let child = Command::new(binary)
            .args([
                "start",
                "--no-banner",
                "--log",
                "warn",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--user",
                "root",
                "--pass",
                "root",
                &format!("surrealkv://{}?sync=every", dir.display()),
            ])
            // As the README's "Scaling out" says: the default queue of 100 notifications per
            // connection overflows when a job updates a batch of tickets, and the server then
            // closes the replica's connection.
            .env("SURREAL_WEBSOCKET_RESPONSE_CHANNEL_SIZE", "16384")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the SurrealDB server starts");
        wait_for(
            &reqwest::Client::new(),
            &format!("http://127.0.0.1:{port}/health"),
        )
        .await;
        Surreal {
            url: format!("ws://127.0.0.1:{port}"),
            child,
        }
    }
}

impl Drop for Surreal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
