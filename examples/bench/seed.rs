//! Fills a datastore with N synthetic tickets over two years: 8 departments, 40 agents (three
//! departments each), up to 50,000 customers, threads of 1 to 4 entries with a vocabulary of IT
//! words and host names, custom fields, and 40% SIEM alerts with observables. Recent tickets are
//! often open; older ones mostly closed. Runs in its own process (`bench seed URL N`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use docket::domain::form::FieldValue;
use docket::domain::metrics::DEFINITIONS_VERSION;
use docket::domain::metrics::tally::{Tallies, contribution};
use docket::domain::password::NewPassword;
use docket::server::config::DatabaseSettings;
use docket::server::store::{SeedAlert, SeedEntry, SeedTicket, SeedUser, Store};

pub const PASSWORD: &str = "correct horse battery";
pub const DEPARTMENTS: [(&str, &str); 8] = [
    ("support", "Support"),
    ("security_operations", "Security Operations"),
    ("network", "Network"),
    ("accounts", "Accounts"),
    ("billing", "Billing"),
    ("facilities", "Facilities"),
    ("devops", "DevOps"),
    ("field_it", "Field IT"),
];
pub const AGENTS: usize = 40;
/// A term in about one ticket in twelve (subjects).
pub const COMMON_TERM: &str = "password";
/// The vocabulary's most frequent word: in most tickets' threads.
pub const FREQUENT_TERM: &str = "printer";
/// A term in five tickets whatever N is.
pub const RARE_TERM: &str = "quokka";
const DAYS: i64 = 730;
const BATCH: usize = 500;
/// Batches written at once.
const WORKERS: u64 = 2;

const WORDS: [&str; 96] = [
    "printer",
    "laptop",
    "screen",
    "email",
    "outlook",
    "vpn",
    "wifi",
    "network",
    "slow",
    "error",
    "login",
    "account",
    "locked",
    "access",
    "share",
    "drive",
    "folder",
    "file",
    "backup",
    "restore",
    "server",
    "database",
    "timeout",
    "crash",
    "update",
    "install",
    "license",
    "office",
    "teams",
    "meeting",
    "calendar",
    "phone",
    "headset",
    "camera",
    "keyboard",
    "mouse",
    "monitor",
    "docking",
    "station",
    "battery",
    "charger",
    "certificate",
    "expired",
    "browser",
    "chrome",
    "firefox",
    "page",
    "blank",
    "report",
    "invoice",
    "payment",
    "refund",
    "order",
    "shipping",
    "address",
    "change",
    "request",
    "new",
    "starter",
    "leaver",
    "permissions",
    "group",
    "mailbox",
    "quota",
    "full",
    "storage",
    "sync",
    "onedrive",
    "sharepoint",
    "jira",
    "confluence",
    "deploy",
    "pipeline",
    "build",
    "failed",
    "disk",
    "memory",
    "cpu",
    "alert",
    "firewall",
    "port",
    "dns",
    "domain",
    "proxy",
    "token",
    "mfa",
    "phishing",
    "suspicious",
    "link",
    "attachment",
    "malware",
    "scan",
    "quarantine",
    "badge",
    "door",
    "room",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A word, the first ones far more often (a rough Zipf).
    fn word(&mut self) -> &'static str {
        let r = self.below(1_000) as f64 / 1_000.0;
        WORDS[((r * r * r) * WORDS.len() as f64) as usize]
    }
    fn sentence(&mut self, words: usize) -> String {
        let mut out = Vec::with_capacity(words);
        for _ in 0..words {
            match self.below(12) {
                0 => out.push(format!("srv-{}", self.below(5_000))),
                1 => out.push(format!(
                    "10.{}.{}.{}",
                    self.below(4),
                    self.below(255),
                    self.below(255)
                )),
                _ => out.push(self.word().to_string()),
            }
        }
        out.join(" ")
    }
}

pub fn customers(n: u64) -> u64 {
    (n / 10).clamp(100, 50_000)
}

pub fn agent_email(i: usize) -> String {
    format!("agent{i}@bench.test")
}

/// The departments agent `i` works in.
pub fn agent_departments(i: usize) -> Vec<String> {
    [i % 8, (i + 1) % 8, (i + 3) % 8]
        .iter()
        .map(|&d| DEPARTMENTS[d].0.to_string())
        .collect()
}

/// Ticket numbers: nine digits (the bench serves with `tickets.number_format = random:9`).
pub fn number(i: u64) -> String {
    format!("1{i:08}")
}

fn ticket(i: u64, n: u64, now: DateTime<Utc>, rng: &mut Rng) -> SeedTicket {
    // Tickets arrive in order over two years.
    let created =
        now - Duration::days(DAYS) + Duration::seconds((i * DAYS as u64 * 86_400 / n) as i64);
    let alert = rng.below(10) < 4;
    let department = if alert {
        "security_operations".to_string()
    } else {
        DEPARTMENTS[[0, 0, 0, 2, 3, 4, 5, 6, 7][rng.below(9) as usize]]
            .0
            .to_string()
    };
    let customer = rng.below(customers(n));
    let requester = format!("c{customer}");
    let requester_name = format!("Customer {customer}");
    let agent = rng.below(AGENTS as u64) as usize;
    let recent = now - created < Duration::days(14);
    let open = if recent {
        rng.below(2) == 0
    } else {
        rng.below(50) == 0
    };
    let status = if open {
        ["open", "open", "open", "waiting"][rng.below(4) as usize]
    } else {
        ["closed", "resolved"][rng.below(2) as usize]
    };
    let mut subject = [rng.word(), rng.word(), rng.word()].join(" ");
    if rng.below(12) == 0 {
        subject.push_str(&format!(" {COMMON_TERM}"));
    }
    if n >= 5 && i % (n / 5) == 7 {
        subject.push_str(&format!(" {RARE_TERM}"));
    }
    let mut at = created;
    let mut entries = vec![SeedEntry {
        seq: 0,
        kind: "customer_message",
        author: requester.clone(),
        author_name: requester_name.clone(),
        body: {
            let words = 20 + rng.below(40) as usize;
            rng.sentence(words)
        },
        at,
    }];
    let mut step = |rng: &mut Rng| {
        at += Duration::minutes(1 + rng.below(600) as i64);
        at.min(now)
    };
    if rng.below(10) < 8 || !open {
        entries.push(SeedEntry {
            seq: 0,
            kind: "agent_reply",
            author: format!("a{agent}"),
            author_name: format!("Agent {agent}"),
            body: {
                let words = 15 + rng.below(30) as usize;
                rng.sentence(words)
            },
            at: step(rng),
        });
        if rng.below(10) < 4 {
            entries.push(SeedEntry {
                seq: 0,
                kind: "customer_message",
                author: requester.clone(),
                author_name: requester_name.clone(),
                body: {
                    let words = 10 + rng.below(20) as usize;
                    rng.sentence(words)
                },
                at: step(rng),
            });
        }
        if rng.below(10) < 2 {
            entries.push(SeedEntry {
                seq: 0,
                kind: "internal_note",
                author: format!("a{agent}"),
                author_name: format!("Agent {agent}"),
                body: {
                    let words = 8 + rng.below(10) as usize;
                    rng.sentence(words)
                },
                at: step(rng),
            });
        }
    }
    let mut fields = BTreeMap::new();
    if alert {
        fields.insert(
            "affected_host".to_string(),
            FieldValue::Text(format!("srv-{}", rng.below(5_000))),
        );
    } else {
        fields.insert(
            "affected_device".to_string(),
            FieldValue::Text(format!("laptop-{}", rng.below(20_000))),
        );
        fields.insert(
            "impact".to_string(),
            FieldValue::Choice(["me", "team", "everyone"][rng.below(3) as usize].to_string()),
        );
    }
    let values: Vec<String> = fields
        .values()
        .map(|v| match v {
            FieldValue::Text(t) | FieldValue::Choice(t) => t.clone(),
            _ => String::new(),
        })
        .collect();
    let search_text = format!(
        "{subject} {requester_name} c{customer}@customers.test {}",
        values.join(" ")
    );
    let source = if alert {
        "alert"
    } else {
        ["web", "web", "email", "email", "api", "phone"][rng.below(6) as usize]
    };
    for (i, entry) in entries.iter_mut().enumerate() {
        entry.seq = i + 1;
    }
    SeedTicket {
        number: number(i),
        subject,
        requester,
        department,
        priority: ["low", "normal", "normal", "normal", "high", "emergency"][rng.below(6) as usize],
        status,
        assignee: (rng.below(5) > 0 || !open).then(|| format!("a{agent}")),
        source,
        tags: if rng.below(4) == 0 {
            vec![rng.word().to_string()]
        } else {
            Vec::new()
        },
        fields: serde_json::to_string(&fields).expect("fields serialise"),
        search_text,
        sla_plan: Some(if alert { "incident" } else { "standard" }),
        sla_due: Some(created + Duration::hours(8)),
        // The worker that writes it chooses.
        count_shard: 0,
        alert: alert.then(|| SeedAlert {
            source: ["wazuh", "elastic", "grafana"][rng.below(3) as usize].to_string(),
            fingerprint: format!("bench-{i}"),
            rule: format!("{}", 5_700 + rng.below(60)),
            observables: format!(
                r#"[{{"kind":"ip","value":"10.0.{}.{}"}},{{"kind":"host","value":"srv-{}"}}]"#,
                rng.below(20),
                rng.below(250),
                rng.below(5_000)
            ),
        }),
        created_at: created,
        updated_at: entries.last().map_or(created, |e| e.at),
        first_response_at: entries
            .iter()
            .find(|e| e.kind == "agent_reply")
            .map(|e| e.at),
        entries,
    }
}

/// Seeds `n` tickets into the datastore at `url`, printing progress.
pub async fn run(url: &str, n: u64) {
    let settings = DatabaseSettings {
        url: url.to_string(),
        namespace: "docket".into(),
        database: "main".into(),
        username: url.starts_with("ws").then(|| "root".to_string()),
        password: url.starts_with("ws").then(|| "root".to_string()),
    };
    let store = Store::connect(&settings)
        .await
        .expect("the datastore opens");
    let now = Utc::now();
    let departments: Vec<(String, String)> = DEPARTMENTS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    store
        .seed_departments(&departments)
        .await
        .expect("departments");
    let password = NewPassword::parse(PASSWORD, "agent@bench.test").expect("a valid password");
    let hash = docket::server::auth::hash_password(&password)
        .await
        .expect("a hash");
    let agents: Vec<SeedUser> = (0..AGENTS)
        .map(|i| SeedUser {
            id: format!("a{i}"),
            email: agent_email(i),
            name: format!("Agent {i}"),
            role: "agent",
            password_hash: hash.clone(),
            departments: agent_departments(i),
        })
        .collect();
    store.seed_users(&agents, now).await.expect("agents");
    let customers: Vec<SeedUser> = (0..customers(n))
        .map(|i| SeedUser {
            id: format!("c{i}"),
            email: format!("c{i}@customers.test"),
            name: format!("Customer {i}"),
            role: "customer",
            password_hash: hash.clone(),
            departments: Vec::new(),
        })
        .collect();
    for chunk in customers.chunks(5_000) {
        store.seed_users(chunk, now).await.expect("customers");
    }
    // Tickets are written counted for the reports (in the default time zone, UTC), and the
    // rollups at the end: the first start then has nothing to count.
    let basis = store
        .recount_metrics(DEFINITIONS_VERSION, "UTC")
        .await
        .expect("a reports basis");
    let statuses = store.every_status().await.expect("statuses");
    // Batches are written by WORKERS tasks at once (one per core); each worker's tickets keep to
    // its own queue count shards, so two batches in flight share no row and never conflict.
    let batches = n.div_ceil(BATCH as u64);
    let seeded = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let (store, statuses, basis, seeded) = (
                store.clone(),
                statuses.clone(),
                basis.clone(),
                seeded.clone(),
            );
            tokio::spawn(async move {
                let mut rollups = Tallies::default();
                for b in (worker..batches).step_by(WORKERS as usize) {
                    // Each batch draws from its own generator: the data do not depend on which
                    // worker wrote what first.
                    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (b + 1).wrapping_mul(0x2545_f491));
                    let batch: Vec<SeedTicket> = (b * BATCH as u64
                        ..((b + 1) * BATCH as u64).min(n))
                        .map(|i| SeedTicket {
                            count_shard: (worker + WORKERS * (i % (8 / WORKERS))) as u8,
                            ..ticket(i, n, now, &mut rng)
                        })
                        .collect();
                    let facts = store
                        .seed_tickets(&batch, &statuses, &basis)
                        .await
                        .expect("tickets");
                    for facts in &facts {
                        rollups.merge(&contribution(facts, chrono_tz::UTC), 1);
                    }
                    let before = seeded.fetch_add(batch.len() as u64, Ordering::SeqCst);
                    let after = before + batch.len() as u64;
                    if before / 50_000 != after / 50_000 || after == n {
                        let rate = after as f64 / started.elapsed().as_secs_f64();
                        eprintln!("  seeded {after} of {n} tickets ({rate:.0}/s)");
                    }
                }
                rollups
            })
        })
        .collect();
    let mut rollups = Tallies::default();
    for worker in workers {
        rollups.merge(&worker.await.expect("a seeding worker"), 1);
    }
    store.seed_ticket_sequence(n).await.expect("the sequence");
    store.seed_rollups(&rollups).await.expect("rollups");
}
