//! The audit trail streams to SIEMs: RFC 5424 syslog to real loopback collectors over UDP and TCP
//! (also across a collector restart), and JSON lines to a file and stdout that carry on from their
//! cursor when Docket restarts.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use crate::common::{DocketProcess, PASSWORD, TestApp, browser, rpc_at, spawn_app_with};

/// Every event's place on the trail, (shard, seq), as the database holds it now.
async fn trail(app: &TestApp) -> BTreeSet<(u8, u64)> {
    let heads = app.running.state.store.audit_heads().await.unwrap();
    heads
        .into_iter()
        .flat_map(|(shard, seq, _)| (1..=seq).map(move |n| (shard, n)))
        .collect()
}

/// One RFC 5424 message, taken apart and checked on the way.
#[derive(Debug)]
struct Syslog {
    msgid: String,
    params: HashMap<String, String>,
    json: Value,
}

impl Syslog {
    fn parse(message: &str) -> Syslog {
        let rest = message
            .strip_prefix("<109>1 ")
            .unwrap_or_else(|| panic!("priority 109 (log audit, notice), version 1: {message}"));
        let mut header = rest.splitn(6, ' ');
        let mut field = || header.next().expect("a full header");
        chrono::DateTime::parse_from_rfc3339(field()).expect("an RFC 3339 timestamp");
        assert_eq!(field(), "127.0.0.1", "HOSTNAME is the base URL's host");
        assert_eq!(field(), "docket", "APP-NAME");
        assert!(field().parse::<u32>().is_ok(), "PROCID is the process id");
        let msgid = field().to_string();
        assert!(msgid.len() <= 32 && msgid.bytes().all(|b| (33..=126).contains(&b)));
        let data = field()
            .strip_prefix("[docket@32473")
            .expect("one structured data element");
        let (params, msg) = structured_data(data);
        Syslog {
            msgid,
            params,
            json: serde_json::from_str(msg).expect("MSG is the event's JSON"),
        }
    }

    fn key(&self) -> (u8, u64) {
        let shard = self.params["shard"].parse().unwrap();
        let seq = self.params["seq"].parse().unwrap();
        assert_eq!(
            (self.json["shard"].as_u64(), self.json["seq"].as_u64()),
            (Some(u64::from(shard)), Some(seq))
        );
        assert_eq!(self.json["action"], self.msgid.as_str());
        assert_eq!(self.json["hash"], self.params["hash"].as_str());
        (shard, seq)
    }
}

/// ` name="value" ...] MSG` into its parameters (escapes undone) and MSG.
fn structured_data(text: &str) -> (HashMap<String, String>, &str) {
    let mut params = HashMap::new();
    let mut rest = text;
    loop {
        if let Some(msg) = rest.strip_prefix("] ") {
            return (params, msg);
        }
        let (name, after) = rest
            .strip_prefix(' ')
            .and_then(|r| r.split_once("=\""))
            .unwrap_or_else(|| panic!("an SD-PARAM at {rest:?}"));
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("a closing quote") {
                (_, '\\') => value.push(chars.next().expect("an escaped character").1),
                (at, '"') => break at,
                (_, c) => value.push(c),
            }
        };
        params.insert(name.to_string(), value);
        rest = &after[end + 1..];
    }
}

/// Waits (at most 20 s) until `received` holds every one of `wanted`.
async fn until_received(received: impl Fn() -> BTreeSet<(u8, u64)>, wanted: &BTreeSet<(u8, u64)>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let missing: Vec<_> = wanted.difference(&received()).copied().collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never received {missing:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Reads datagrams into `into` until the socket is dropped with the task.
fn udp_collector(socket: UdpSocket, into: Arc<Mutex<Vec<Syslog>>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut buffer = vec![0u8; 65_536];
        loop {
            let n = socket.recv(&mut buffer).await.unwrap();
            let message = std::str::from_utf8(&buffer[..n]).unwrap();
            into.lock().unwrap().push(Syslog::parse(message));
        }
    })
}

#[tokio::test]
async fn syslog_over_udp_carries_every_event_and_resumes_once_the_collector_is_back() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let target = format!("syslog+udp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("DOCKET_AUDIT_STREAM", &target)]).await;
    let received = Arc::new(Mutex::new(Vec::new()));
    let collector = udp_collector(socket, received.clone());
    let keys = || received.lock().unwrap().iter().map(Syslog::key).collect();

    app.admin().await;
    app.sign_up(&browser(), "cee@example.com", "Cee").await;
    let before = trail(&app).await;
    until_received(keys, &before).await;
    assert!(
        received
            .lock()
            .unwrap()
            .iter()
            .any(|m| m.msgid == "user.signed_up"
                && m.params["object_kind"] == "user"
                && m.params["ip"] == "127.0.0.1"
                && m.json["after"].to_string().contains("cee@example.com")),
        "{:?}",
        received.lock().unwrap()
    );

    collector.abort();
    let _ = collector.await;
    // Sent while nobody listens: UDP cannot tell, so this event may be lost (the README says so).
    app.sign_in(&browser(), "cee@example.com", PASSWORD).await;
    let during = trail(&app).await;
    // Its cursor moving on shows the stream sent it into the void.
    let store = &app.running.state.store;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let cursors = store.audit_stream_cursors(&target).await.unwrap();
        if during
            .iter()
            .all(|(shard, seq)| cursors[usize::from(*shard)] >= *seq)
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stream never went on"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let socket = UdpSocket::bind(("127.0.0.1", port)).await.unwrap();
    let collector = udp_collector(socket, received.clone());
    app.sign_in(&browser(), "cee@example.com", PASSWORD).await;
    let after: BTreeSet<_> = trail(&app).await.difference(&during).copied().collect();
    assert!(!after.is_empty());
    until_received(keys, &after).await;
    collector.abort();
}

/// Accepts connections and reads octet-counted frames into `into`, until aborted (which drops
/// the listener and every connection, as a collector that goes down would).
fn tcp_collector(
    listener: TcpListener,
    into: Arc<Mutex<Vec<Syslog>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            connections.spawn(read_frames(stream, into.clone()));
        }
    })
}

async fn read_frames(mut stream: TcpStream, into: Arc<Mutex<Vec<Syslog>>>) {
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        while let Some(space) = buffer.iter().position(|b| *b == b' ') {
            let length: usize = std::str::from_utf8(&buffer[..space])
                .unwrap()
                .parse()
                .expect("a frame opens with its length in octets");
            if buffer.len() < space + 1 + length {
                break;
            }
            let frame: Vec<u8> = buffer.drain(..space + 1 + length).skip(space + 1).collect();
            into.lock()
                .unwrap()
                .push(Syslog::parse(std::str::from_utf8(&frame).unwrap()));
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

#[tokio::test]
async fn syslog_over_tcp_delivers_every_event_at_least_once_across_a_collector_restart() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = spawn_app_with(&[(
        "DOCKET_AUDIT_STREAM",
        &format!("syslog+tcp://127.0.0.1:{port}"),
    )])
    .await;
    let received = Arc::new(Mutex::new(Vec::new()));
    let collector = tcp_collector(listener, received.clone());
    let keys = || received.lock().unwrap().iter().map(Syslog::key).collect();

    app.admin().await;
    app.sign_up(&browser(), "cee@example.com", "Cee").await;
    until_received(keys, &trail(&app).await).await;

    collector.abort();
    let _ = collector.await;
    for _ in 0..3 {
        let (status, body) = app.sign_in(&browser(), "cee@example.com", PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Not needed for the assertions: gives the stream a few rounds against the missing collector,
    // so the reconnect-and-resend path is what delivers these events.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let collector = tcp_collector(listener, received.clone());
    app.sign_up(&browser(), "dee@example.com", "Dee").await;
    until_received(keys, &trail(&app).await).await;
    collector.abort();
}

/// The JSON lines in `path`, by (shard, seq), each checked for the documented shape.
fn json_lines(path: &std::path::Path) -> Vec<(u8, u64)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|line| {
            let event: Value = serde_json::from_str(line).expect("each line is one JSON object");
            for key in [
                "at",
                "shard",
                "seq",
                "hash",
                "prev_hash",
                "actor",
                "action",
                "object",
                "before",
                "after",
                "ip",
                "user_agent",
            ] {
                assert!(event.get(key).is_some(), "{key} missing from {line}");
            }
            (
                event["shard"].as_u64().unwrap() as u8,
                event["seq"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Waits (at most `within`) until the file holds every event the trail has, as `admin` counts
/// them; the events it holds.
async fn until_complete(
    base: &str,
    admin: &reqwest::Client,
    path: &std::path::Path,
    within: Duration,
) -> Vec<(u8, u64)> {
    let (status, verification) = rpc_at(admin, base, "verify_audit", &[]).await;
    assert_eq!(status, StatusCode::OK, "{verification}");
    let total = verification["events"].as_u64().unwrap() as usize;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let lines = json_lines(path);
        if lines.iter().collect::<BTreeSet<_>>().len() >= total {
            return lines;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {total} events in the file",
            lines.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn json_lines_go_to_a_file_and_stdout_and_carry_on_from_their_cursor_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    let file = dir.path().join("audit.jsonl");
    let targets = format!("stdout,file:{}", file.display());
    let env = [
        ("DOCKET_DATABASE_URL", url.as_str()),
        ("DOCKET_AUDIT_STREAM", targets.as_str()),
    ];

    let first = DocketProcess::start(&env);
    let link = first.setup_link.clone().unwrap();
    let admin = browser();
    let (status, body) = rpc_at(
        &admin,
        &first.base,
        "complete_setup",
        &[
            ("token", link.split("token=").nth(1).unwrap()),
            ("email", "admin@example.com"),
            ("name", "Ada"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let line = first.wait_for_line("\"action\":\"setup.completed\"");
    let on_stdout: Value = serde_json::from_str(&line).expect("stdout gets the same JSON lines");
    assert_eq!(on_stdout["hash"].as_str().map(str::len), Some(64));
    let complete: BTreeSet<_> = until_complete(&first.base, &admin, &file, Duration::from_secs(20))
        .await
        .into_iter()
        .collect();
    // One more event seen in the file proves every earlier batch's cursor was stored: the stream
    // stores a batch's cursor before it writes the next batch.
    let (status, _) = rpc_at(
        &browser(),
        &first.base,
        "sign_in",
        &[("email", "admin@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let before_restart = until_complete(&first.base, &admin, &file, Duration::from_secs(20)).await;
    // Only these may be written twice: their cursor may not have been stored when Docket stopped.
    let newest: BTreeSet<_> = before_restart
        .iter()
        .filter(|key| !complete.contains(key))
        .copied()
        .collect();
    first.terminate();

    // The first process's lease runs out (at most 15 s) before the second streams.
    let second = DocketProcess::start(&env);
    let admin = browser();
    let (status, _) = rpc_at(
        &admin,
        &second.base,
        "sign_in",
        &[("email", "admin@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines = until_complete(&second.base, &admin, &file, Duration::from_secs(40)).await;
    second.terminate();

    assert!(lines.len() > before_restart.len());
    let mut seen = BTreeSet::new();
    for key in &lines {
        assert!(
            seen.insert(*key) || newest.contains(key),
            "{key:?} was written again after the restart: the stream started over"
        );
    }
    for (shard, seq) in &seen {
        assert!(
            *seq == 1 || seen.contains(&(*shard, seq - 1)),
            "event {seq} of shard {shard} arrived without {}",
            seq - 1
        );
    }
}
