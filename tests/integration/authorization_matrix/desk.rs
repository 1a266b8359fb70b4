//! The help desk the matrix runs against: departments X (Support) and Y (Security Operations),
//! an agent in each, an agent with the limited role in X, an admin, customers A and B with a
//! ticket each (A's in X, B's in Y), a guest link to A's ticket, API keys with each scope, and
//! the texts each caller must never be shown.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::smtp_sink::SmtpSink;
use crate::common::{TestApp, browser, spawn_app_with, token_after};

/// In the subject and messages of every ticket of customer A's, and only there.
pub const ALICE_ONLY: &str = "AliceOnly";
/// The same for customer B.
pub const BOB_ONLY: &str = "BobOnly";
/// In every internal note: staff only.
pub const STAFF_ONLY: &str = "StaffOnly";

/// A 64-digit token no link was ever made with: what everyone but the guest presents.
pub const FORGED: &str = "1111111111111111111111111111111111111111111111111111111111111111";

pub const X: &str = "support";
pub const Y: &str = "security_operations";

pub const EMAIL_A: &str = "alice@example.com";
pub const EMAIL_B: &str = "bob@example.com";
pub const EMAIL_X: &str = "xavier@example.com";
pub const EMAIL_Y: &str = "yara@example.com";
pub const EMAIL_LIMITED: &str = "lim@example.com";
pub const EMAIL_ADMIN: &str = "admin@example.com";

/// Who is calling, as the matrix's columns name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    CustomerA,
    CustomerB,
    /// Holds the guest link to A's ticket (and no session).
    Guest,
    AgentX,
    AgentY,
    /// The "Limited access" role in X: no merge, link, transfer or release.
    Limited,
    Admin,
    /// An API key (presented in `X-API-Key`, never as a cookie).
    Key,
}

/// What a caller may read of the two customers' tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sees {
    Nothing,
    A,
    B,
    Both,
}

pub struct Caller {
    pub label: &'static str,
    pub who: Who,
    pub client: Client,
    pub sees: Sees,
    /// Texts no answer to this caller may contain.
    pub secrets: Vec<String>,
}

pub struct Desk {
    pub app: TestApp,
    /// Kept running: the app mails through it.
    _sink: SmtpSink,
    /// anonymous, customer A, customer B, guest, agent X, agent Y, limited, admin.
    pub people: Vec<Caller>,
    /// One key per scope (REST scopes acting as agent X), every REST scope acting as agent Y, an
    /// unknown key and a key with every scope presented from an address it is not allowed from.
    pub keys: Vec<Caller>,
    /// A key with every scope acting as the admin, presented to the server functions.
    pub rpc_key: Caller,
    pub ticket_a: String,
    pub ticket_b: String,
    /// On A's and B's first messages.
    pub file_a: String,
    pub file_b: String,
    /// On agent X's internal note on A's ticket.
    pub note_file: String,
    /// Uploaded by A and not sent yet.
    pub pending_a: String,
    pub guest_token: String,
    pub id_a: String,
    /// A customer and an agent for the admin functions to change.
    pub spare_customer: String,
    pub spare_staff: String,
    /// A saved queue of agent X's.
    pub queue_x: String,
    /// The settings key of an API key (for `settings_item`).
    pub read_key: String,
    /// The session key (`my_sessions`) of each signed-in person, by label.
    pub sessions: Vec<(&'static str, String)>,
}

pub const CUSTOMER_A: usize = 1;
pub const CUSTOMER_B: usize = 2;
pub const AGENT_X: usize = 4;
pub const ADMIN: usize = 7;

const EVERY_SCOPE: &[&str] = &[
    "tickets:create",
    "tickets:email",
    "alerts:create",
    "tickets:read",
    "tickets:write",
    "users:read",
    "events:read",
];

/// The keys the routes are called with, as the matrix's columns name them: (label, scopes, acts
/// as, allowed from, what its account reads). REST and event scopes act as an agent.
#[rustfmt::skip]
const KEYS: [(&str, &[&str], &str, &str, Sees); 10] = [
    ("k:create",    &["tickets:create"], "",      "127.0.0.1", Sees::Nothing),
    ("k:email",     &["tickets:email"],  "",      "127.0.0.1", Sees::Nothing),
    ("k:alerts",    &["alerts:create"],  "",      "127.0.0.1", Sees::Nothing),
    ("k:read",      &["tickets:read"],   EMAIL_X, "127.0.0.1", Sees::A),
    ("k:write",     &["tickets:write"],  EMAIL_X, "127.0.0.1", Sees::A),
    ("k:users",     &["users:read"],     EMAIL_X, "127.0.0.1", Sees::A),
    ("k:events",    &["events:read"],    EMAIL_X, "127.0.0.1", Sees::A),
    ("k:allY",      &["tickets:read", "tickets:write", "users:read", "events:read"],
                                         EMAIL_Y, "127.0.0.1", Sees::B),
    ("k:unknown",   &[],                 "",      "",          Sees::Nothing),
    ("k:elsewhere", EVERY_SCOPE,         EMAIL_X, "10.9.9.9",  Sees::Nothing),
];

/// Shaped like a key, issued never.
const UNKNOWN_KEY: &str = "dk_0000000000000000000000000000000000000000";

fn keyed(secret: &str) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-api-key", HeaderValue::from_str(secret).unwrap());
    Client::builder().default_headers(headers).build().unwrap()
}

impl Desk {
    pub async fn open() -> Desk {
        let sink = SmtpSink::start().await;
        let smtp = sink.url();
        let app = spawn_app_with(&[("DOCKET_MAIL_SMTP_URL", &smtp)]).await;
        let admin = app.admin().await;
        let (agent_x, _) = app
            .agent(&admin, EMAIL_X, "Xavier", &[(X, "expanded")])
            .await;
        let (agent_y, _) = app.agent(&admin, EMAIL_Y, "Yara", &[(Y, "expanded")]).await;
        let (limited, _) = app
            .agent(&admin, EMAIL_LIMITED, "Lim", &[(X, "limited")])
            .await;
        let (_, spare_staff) = app
            .agent(
                &admin,
                "spare.agent@example.com",
                "Spare",
                &[(Y, "view_only")],
            )
            .await;
        let customer_a = browser();
        let (status, a) = app.sign_up(&customer_a, EMAIL_A, "Alice").await;
        assert_eq!(status, StatusCode::OK, "{a}");
        let customer_b = browser();
        let (status, b) = app.sign_up(&customer_b, EMAIL_B, "Bob").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (status, spare) = app.sign_up(&browser(), "spare@example.com", "Spare").await;
        assert_eq!(status, StatusCode::OK, "{spare}");

        let file_a = upload(&app, &customer_a, "a.txt").await;
        let pending_a = upload(&app, &customer_a, "pending.txt").await;
        let ticket_a = open_ticket(
            &app,
            &customer_a,
            &[
                ("topic", "general"),
                ("subject", "AliceOnly printer zanzibar"),
                ("message", "AliceOnly: the printer jams."),
                ("attachments[0]", &file_a),
            ],
        )
        .await;
        let file_b = upload(&app, &customer_b, "b.txt").await;
        let ticket_b = open_ticket(
            &app,
            &customer_b,
            &[
                ("topic", "security_incident"),
                ("subject", "BobOnly beacon kestrel"),
                ("message", "BobOnly: a host beacons out."),
                ("fields[affected_host][0]", "web-01"),
                ("attachments[0]", &file_b),
            ],
        )
        .await;
        let note_file = upload(&app, &agent_x, "note.txt").await;
        let version = app.running.state.store.ticket(&ticket_a).await.unwrap();
        let version = version.unwrap().version.to_string();
        let (status, body) = app
            .rpc_json(
                &agent_x,
                "post_to_ticket",
                &[
                    ("number", &ticket_a),
                    ("version", &version),
                    ("kind", "note"),
                    ("message", "StaffOnly AliceOnly: the fuser is worn."),
                    ("attachments[0]", &note_file),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let guest = browser();
        let (status, body) = app
            .rpc_json(
                &guest,
                "request_guest_link",
                &[("email", EMAIL_A), ("number", &ticket_a)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let guest_token = token_after(&sink.text_containing("/guest/").await, "/guest/");

        let (status, queue) = app
            .rpc_body(
                &agent_x,
                "save_queue",
                json!({ "name": "X's printers", "filter": { "state": "open" },
                    "columns": ["subject"], "sort": "newest" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{queue}");

        let mut keys = Vec::new();
        let mut read_key = String::new();
        for (label, scopes, acts_as, allowed, sees) in KEYS {
            if label == "k:unknown" {
                keys.push((label, UNKNOWN_KEY.to_string(), sees));
                continue;
            }
            let (id, secret) = app.api_key_acting(&admin, scopes, allowed, acts_as).await;
            if label == "k:read" {
                read_key = id;
            }
            keys.push((label, secret, sees));
        }
        let (_, as_admin) = app
            .api_key_acting(&admin, EVERY_SCOPE, "127.0.0.1", EMAIL_ADMIN)
            .await;
        let person = |label, who, client, sees| Caller {
            label,
            who,
            client,
            sees,
            secrets: Vec::new(),
        };
        let people = vec![
            person("anon", Who::Anonymous, browser(), Sees::Nothing),
            person("custA", Who::CustomerA, customer_a, Sees::A),
            person("custB", Who::CustomerB, customer_b, Sees::B),
            person("guest", Who::Guest, guest, Sees::A),
            person("agentX", Who::AgentX, agent_x, Sees::A),
            person("agentY", Who::AgentY, agent_y, Sees::B),
            person("limited", Who::Limited, limited, Sees::A),
            person("admin", Who::Admin, admin, Sees::Both),
        ];
        let everyone_secret: Vec<String> = keys
            .iter()
            .filter(|(label, _, _)| *label != "k:unknown")
            .map(|(_, secret, _)| secret.clone())
            .chain([as_admin.clone()])
            .collect();
        let keys: Vec<Caller> = keys
            .into_iter()
            .map(|(label, secret, sees)| person(label, Who::Key, keyed(&secret), sees))
            .collect();
        let rpc_key = person("key", Who::Key, keyed(&as_admin), Sees::Nothing);

        let mut desk = Desk {
            ticket_a,
            ticket_b,
            file_a,
            file_b,
            note_file,
            pending_a,
            guest_token,
            id_a: a["id"].as_str().unwrap().to_string(),
            spare_customer: spare["id"].as_str().unwrap().to_string(),
            spare_staff,
            queue_x: queue.as_str().unwrap().to_string(),
            read_key,
            sessions: Vec::new(),
            people,
            keys,
            rpc_key,
            app,
            _sink: sink,
        };
        desk.check_identities().await;
        desk.sessions = desk.session_keys().await;
        let sessions = desk.sessions.clone();
        let guest_token = desk.guest_token.clone();
        for caller in desk.callers_mut() {
            // The link's token is the guest's own, and mailed only to A.
            let token = (caller.who != Who::Guest).then(|| guest_token.clone());
            caller.secrets = match caller.sees {
                Sees::Nothing => vec![ALICE_ONLY, BOB_ONLY, STAFF_ONLY],
                Sees::A if caller.who == Who::CustomerA || caller.who == Who::Guest => {
                    vec![BOB_ONLY, STAFF_ONLY]
                }
                Sees::B if caller.who == Who::CustomerB => vec![ALICE_ONLY, STAFF_ONLY],
                Sees::A => vec![BOB_ONLY],
                Sees::B => vec![ALICE_ONLY],
                Sees::Both => vec![],
            }
            .into_iter()
            .map(str::to_string)
            .chain(everyone_secret.iter().cloned())
            .chain(token)
            .chain(
                sessions
                    .iter()
                    .filter(|(label, _)| *label != caller.label)
                    .map(|(_, key)| key.clone()),
            )
            .collect();
        }
        desk
    }

    fn callers_mut(&mut self) -> impl Iterator<Item = &mut Caller> {
        self.people
            .iter_mut()
            .chain(self.keys.iter_mut())
            .chain(std::iter::once(&mut self.rpc_key))
    }

    /// Each signed-in caller is who the matrix says (and the others are nobody), so that a cell
    /// is about the caller its column names.
    async fn check_identities(&self) {
        let expected = [
            None,
            Some(EMAIL_A),
            Some(EMAIL_B),
            None,
            Some(EMAIL_X),
            Some(EMAIL_Y),
            Some(EMAIL_LIMITED),
            Some(EMAIL_ADMIN),
        ];
        for (caller, email) in self.people.iter().zip(expected) {
            let user = self.app.whoami(&caller.client).await;
            assert_eq!(user["email"].as_str(), email, "{}", caller.label);
        }
        assert!(self.app.whoami(&self.rpc_key.client).await.is_null());
    }

    /// The key of each signed-in person's session.
    async fn session_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = Vec::new();
        for caller in &self.people {
            let (status, sessions) = self.app.rpc_json(&caller.client, "my_sessions", &[]).await;
            if status != StatusCode::OK {
                continue;
            }
            let current = sessions
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["current"] == true)
                .unwrap_or_else(|| panic!("{} has a current session", caller.label));
            keys.push((caller.label, current["key"].as_str().unwrap().to_string()));
        }
        keys
    }

    pub fn session_of(&self, label: &str) -> &str {
        let (_, key) = self.sessions.iter().find(|(l, _)| *l == label).unwrap();
        key
    }

    /// The guest link token `who` presents: the real one for the guest, a forged one otherwise.
    pub fn guest_link_as(&self, who: Who) -> &str {
        if who == Who::Guest {
            &self.guest_token
        } else {
            FORGED
        }
    }

    pub fn client(&self, at: usize) -> &Client {
        &self.people[at].client
    }

    /// The ticket's version now (what a change must be based on to apply).
    pub async fn version(&self, number: &str) -> String {
        let ticket = self.app.running.state.store.ticket(number).await.unwrap();
        ticket.expect("the ticket exists").version.to_string()
    }

    /// A new ticket of A's in X, for a call that would use it up (merge, link).
    pub async fn fresh_ticket_of_a(&self) -> String {
        open_ticket(
            &self.app,
            self.client(CUSTOMER_A),
            &[
                ("topic", "general"),
                ("subject", "AliceOnly another printer"),
                ("message", "AliceOnly: this one too."),
            ],
        )
        .await
    }

    /// A new ticket of B's in Y.
    pub async fn fresh_ticket_of_b(&self) -> String {
        open_ticket(
            &self.app,
            self.client(CUSTOMER_B),
            &[
                ("topic", "security_incident"),
                ("subject", "BobOnly another beacon"),
                ("message", "BobOnly: this host too."),
                ("fields[affected_host][0]", "web-02"),
            ],
        )
        .await
    }

    /// A new ticket of A's that the admin merged into A's ticket.
    pub async fn merged_ticket_of_a(&self) -> String {
        let fresh = self.fresh_ticket_of_a().await;
        let version = self.version(&fresh).await;
        let (status, body) = self
            .app
            .rpc_json(
                self.client(ADMIN),
                "merge_ticket",
                &[
                    ("number", &fresh),
                    ("version", &version),
                    ("target", &self.ticket_a),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        fresh
    }

    /// A new saved queue of agent X's, for a call that would delete it.
    pub async fn fresh_queue_of_x(&self) -> String {
        let name = format!("X's queue {}", next_number());
        let (status, id) = self
            .app
            .rpc_body(
                self.client(AGENT_X),
                "save_queue",
                json!({ "name": name, "filter": { "state": "open" }, "columns": ["subject"],
                    "sort": "newest" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{id}");
        id.as_str().unwrap().to_string()
    }
}

/// 1, 2, 3, ...: distinct names.
fn next_number() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// Uploads a small text file as `client`; its id.
pub async fn upload(app: &TestApp, client: &Client, name: &str) -> String {
    let form = Form::new().part(
        "file",
        Part::bytes(b"paper path diagram".to_vec()).file_name(name.to_string()),
    );
    let response = client
        .post(app.url("/files"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let files: Value = response.json().await.unwrap();
    files[0]["id"].as_str().unwrap().to_string()
}

async fn open_ticket(app: &TestApp, customer: &Client, form: &[(&str, &str)]) -> String {
    let (status, number) = app.rpc_json(customer, "open_ticket", form).await;
    assert_eq!(status, StatusCode::OK, "{number}");
    number.as_str().unwrap().to_string()
}
