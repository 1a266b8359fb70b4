//! Reports: the rollups the metrics job keeps equal a full recount after random sequences of
//! real changes; closing an alert asks for its resolution class; the dashboard shows each viewer
//! only their departments; a chart exports as CSV with its table's rows.

use docket::domain::metrics::tally::{Tallies, contribution};
use docket::server::use_cases::reports;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, browser, spawn_app};

/// A small, seeded xorshift generator: a failing seed replays the same sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn wazuh_alert(rule: &str, ip: &str) -> String {
    json!({
        "timestamp": "2026-03-02T09:14:52.318+0000",
        "rule": { "level": 10, "description": format!("Rule {rule} fired"), "id": rule },
        "agent": { "id": "004", "name": "web-frontend-2", "ip": "10.20.0.14" },
        "id": format!("{rule}.{ip}"),
        "full_log": format!("sshd: invalid user from {ip}"),
        "data": { "srcip": ip },
    })
    .to_string()
}

struct Desk {
    app: TestApp,
    admin: Client,
    priya: Client,
    priya_id: String,
    customer: Client,
    key: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (priya, priya_id) = app
        .agent(
            &admin,
            "priya@example.com",
            "Priya Shah",
            &[("support", "expanded"), ("security_operations", "expanded")],
        )
        .await;
    let customer = browser();
    app.sign_up(&customer, "cee@example.com", "Cee").await;
    let (_, key) = app.api_key(&admin, &["alerts:create"], "127.0.0.1").await;
    Desk {
        app,
        admin,
        priya,
        priya_id,
        customer,
        key,
    }
}

impl Desk {
    async fn open_ticket(&self, subject: &str) -> String {
        let (status, number) = self
            .app
            .rpc_json(
                &self.customer,
                "open_ticket",
                &[
                    ("topic", "general"),
                    ("subject", subject),
                    ("message", "Help."),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{number}");
        number.as_str().unwrap().to_string()
    }

    async fn alert(&self, rule: &str, ip: &str) -> String {
        let response = self
            .app
            .post_with_key(&self.key, "/api/v1/alerts/wazuh", &wazuh_alert(rule, ip))
            .await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{status}: {body}");
        body["ticket"].as_str().unwrap().to_string()
    }

    async fn version(&self, number: &str) -> Value {
        let (status, ticket) = self
            .app
            .rpc_json(&self.priya, "agent_ticket", &[("number", number)])
            .await;
        assert_eq!(status, StatusCode::OK, "{ticket}");
        ticket["ticket"]["version"].clone()
    }

    async fn change(&self, number: &str, change: Value) -> (StatusCode, Value) {
        let version = self.version(number).await;
        self.app
            .rpc_body(
                &self.priya,
                "change_ticket",
                json!({ "number": number, "version": version, "change": change }),
            )
            .await
    }

    async fn post(&self, number: &str, kind: &str) -> StatusCode {
        let version = self.version(number).await;
        let version = version.as_u64().unwrap().to_string();
        self.app
            .rpc_json(
                &self.priya,
                "post_to_ticket",
                &[
                    ("number", number),
                    ("version", &version),
                    ("kind", kind),
                    ("message", "On it."),
                ],
            )
            .await
            .0
    }

    /// Runs the SLA job and counting to completion, then checks the stored rollups against a
    /// recount of every ticket.
    async fn assert_rollups_match_a_recount(&self, seed: u64) {
        let state = &self.app.running.state;
        docket::server::jobs::sla::run_once(state).await.unwrap();
        reports::count_all(state).await.unwrap();
        let statuses = state.store.every_status().await.unwrap();
        let mut recount = Tallies::default();
        for facts in state.store.every_ticket_facts(&statuses).await.unwrap() {
            recount.merge(&contribution(&facts, chrono_tz::UTC), 1);
        }
        let stored = state.store.stored_tallies().await.unwrap();
        assert!(!recount.is_empty(), "seed {seed}: something was counted");
        assert_eq!(
            stored, recount,
            "seed {seed}: the rollups drifted from a recount"
        );
    }
}

#[tokio::test]
async fn rollups_equal_a_full_recount_after_random_sequences_of_changes() {
    for seed in [
        0x9e37_79b9_7f4a_7c15_u64,
        0xdead_beef_cafe_f00d,
        0x0123_4567_89ab_cdef,
    ] {
        let desk = desk().await;
        let mut rng = Rng(seed);
        let mut tickets: Vec<String> = Vec::new();
        let classes = [
            "true_positive_impact",
            "true_positive",
            "false_positive",
            "benign",
            "duplicate",
        ];
        for step in 0..45 {
            let action = if tickets.is_empty() { 0 } else { rng.below(11) };
            match action {
                0 => tickets.push(desk.open_ticket(&format!("Ticket {step}")).await),
                1 | 2 => {
                    // A few rules and addresses, so some alerts repeat an open one's fingerprint.
                    let rule = *rng.pick(&["5712", "5710", "100"]);
                    let ip = format!("198.51.100.{}", rng.below(4));
                    let number = desk.alert(rule, &ip).await;
                    if !tickets.contains(&number) {
                        tickets.push(number);
                    }
                }
                3 => {
                    let number = rng.pick(&tickets).clone();
                    desk.post(&number, "reply").await;
                }
                4 => {
                    let number = rng.pick(&tickets).clone();
                    desk.post(&number, "note").await;
                }
                5 | 6 => {
                    let number = rng.pick(&tickets).clone();
                    let status = *rng.pick(&["open", "waiting", "resolved", "closed"]);
                    let class = *rng.pick(&classes);
                    desk.change(
                        &number,
                        json!({ "change": "status", "status": status, "resolution": class }),
                    )
                    .await;
                }
                7 => {
                    let number = rng.pick(&tickets).clone();
                    let priority = *rng.pick(&["low", "normal", "high", "emergency"]);
                    desk.change(
                        &number,
                        json!({ "change": "priority", "priority": priority }),
                    )
                    .await;
                }
                8 => {
                    let number = rng.pick(&tickets).clone();
                    let agent = if rng.below(2) == 0 {
                        Some(desk.priya_id.clone())
                    } else {
                        None
                    };
                    desk.change(&number, json!({ "change": "assign", "agent": agent }))
                        .await;
                }
                9 => {
                    let number = rng.pick(&tickets).clone();
                    let department = *rng.pick(&["support", "security_operations"]);
                    desk.change(
                        &number,
                        json!({ "change": "transfer", "department": department, "comment": "" }),
                    )
                    .await;
                }
                _ => {
                    // Counting part-way, as the job does, between changes.
                    reports::count_changed(&desk.app.running.state)
                        .await
                        .unwrap();
                }
            }
            // Time passes: minutes, sometimes across midnight.
            let minutes = *rng.pick(&[1, 7, 45, 180, 600]);
            desk.app.advance(chrono::Duration::minutes(minutes));
        }
        desk.assert_rollups_match_a_recount(seed).await;
    }
}

#[tokio::test]
async fn closing_an_alert_asks_how_it_ended_and_reopening_forgets_it() {
    let desk = desk().await;
    let number = desk.alert("5712", "198.51.100.9").await;
    let (status, body) = desk
        .change(&number, json!({ "change": "status", "status": "closed" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("resolution"), "{body}");
    let store = &desk.app.running.state.store;
    assert_eq!(
        store.ticket(&number).await.unwrap().unwrap().status.key,
        "open"
    );

    let (status, body) = desk
        .change(
            &number,
            json!({ "change": "status", "status": "closed", "resolution": "no_such_class" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, body) = desk
        .change(
            &number,
            json!({ "change": "status", "status": "closed", "resolution": "false_positive" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(ticket.resolution.as_deref(), Some("false_positive"));

    let (status, body) = desk
        .change(&number, json!({ "change": "status", "status": "open" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        store.ticket(&number).await.unwrap().unwrap().resolution,
        None
    );

    // A customer's ticket may close without a class.
    let other = desk.open_ticket("Printer").await;
    let (status, body) = desk
        .change(&other, json!({ "change": "status", "status": "closed" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn each_viewer_sees_only_the_reports_of_their_departments() {
    let desk = desk().await;
    let app = &desk.app;
    let soc = desk.alert("5712", "198.51.100.1").await;
    let (status, body) = desk
        .change(
            &soc,
            json!({ "change": "transfer", "department": "security_operations", "comment": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = desk
        .change(
            &soc,
            json!({ "change": "status", "status": "closed", "resolution": "false_positive" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    desk.open_ticket("Printer").await;
    reports::count_all(&app.running.state).await.unwrap();

    let dashboard = |client: &Client, filter: Value| {
        let client = client.clone();
        async move {
            app.rpc_body(&client, "load_dashboard", json!({ "filter": filter }))
                .await
        }
    };
    let opened = |d: &Value| d["figures"][0]["value"].as_f64();

    let (status, all) = dashboard(&desk.admin, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(opened(&all), Some(2.0), "{all}");
    let noisy = all["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "noisy_rules")
        .unwrap();
    assert_eq!(noisy["categories"], json!(["wazuh: 5712"]));

    let (_, support_only) = dashboard(&desk.admin, json!({ "department": "support" })).await;
    assert_eq!(opened(&support_only), Some(1.0), "{support_only}");

    // An agent with stats.view only in Support sees Support's figures and may not pick the SOC.
    let (support_agent, _) = app
        .agent(
            &desk.admin,
            "sam@example.com",
            "Sam",
            &[("support", "expanded")],
        )
        .await;
    let (status, mine) = dashboard(&support_agent, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(opened(&mine), Some(1.0), "{mine}");
    assert_eq!(
        mine["departments"],
        json!([{ "key": "support", "name": "Support" }])
    );
    let (status, _) = dashboard(
        &support_agent,
        json!({ "department": "security_operations" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Without stats.view (the limited role), and as a customer or stranger: no reports.
    let (limited, _) = app
        .agent(
            &desk.admin,
            "lee@example.com",
            "Lee",
            &[("support", "limited")],
        )
        .await;
    assert_eq!(
        dashboard(&limited, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dashboard(&desk.customer, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dashboard(&browser(), json!({})).await.0,
        StatusCode::UNAUTHORIZED
    );

    // A backwards range is refused at its field.
    let (status, body) = dashboard(
        &desk.admin,
        json!({ "from": "2026-03-05", "to": "2026-03-01" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("end date is before"), "{body}");
}

#[tokio::test]
async fn a_chart_downloads_as_csv_with_the_rows_of_its_table() {
    let desk = desk().await;
    let app = &desk.app;
    desk.open_ticket("One").await;
    app.advance(chrono::Duration::days(1));
    desk.open_ticket("Two").await;
    desk.open_ticket("Three").await;
    reports::count_all(&app.running.state).await.unwrap();

    let response = desk
        .admin
        .get(app.url("/agent/reports/export?chart=volume&from=2026-03-01&to=2026-03-04"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    assert_eq!(
        csv,
        "Day,Opened,Closed\n2026-03-01,0,0\n2026-03-02,1,0\n2026-03-03,2,0\n2026-03-04,0,0\n"
    );

    // By week, whole weeks come from the week rollups and agree with the days.
    let weekly = desk
        .admin
        .get(app.url("/agent/reports/export?chart=volume&from=2026-02-23&to=2026-03-08&by=week"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        weekly,
        "Week,Opened,Closed\nWeek of 2026-02-23,0,0\nWeek of 2026-03-02,3,0\n"
    );

    let unknown = desk
        .admin
        .get(app.url("/agent/reports/export?chart=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let stranger = browser()
        .get(app.url("/agent/reports/export?chart=volume"))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn two_processes_counting_at_once_still_equal_a_recount() {
    let desk = desk().await;
    let beside = crate::common::spawn_beside(&desk.app).await;
    let (a, b) = (&desk.app.running.state, &beside.running.state);
    for round in 0..6 {
        for i in 0..5 {
            let number = desk.open_ticket(&format!("Round {round} ticket {i}")).await;
            if i % 2 == 0 {
                desk.post(&number, "reply").await;
            }
        }
        let (first, second) = tokio::join!(reports::count_changed(a), reports::count_changed(b));
        first.unwrap();
        second.unwrap();
        desk.app.advance(chrono::Duration::hours(5));
    }
    desk.assert_rollups_match_a_recount(0).await;
}

#[tokio::test]
async fn an_admin_defined_resolution_class_is_offered_and_counts_as_configured() {
    let desk = desk().await;
    let app = &desk.app;
    let item =
        json!({ "name": "Needs tuning", "active": true, "false_positive": true, "sort": 35 });
    let (status, saved) = app
        .rpc_body(
            &desk.admin,
            "save_settings_item",
            json!({ "section": "resolutions", "key": null, "item": item }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let key = saved["key"].as_str().unwrap().to_string();
    let (_, workspace) = app.rpc_json(&desk.priya, "workspace", &[]).await;
    assert!(
        workspace["resolutions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["key"] == key.as_str()),
        "{workspace}"
    );
    let number = desk.alert("31101", "198.51.100.77").await;
    let (status, body) = desk
        .change(
            &number,
            json!({ "change": "status", "status": "closed", "resolution": key }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    reports::count_all(&app.running.state).await.unwrap();
    let (_, dashboard) = app
        .rpc_body(&desk.admin, "load_dashboard", json!({ "filter": {} }))
        .await;
    let noisy = dashboard["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "noisy_rules")
        .unwrap();
    assert_eq!(noisy["categories"], json!(["wazuh: 31101"]), "{noisy}");
    assert_eq!(noisy["series"][0]["values"], json!([1.0]), "{noisy}");

    // An empty name is refused at its field, and nothing is saved.
    let (status, body) = app
        .rpc_body(
            &desk.admin,
            "save_settings_item",
            json!({ "section": "resolutions", "key": null, "item": { "name": " ", "active": true, "false_positive": false, "sort": 1 } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn changing_the_time_zone_counts_every_ticket_again_in_the_new_days() {
    let desk = desk().await;
    let app = &desk.app;
    // 09:00 UTC on 2 March, then 03:00 UTC on 3 March: still 2 March in New York (UTC-5).
    desk.open_ticket("Morning").await;
    app.advance(chrono::Duration::hours(18));
    desk.open_ticket("Late").await;
    reports::count_all(&app.running.state).await.unwrap();
    let volume = || async {
        desk.admin
            .get(app.url("/agent/reports/export?chart=volume&from=2026-03-02&to=2026-03-03"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert_eq!(
        volume().await,
        "Day,Opened,Closed\n2026-03-02,1,0\n2026-03-03,1,0\n"
    );

    let (_, page) = app
        .rpc_body(
            &desk.admin,
            "settings_section",
            json!({ "section": "general" }),
        )
        .await;
    let mut general = page["blank"].clone();
    general["time_zone"] = json!("America/New_York");
    let (status, body) = app
        .rpc_body(
            &desk.admin,
            "save_settings_item",
            json!({ "section": "general", "key": null, "item": general }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    reports::count_all(&app.running.state).await.unwrap();
    assert_eq!(
        volume().await,
        "Day,Opened,Closed\n2026-03-02,2,0\n2026-03-03,0,0\n"
    );

    // And the recount equals counting from scratch in the new zone.
    let state = &app.running.state;
    let statuses = state.store.every_status().await.unwrap();
    let mut recount = Tallies::default();
    for facts in state.store.every_ticket_facts(&statuses).await.unwrap() {
        recount.merge(&contribution(&facts, chrono_tz::America::New_York), 1);
    }
    assert_eq!(state.store.stored_tallies().await.unwrap(), recount);
}
