//! Spawns a real Docket (real router, real TCP port 0, in-memory SurrealDB, hand-moved clock)
//! and talks HTTP to it like a browser or curl would.
#![allow(dead_code)]

pub mod datastore;
pub mod dovecot;
pub mod smtp_sink;
pub mod surreal_server;

use chrono::{DateTime, Duration, Utc};
use docket::server::clock::Clock;
use docket::server::config::Settings;
use docket::server::{Running, start};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub clock: Clock,
    pub setup_link: Option<String>,
    pub running: Running,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub const PASSWORD: &str = "correct horse battery";

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

fn test_settings(extra_env: &[(&str, &str)]) -> Settings {
    let mut env: Vec<(String, String)> = vec![
        ("DOCKET_ADDR".into(), "127.0.0.1:0".into()),
        ("DOCKET_DATABASE_URL".into(), "mem://".into()),
        // Tests move the clock by hours and days and keep their sessions (`sessions.rs` sets it).
        ("DOCKET_SESSIONS_IDLE_TIMEOUT".into(), "0".into()),
        (
            "DOCKET_SITE_ROOT".into(),
            std::env::temp_dir().to_string_lossy().into_owned(),
        ),
    ];
    env.retain(|(k, _)| !extra_env.iter().any(|(extra, _)| extra == k));
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    Settings::from_sources("test", None, &env).expect("test settings are valid")
}

pub async fn spawn_app_with(extra_env: &[(&str, &str)]) -> TestApp {
    spawn_app_on_clock(extra_env, Clock::manual(start_time())).await
}

/// A Docket with its own database connection and router, on `clock` (which several processes
/// on one database server share, as replicas share the wall clock).
pub async fn spawn_app_on_clock(extra_env: &[(&str, &str)], clock: Clock) -> TestApp {
    let settings = test_settings(extra_env);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = start(settings, clock.clone(), async {
        let _ = stopped.await;
    })
    .await
    .expect("the app starts");
    TestApp {
        base: format!("http://{}", running.addr),
        clock,
        setup_link: running.setup_link.clone(),
        running,
        _stop: stop,
    }
}

/// A second Docket on the same database as `first` (as a second process would be): its own
/// router and its own live subscriptions, sharing only the database.
pub async fn spawn_beside(first: &TestApp) -> TestApp {
    let settings = test_settings(&[]);
    let state = docket::server::state_on(
        first.running.state.store.clone(),
        settings,
        first.clock.clone(),
    )
    .await
    .expect("the second app's state");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = docket::server::serve(state, async {
        let _ = stopped.await;
    })
    .await
    .expect("the second app starts");
    TestApp {
        base: format!("http://{}", running.addr),
        clock: first.clock.clone(),
        setup_link: None,
        running,
        _stop: stop,
    }
}

/// Polls `check` every 50 ms until it gives a value, for at most 20 s: for work the app does in
/// the background (jobs, outboxes, fetchers).
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let wait = std::time::Duration::from_secs(20);
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} did not happen within {wait:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A browser: its own cookie jar.
pub fn browser() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Calls a server function the way the UI does (form-encoded POST under /rpc).
    pub async fn rpc(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/rpc/{name}")))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn rpc_json(
        &self,
        client: &Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let response = self.rpc(client, name, form).await;
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    pub async fn sign_up(&self, client: &Client, email: &str, name: &str) -> (StatusCode, Value) {
        self.rpc_json(
            client,
            "sign_up",
            &[("email", email), ("name", name), ("password", PASSWORD)],
        )
        .await
    }

    pub async fn sign_in(
        &self,
        client: &Client,
        email: &str,
        password: &str,
    ) -> (StatusCode, Value) {
        self.rpc_json(
            client,
            "sign_in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn whoami(&self, client: &Client) -> Value {
        self.rpc_json(client, "current_session", &[]).await.1["user"].clone()
    }

    /// Completes first-run setup and returns a client signed in as that admin.
    pub async fn admin(&self) -> Client {
        let link = self
            .setup_link
            .as_ref()
            .expect("a new app has a setup link");
        let token = link.split("token=").nth(1).unwrap();
        let client = browser();
        let (status, body) = self
            .rpc_json(
                &client,
                "complete_setup",
                &[
                    ("token", token),
                    ("email", "admin@example.com"),
                    ("name", "Ada Admin"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        client
    }

    /// Creates a staff account through the admin and returns a client signed in as it.
    pub async fn staff(&self, admin: &Client, email: &str, role: &str) -> Client {
        let (status, body) = self
            .rpc_json(
                admin,
                "create_staff",
                &[
                    ("email", email),
                    ("name", "Staff Member"),
                    ("role", role),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let client = browser();
        let (status, body) = self.sign_in(&client, email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        client
    }

    /// Calls a server function presenting exactly `cookie` (no cookie jar), as a stubborn client.
    pub async fn rpc_with_cookie(
        &self,
        name: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> Response {
        Client::new()
            .post(self.url(&format!("/rpc/{name}")))
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs up a customer and returns their session cookie (`name=value`).
    pub async fn sign_up_cookie(&self, email: &str) -> String {
        let response = self
            .rpc(
                &Client::new(),
                "sign_up",
                &[("email", email), ("name", "Cee"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        session_cookie(&response)
    }

    /// The user a session cookie belongs to (null when none).
    pub async fn who_has(&self, cookie: &str) -> Value {
        let response = self.rpc_with_cookie("current_session", cookie, &[]).await;
        response.json::<Value>().await.unwrap()["user"].clone()
    }

    /// Creates an agent with a role in each of these departments ((department, role) keys) and
    /// signs them in; their client and id.
    pub async fn agent(
        &self,
        admin: &Client,
        email: &str,
        name: &str,
        memberships: &[(&str, &str)],
    ) -> (Client, String) {
        let (status, body) = self
            .rpc_json(
                admin,
                "create_staff",
                &[
                    ("email", email),
                    ("name", name),
                    ("role", "agent"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let id = body["id"].as_str().unwrap().to_string();
        let memberships: Vec<Value> = memberships
            .iter()
            .map(|(department, role)| serde_json::json!({ "department": department, "role": role }))
            .collect();
        let (status, body) = self
            .rpc_body(
                admin,
                "set_memberships",
                serde_json::json!({ "id": id, "memberships": memberships }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let client = browser();
        let (status, body) = self.sign_in(&client, email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (client, id)
    }

    /// An API key the admin makes: its id and its secret (shown once).
    pub async fn api_key(
        &self,
        admin: &Client,
        scopes: &[&str],
        allowed: &str,
    ) -> (String, String) {
        self.api_key_acting(admin, scopes, allowed, "").await
    }

    /// The same for a key whose REST scopes act as the account with email `acts_as`.
    pub async fn api_key_acting(
        &self,
        admin: &Client,
        scopes: &[&str],
        allowed: &str,
        acts_as: &str,
    ) -> (String, String) {
        // Names are at most 60 characters.
        let name: String = format!("Key {}", scopes.join(" "))
            .chars()
            .take(60)
            .collect();
        let item = serde_json::json!({ "name": name, "active": true,
            "scopes": scopes, "allowed": allowed, "acts_as": acts_as });
        let (status, saved) = self
            .rpc_body(
                admin,
                "save_settings_item",
                serde_json::json!({ "section": "api_keys", "key": null, "item": item }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        (
            saved["key"].as_str().unwrap().to_string(),
            saved["secret"].as_str().unwrap().to_string(),
        )
    }

    /// POSTs `body` to `path` with an API key in `X-API-Key`, as SIEMs and osTicket clients do.
    pub async fn post_with_key(&self, key: &str, path: &str, body: &str) -> Response {
        Client::new()
            .post(self.url(path))
            .header("x-api-key", key)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Calls a server function that takes JSON (complex arguments).
    pub async fn rpc_body(&self, client: &Client, name: &str, body: Value) -> (StatusCode, Value) {
        let response = client
            .post(self.url(&format!("/rpc/{name}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The audit page's first page for `filter` (`{}` for everything), as `client` sees it.
    pub async fn audit_page(&self, client: &Client, filter: Value) -> (StatusCode, Value) {
        self.rpc_body(
            client,
            "audit_page",
            serde_json::json!({ "filter": filter, "after": null }),
        )
        .await
    }

    /// Opens the live event stream as `client`.
    pub async fn events(&self, client: &Client) -> EventStream {
        self.events_at(client, "/api/v1/events").await
    }

    pub async fn events_at(&self, client: &Client, path: &str) -> EventStream {
        let response = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "the event stream opens");
        EventStream {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// The token after `marker` in a mailed link (`/guest/`, `/reset-password/`, `token=`).
pub fn token_after(text: &str, marker: &str) -> String {
    let at = text.find(marker).expect("a link") + marker.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// The `name=value` part of the response's `Set-Cookie`.
pub fn session_cookie(response: &Response) -> String {
    let header = response
        .headers()
        .get("set-cookie")
        .expect("a Set-Cookie header");
    header
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Runs a `docket` console command on the datastore at `url`, with `stdin` as its input.
pub fn console(url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .env("DOCKET_CONFIG", "/nonexistent")
        .env("DOCKET_DATABASE_URL", url)
        .env("DOCKET_LOG", "warn,surrealdb=error,surrealkv=error")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("docket runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A console command's standard output and error, as one text for messages.
pub fn console_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A `docket` process of its own, as an operator starts it, with its output collected.
pub struct DocketProcess {
    child: std::process::Child,
    pub base: String,
    pub setup_link: Option<String>,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    arrived: std::sync::mpsc::Receiver<()>,
}

impl DocketProcess {
    /// Starts `docket` on a free port with `env` and waits until it says it is ready.
    pub fn start(env: &[(&str, &str)]) -> DocketProcess {
        use std::io::{BufRead, BufReader};
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_docket"));
        command
            .env("DOCKET_CONFIG", "/nonexistent")
            .env("DOCKET_ADDR", format!("127.0.0.1:{port}"))
            .env("DOCKET_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("DOCKET_LOG", "info,surrealdb=error,surrealkv=error")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (tx, arrived) = std::sync::mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let collected = lines.clone();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                collected.lock().unwrap().push(line);
                let _ = tx.send(());
            }
        });
        let mut process = DocketProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            setup_link: None,
            lines,
            arrived,
        };
        process.wait_for_line("Docket is ready at");
        process.setup_link = process
            .find(|line| line.contains("/setup?token="))
            .map(|line| {
                let at = line.find("http").unwrap();
                line[at..].split_whitespace().next().unwrap().to_string()
            });
        process
    }

    fn find(&self, matches: impl Fn(&str) -> bool) -> Option<String> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .find(|l| matches(l))
            .cloned()
    }

    /// Waits (at most 20 s) for an output line containing `needle` and returns it.
    pub fn wait_for_line(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(line) = self.find(|l| l.contains(needle)) {
                return line;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(!left.is_zero(), "docket never printed {needle:?}");
            let _ = self.arrived.recv_timeout(left);
        }
    }

    /// Completes the first-run setup as Ada <admin@example.com> and returns her signed-in browser.
    pub async fn admin(&self) -> Client {
        let link = self
            .setup_link
            .as_ref()
            .expect("a new datastore prints a setup link");
        let token = link.split("token=").nth(1).unwrap();
        let admin = browser();
        let form = [
            ("token", token),
            ("email", "admin@example.com"),
            ("name", "Ada"),
            ("password", PASSWORD),
        ];
        let (status, body) = rpc_at(&admin, &self.base, "complete_setup", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        admin
    }

    /// SIGKILL (`kill -9`): the process ends at once, mid-request, as in a crash or power cut.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as a service manager would send; Docket must finish and exit cleanly.
    pub fn terminate(mut self) {
        self.send_sigterm();
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "docket exited with {exit}");
    }

    /// SIGTERM; whether Docket exited cleanly within `within` (if not, it is killed on drop).
    pub async fn terminates_within(mut self, within: std::time::Duration) -> bool {
        self.send_sigterm();
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(exit) = self.child.try_wait().unwrap() {
                return exit.success();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    fn send_sigterm(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for DocketProcess {
    /// A failing test leaves no server behind (a no-op after `terminate`): a leftover would hold
    /// its datastore, its port and any file descriptor it inherited from the test run.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls a server function on any base URL.
pub async fn rpc_at(
    client: &Client,
    base: &str,
    name: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = client
        .post(format!("{base}/rpc/{name}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

/// A server-sent event stream, read event by event.
pub struct EventStream {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl EventStream {
    /// The next event's JSON, waiting at most `within`; `None` when none arrived in time.
    pub async fn next_within(&mut self, within: std::time::Duration) -> Option<Value> {
        use futures::StreamExt;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let data: Vec<&str> = frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some(serde_json::from_str(&data.join("\n")).expect("events are JSON"));
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next())
                .await
                .ok()??;
            self.buffer
                .push_str(&String::from_utf8_lossy(&chunk.expect("the stream reads")));
        }
    }

    /// Whether the server ends the stream within `within` (not merely stays quiet).
    pub async fn ended_within(&mut self, within: std::time::Duration) -> bool {
        use futures::StreamExt;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Err(_) => return false,
                Ok(None) => return true,
                // Keep-alives and events the test did not ask about.
                Ok(Some(_)) => continue,
            }
        }
    }

    /// Waits (at most `within`) for the first event matching `wanted`, returning it and how
    /// long it took; events before it are returned too, for assertions about what came first.
    pub async fn until(
        &mut self,
        within: std::time::Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> (Value, Vec<Value>, std::time::Duration) {
        let started = std::time::Instant::now();
        let mut before = Vec::new();
        loop {
            let left = within.saturating_sub(started.elapsed());
            let event = self
                .next_within(left)
                .await
                .unwrap_or_else(|| panic!("no matching event within {within:?}; saw {before:?}"));
            if wanted(&event) {
                return (event, before, started.elapsed());
            }
            before.push(event);
        }
    }
}
