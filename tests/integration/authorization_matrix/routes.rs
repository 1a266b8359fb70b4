//! The HTTP routes' table: every route of the router (read from `http.rs` and `rest/mod.rs`), every
//! REST route of the OpenAPI document and osTicket's endpoints, called as each person (with their
//! cookie) and with each API key; then what each live event stream hears.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use super::desk::{ADMIN, Caller, Desk, EMAIL_A, Sees, Who};
use super::{Cell, F, Matrix, NF, OK, Outcome, U, V, Want};

/// What a row aims at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    Nothing,
    /// The file on A's first message (department X); on B's (Y).
    FileA,
    FileB,
    /// The file on agent X's internal note on A's ticket.
    NoteFile,
    /// A file A uploaded and has not sent.
    PendingA,
    TicketA,
    TicketB,
    AccountA,
}

impl At {
    fn label(self) -> &'static str {
        match self {
            At::Nothing => "",
            At::FileA => "[file on A's ticket]",
            At::FileB => "[file on B's ticket]",
            At::NoteFile => "[file on a note]",
            At::PendingA => "[A's unsent upload]",
            At::TicketA => "[A's ticket, X]",
            At::TicketB => "[B's ticket, Y]",
            At::AccountA => "[A's account]",
        }
    }
}

struct Route {
    method: &'static str,
    /// As the router or the OpenAPI document writes it.
    path: &'static str,
    at: At,
    /// anonymous, customer A, customer B, guest, agent X, agent Y, limited, admin.
    people: [Want; 8],
    /// tickets:create, tickets:email, alerts:create, tickets:read, tickets:write, users:read,
    /// events:read (those four acting as agent X), every REST scope acting as agent Y, an unknown
    /// key, a key with every scope from an address it is not allowed from.
    keys: [Want; 10],
}

const fn route(
    method: &'static str,
    path: &'static str,
    at: At,
    people: [Want; 8],
    keys: [Want; 10],
) -> Route {
    Route {
        method,
        path,
        at,
        people,
        keys,
    }
}

const EVENTS: &str = "/api/v1/events";

use At::*;

/// Cookies are no API key, and API keys are no session: each side gets 401 on the other's routes.
#[rustfmt::skip]
const ROUTES: &[Route] = &[
    //                                                          anon custA custB guest agtX agtY lim admin   create email alerts read write users events allY unknown elsewhere
    route("GET",   "/healthz",                         Nothing, [OK, OK,  OK,  OK,  OK,  OK,  OK, OK],   [OK,  OK,   OK,    OK,  OK,   OK,   OK,    OK,  OK,  OK]),
    route("GET",   "/readyz",                          Nothing, [OK, OK,  OK,  OK,  OK,  OK,  OK, OK],   [OK,  OK,   OK,    OK,  OK,   OK,   OK,    OK,  OK,  OK]),
    route("POST",  "/files",                           Nothing, [U,  OK,  OK,  U,   OK,  OK,  OK, OK],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("GET",   "/files/{id}",                      FileA,   [U,  OK,  NF,  U,   OK,  NF,  OK, OK],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("GET",   "/files/{id}",                      FileB,   [U,  NF,  OK,  U,   NF,  OK,  NF, OK],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("GET",   "/files/{id}",                      NoteFile,[U,  NF,  NF,  U,   OK,  NF,  OK, OK],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("GET",   "/files/{id}",                      PendingA,[U,  OK,  NF,  U,   NF,  NF,  NF, NF],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    // Only the guest holds the link's token; everyone else presents one never issued.
    route("GET",   "/guest/{token}/files/{id}",        FileA,   [NF, NF,  NF,  OK,  NF,  NF,  NF, NF],   [NF,  NF,   NF,    NF,  NF,   NF,   NF,    NF,  NF,  NF]),
    route("GET",   "/guest/{token}/files/{id}",        FileB,   [NF, NF,  NF,  NF,  NF,  NF,  NF, NF],   [NF,  NF,   NF,    NF,  NF,   NF,   NF,    NF,  NF,  NF]),
    route("GET",   "/guest/{token}/files/{id}",        NoteFile,[NF, NF,  NF,  NF,  NF,  NF,  NF, NF],   [NF,  NF,   NF,    NF,  NF,   NF,   NF,    NF,  NF,  NF]),
    route("GET",   "/admin/audit/export",              Nothing, [U,  F,   F,   U,   F,   F,   F,  OK],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    // Department X's report: stats.view there (agent X), or the admin.
    route("GET",   "/agent/reports/export",            Nothing, [U,  F,   F,   U,   OK,  F,   F,  OK],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    // Only `docket backup` on the server's machine holds the operator's token.
    route("POST",  "/operator/backup",                 Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("GET",   "/api/v1/tickets",                  Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     OK,  OK,   F,    F,     OK,  U,   U ]),
    // A ticket for A in X: ticket.create in X (agent X's role), which agent Y's lacks.
    route("POST",  "/api/v1/tickets",                  Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     F,   OK,   F,    F,     F,   U,   U ]),
    route("GET",   "/api/v1/tickets/{number}",         TicketA, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     OK,  OK,   F,    F,     NF,  U,   U ]),
    route("GET",   "/api/v1/tickets/{number}",         TicketB, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     NF,  NF,   F,    F,     OK,  U,   U ]),
    route("PATCH", "/api/v1/tickets/{number}",         TicketA, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     F,   OK,   F,    F,     NF,  U,   U ]),
    route("PATCH", "/api/v1/tickets/{number}",         TicketB, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     F,   NF,   F,    F,     OK,  U,   U ]),
    route("POST",  "/api/v1/tickets/{number}/messages",TicketA, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     F,   OK,   F,    F,     NF,  U,   U ]),
    route("POST",  "/api/v1/tickets/{number}/messages",TicketB, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     F,   NF,   F,    F,     OK,  U,   U ]),
    route("GET",   "/api/v1/users/{id}",               AccountA,[U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    U,     F,   F,    OK,   F,     OK,  U,   U ]),
    route("POST",  "/api/v1/alerts/{source}",          Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    OK,    U,   U,    U,    U,     U,   U,   U ]),
    route("POST",  "/api/v1/alert",                    Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    OK,    U,   U,    U,    U,     U,   U,   U ]),
    route("POST",  "/api/alert",                       Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   U,    OK,    U,   U,    U,    U,     U,   U,   U ]),
    route("POST",  "/api/tickets.json",                Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [OK,  U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("POST",  "/api/http.php/tickets.json",       Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [OK,  U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("POST",  "/api/tickets.xml",                 Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [OK,  U,    U,     U,   U,    U,    U,     U,   U,   U ]),
    route("POST",  "/api/tickets.email",               Nothing, [U,  U,   U,   U,   U,   U,   U,  U ],   [U,   OK,   U,     U,   U,    U,    U,     U,   U,   U ]),
    route("GET",   "/api/v1/openapi.json",             Nothing, [OK, OK,  OK,  OK,  OK,  OK,  OK, OK],   [OK,  OK,   OK,    OK,  OK,   OK,   OK,    OK,  OK,  OK]),
    route("GET",   "/api/docs",                        Nothing, [OK, OK,  OK,  OK,  OK,  OK,  OK, OK],   [OK,  OK,   OK,    OK,  OK,   OK,   OK,    OK,  OK,  OK]),
    route("GET",   "/api/{*rest}",                     Nothing, [V,  V,   V,   V,   V,   V,   V,  V ],   [V,   V,    V,     V,   V,    V,    V,     V,   V,   V ]),
    // Last: the streams stay open for the check of what they hear. A session, the guest's
    // link (`?guest=`) or a key with events:read; any other key is refused.
    route("GET",   EVENTS,                             Nothing, [U,  OK,  OK,  OK,  OK,  OK,  OK, OK],   [F,   F,    F,     F,   F,    F,    OK,    OK,  F,   F ]),
];

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the shared fixture")
}

/// `route`'s request as `caller` sends it, aimed at the row's target.
fn request(d: &Desk, route: &Route, caller: &Caller, n: usize) -> RequestBuilder {
    let token = d.guest_link_as(caller.who);
    let (id, number) = match route.at {
        FileA => (d.file_a.as_str(), ""),
        FileB => (d.file_b.as_str(), ""),
        NoteFile => (d.note_file.as_str(), ""),
        PendingA => (d.pending_a.as_str(), ""),
        AccountA => (d.id_a.as_str(), ""),
        TicketA => ("", d.ticket_a.as_str()),
        TicketB => ("", d.ticket_b.as_str()),
        Nothing => ("", ""),
    };
    let mut path = route
        .path
        .replace("{token}", token)
        .replace("{id}", id)
        .replace("{number}", number)
        .replace("{source}", "generic")
        .replace("{*rest}", "no-such-api");
    match route.path {
        "/admin/audit/export" => path.push_str("?format=jsonl"),
        "/agent/reports/export" => path.push_str("?chart=volume&department=support"),
        EVENTS if caller.who == Who::Guest => path.push_str(&format!("?guest={token}")),
        _ => {}
    }
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let request = caller.client.request(method, d.app.url(&path));
    let marker = match route.at {
        TicketB => "BobOnly",
        _ => "AliceOnly",
    };
    match (route.method, route.path) {
        ("POST", "/files") => request.multipart(Form::new().part(
            "file",
            Part::bytes(b"paper path diagram".to_vec()).file_name("matrix.txt"),
        )),
        ("POST", "/api/v1/tickets") => request.json(&json!({ "email": EMAIL_A,
            "topic": "general", "subject": "AliceOnly: opened over the API",
            "message": "AliceOnly: sent by a script." })),
        ("PATCH", _) => request.json(&json!({ "tags": ["api"] })),
        ("POST", "/api/v1/tickets/{number}/messages") => request.json(&json!({
            "kind": "note", "message": format!("StaffOnly {marker}: noted over the API") })),
        ("POST", "/api/v1/alerts/{source}") => {
            request.json(&json!({ "title": "Disk full on db-01", "fingerprint": "matrix" }))
        }
        ("POST", "/api/v1/alert" | "/api/alert") => request.json(&json!({ "title": "Beacon",
            "type": "matrix", "source": "matrix", "sourceRef": format!("matrix-{n}") })),
        ("POST", "/api/tickets.json" | "/api/http.php/tickets.json") => {
            request.body(fixture("osticket/create-minimal.json"))
        }
        ("POST", "/api/tickets.xml") => request.body(fixture("osticket/create-lab.xml")),
        ("POST", "/api/tickets.email") => request.body(format!(
            "From: Erin <erin@example.org>\r\nTo: support@docket.example\r\n\
             Subject: Matrix mail {n}\r\nMessage-ID: <matrix-{n}@example.org>\r\n\
             Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\nThe badge reader is down.\r\n"
        )),
        _ => request,
    }
}

pub async fn run(d: &Desk) -> Matrix {
    let callers: Vec<&Caller> = d.people.iter().chain(&d.keys).collect();
    let mut matrix = Matrix::new("HTTP routes", callers.iter().map(|c| c.label).collect());
    check_coverage(d, &mut matrix).await;
    // A row's calls change nothing another caller's call depends on: they run at once.
    for (row, route) in ROUTES.iter().enumerate() {
        let wants = route.people.iter().chain(&route.keys);
        let calls = callers
            .iter()
            .zip(wants)
            .enumerate()
            .map(|(i, (caller, want))| {
                let n = row * callers.len() + i;
                async move {
                    let response = request(d, route, caller, n).send().await.unwrap();
                    let got = Outcome::of(response.status());
                    // A stream's body never ends; what it carries is checked below.
                    let body = if route.path == EVENTS {
                        String::new()
                    } else {
                        response.text().await.unwrap_or_default()
                    };
                    Cell::new(caller, *want, got, &body)
                }
            });
        let cells = futures::future::join_all(calls).await;
        let label = format!("{} {} {}", route.method, route.path, route.at.label());
        matrix.rows.push((label, cells));
    }
    check_event_streams(d, &callers, &mut matrix).await;
    check_operator_token(d, &mut matrix).await;
    matrix
}

/// The paths the router's source declares with `.route("...", ...)`.
fn routed_paths(source: &str) -> Vec<String> {
    source
        .split(".route(")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('"')?;
            if !rest[..start].trim().is_empty() {
                return None;
            }
            let path = &rest[start + 1..];
            Some(path[..path.find('"')?].to_string())
        })
        .collect()
}

/// Every route of the router and of the OpenAPI document has a row, and every row is a route.
async fn check_coverage(d: &Desk, matrix: &mut Matrix) {
    let source = |file: &str| {
        std::fs::read_to_string(format!("{}/src/server/{file}", env!("CARGO_MANIFEST_DIR")))
            .expect("the router's source")
    };
    let routed: BTreeSet<String> = ["http.rs", "rest/mod.rs"]
        .into_iter()
        .flat_map(|file| routed_paths(&source(file)))
        .collect();
    assert!(
        routed.contains("/files/{id}"),
        "the router's source is read"
    );
    let document: Value = reqwest::get(d.app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("the document's paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let rows: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let row_paths: BTreeSet<String> = rows.iter().map(|(_, p)| p.clone()).collect();
    for (method, path) in documented.difference(&rows) {
        matrix.problems.push(format!(
            "REST route {method} {path} has no row in routes.rs"
        ));
    }
    for path in routed.difference(&row_paths) {
        matrix
            .problems
            .push(format!("the router's {path} has no row in routes.rs"));
    }
    let osticket = |path: &str| {
        ["tickets.json", "tickets.xml", "tickets.email"]
            .iter()
            .any(|end| path.ends_with(&format!("/api/{end}")) || path.ends_with(end))
    };
    for (method, path) in &rows {
        let known = documented.contains(&(method.clone(), path.clone()))
            || routed.contains(path)
            || osticket(path);
        if !known {
            matrix.problems.push(format!(
                "routes.rs has a row for {method} {path}, which is no route"
            ));
        }
    }
}

/// Replies on B's ticket, then A's, then B's again; each stream opened above then hears the
/// tickets its caller may read and nothing of the other's: the A-side waits for A's reply (B's
/// first came before it), the B-side for B's second (A's came before it).
async fn check_event_streams(d: &Desk, callers: &[&Caller], matrix: &mut Matrix) {
    let Some((_, cells)) = matrix.rows.iter().find(|(l, _)| l.contains(EVENTS)) else {
        return;
    };
    let mut streams = Vec::new();
    for (caller, cell) in callers.iter().zip(cells) {
        if cell.got != Outcome::Is(OK) || caller.sees == Sees::Nothing {
            continue;
        }
        let path = match caller.who {
            Who::Guest => format!("{EVENTS}?guest={}", d.guest_token),
            _ => EVENTS.to_string(),
        };
        streams.push((*caller, d.app.events_at(&caller.client, &path).await));
    }
    for number in [&d.ticket_b, &d.ticket_a, &d.ticket_b] {
        let (status, body) = d
            .app
            .rpc_json(
                d.client(ADMIN),
                "post_to_ticket",
                &[
                    ("number", number),
                    ("version", &d.version(number).await),
                    ("kind", "reply"),
                    ("message", "We are on it."),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let last_b: u64 = d.version(&d.ticket_b).await.parse().unwrap();
    for (caller, mut stream) in streams {
        let (waits_for, version, other) = match caller.sees {
            Sees::A => (&d.ticket_a, None, Some(&d.ticket_b)),
            Sees::B => (&d.ticket_b, Some(last_b), Some(&d.ticket_a)),
            _ => (&d.ticket_b, Some(last_b), None),
        };
        let (_, before, _) = stream
            .until(Duration::from_secs(10), |e| {
                e["ticket"] == waits_for.as_str()
                    && version.is_none_or(|v| e["version"].as_u64() == Some(v))
            })
            .await;
        let heard = |number: &str| before.iter().any(|e| e["ticket"] == number);
        match other {
            Some(other) if heard(other.as_str()) => matrix.problems.push(format!(
                "LEAK {EVENTS} as {}: heard of ticket {other}: {before:?}",
                caller.label
            )),
            None if !heard(d.ticket_a.as_str()) => matrix.problems.push(format!(
                "{EVENTS} as {} did not hear of A's ticket: {before:?}",
                caller.label
            )),
            _ => {}
        }
    }
}

/// The backup route is not simply closed: the operator's token opens it.
async fn check_operator_token(d: &Desk, matrix: &mut Matrix) {
    let response = reqwest::Client::new()
        .post(d.app.url("/operator/backup"))
        .bearer_auth(&*d.app.running.state.operator_token)
        .send()
        .await
        .unwrap();
    if response.status() != StatusCode::OK {
        matrix.problems.push(format!(
            "/operator/backup answered the operator's token with {}",
            response.status()
        ));
    }
}
