//! The admin settings over HTTP: filters routing and rejecting new tickets, roles limiting what an
//! agent may do per department, organizations sharing tickets, validation, deactivation with a
//! replacement, API keys shown once, and every change audited and live without a restart.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, browser, spawn_app};

async fn save(
    app: &TestApp,
    admin: &Client,
    section: &str,
    key: Option<&str>,
    item: Value,
) -> (StatusCode, Value) {
    app.rpc_body(
        admin,
        "save_settings_item",
        json!({ "section": section, "key": key, "item": item }),
    )
    .await
}

pub(crate) async fn customer(app: &TestApp, email: &str, name: &str) -> Client {
    let client = browser();
    let (status, body) = app.sign_up(&client, email, name).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

pub(crate) async fn open(
    app: &TestApp,
    client: &Client,
    subject: &str,
    message: &str,
) -> (StatusCode, Value) {
    app.rpc_json(
        client,
        "open_ticket",
        &[
            ("topic", "general"),
            ("subject", subject),
            ("message", message),
        ],
    )
    .await
}

fn ransomware_filter(actions: Value) -> Value {
    json!({
        "name": "Ransomware to the SOC",
        "active": true,
        "order": 10,
        "channel": "any",
        "matching": "any",
        "stop_on_match": false,
        "conditions": [
            { "subject": "subject", "header": "", "operator": "contains", "value": "ransomware" },
            { "subject": "body", "header": "", "operator": "matches", "value": "encrypt(ed|ion)" }
        ],
        "actions": actions
    })
}

#[tokio::test]
async fn a_ticket_matching_a_filter_is_routed_tagged_and_prioritised_and_its_history_says_why() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = save(
        &app,
        &admin,
        "filters",
        None,
        ransomware_filter(json!([
            { "kind": "department", "value": "security_operations" },
            { "kind": "priority", "value": "emergency" },
            { "kind": "add_tags", "value": "ransomware, Malware" }
        ])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (status, number) = open(
        &app,
        &alice,
        "Files look odd",
        "Everything got ENCRYPTED overnight",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let (status, page) = app
        .rpc_json(
            &admin,
            "agent_ticket",
            &[("number", number.as_str().unwrap())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let ticket = &page["ticket"];
    assert_eq!(ticket["department"], "security_operations");
    assert_eq!(ticket["priority"], "emergency");
    assert_eq!(ticket["tags"], json!(["ransomware", "malware"]));
    assert_eq!(ticket["sla_plan"], "incident", "the new department's plan");
    let note = page["thread"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "staff_event")
        .expect("a staff event naming the filters");
    assert!(
        note["body"]
            .as_str()
            .unwrap()
            .contains("Ransomware to the SOC"),
        "{note}"
    );

    // A ticket that matches nothing keeps its help topic's routing.
    let (_, other) = open(&app, &alice, "Printer", "It jams").await;
    let (_, page) = app
        .rpc_json(
            &admin,
            "agent_ticket",
            &[("number", other.as_str().unwrap())],
        )
        .await;
    assert_eq!(page["ticket"]["department"], "support");
    assert_eq!(page["ticket"]["priority"], "normal");
    assert_eq!(page["ticket"]["tags"], json!([]));
}

#[tokio::test]
async fn a_rejecting_filter_refuses_the_ticket_clearly_and_creates_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = save(
        &app,
        &admin,
        "filters",
        None,
        ransomware_filter(json!([{ "kind": "reject", "value": "" }])),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (status, body) = open(&app, &alice, "ransomware offer", "Buy now").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("does not accept"),
        "{body}"
    );
    let (_, list) = app.rpc_json(&alice, "my_tickets", &[("search", "")]).await;
    assert_eq!(list["tickets"], json!([]));
    let (_, audit) = app.audit_page(&admin, serde_json::json!({})).await;
    assert!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "ticket.rejected"),
        "the refusal is audited"
    );
}

#[tokio::test]
async fn an_agent_without_transfer_in_a_department_cannot_transfer_from_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (limited, _) = app
        .agent(
            &admin,
            "lee@example.com",
            "Lee Limited",
            &[("support", "limited")],
        )
        .await;
    let (full, _) = app
        .agent(
            &admin,
            "fay@example.com",
            "Fay Full",
            &[("support", "all_access")],
        )
        .await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    let transfer = |version: u64| {
        json!({ "number": number, "version": version,
            "change": { "change": "transfer", "department": "security_operations", "comment": "" } })
    };
    let (_, page) = app
        .rpc_json(&limited, "agent_ticket", &[("number", number)])
        .await;
    let version = page["ticket"]["version"].as_u64().unwrap();
    let (status, body) = app
        .rpc_body(&limited, "change_ticket", transfer(version))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("ticket.transfer"),
        "names what is missing: {body}"
    );
    // What the limited role grants still works.
    let (status, body) = app
        .rpc_body(
            &limited,
            "change_ticket",
            json!({ "number": number, "version": version, "change": { "change": "priority", "priority": "high" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .rpc_body(&full, "change_ticket", transfer(version + 1))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_organizations_sharing_policy_decides_what_its_customers_see() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let org = |sharing: &str| json!({ "name": "Acme", "active": true, "sharing": sharing, "domains": "Example.org,ACME.test" });
    let (status, saved) = save(&app, &admin, "organizations", None, org("none")).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["key"], "acme");
    // Customers with the organization's domain join it when they sign up.
    let alice = customer(&app, "alice@acme.test", "Alice").await;
    let bob = customer(&app, "bob@acme.test", "Bob").await;
    let (_, number) = open(&app, &alice, "VPN down", "Since 9am").await;
    let number = number.as_str().unwrap().to_string();
    let sees = |client: Client| {
        let (app, number) = (&app, number.clone());
        async move {
            let (_, list) = app.rpc_json(&client, "my_tickets", &[("search", "")]).await;
            let listed = list["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["number"] == number.as_str());
            let (status, _) = app
                .rpc_json(&client, "view_ticket", &[("number", &number)])
                .await;
            assert_eq!(listed, status == StatusCode::OK, "list and page agree");
            listed
        }
    };
    assert!(!sees(bob.clone()).await, "sharing none");

    let (status, body) = save(&app, &admin, "organizations", Some("acme"), org("everyone")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(sees(bob.clone()).await, "everyone sees all");

    save(
        &app,
        &admin,
        "organizations",
        Some("acme"),
        org("primary_contacts"),
    )
    .await;
    assert!(!sees(bob.clone()).await, "Bob is no primary contact");
    let (_, bob_user) = app
        .rpc_json(&admin, "find_accounts", &[("search", "bob@acme.test")])
        .await;
    let bob_id = bob_user[0]["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .rpc_json(
            &admin,
            "set_organization",
            &[
                ("id", &bob_id),
                ("organization", "acme"),
                ("primary_contact", "true"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(sees(bob).await, "now he is");
    let outsider = customer(&app, "eve@example.com", "Eve").await;
    assert!(!sees(outsider).await);
}

#[tokio::test]
async fn settings_are_validated_per_field_audited_and_in_effect_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut bad = ransomware_filter(json!([{ "kind": "department", "value": "nowhere" }]));
    bad["conditions"][1]["value"] = json!("encrypt(ed");
    let (status, body) = save(&app, &admin, "filters", None, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["conditions.1.value", "actions.0.value"],
        "{body}"
    );
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid regular expression")
    );

    // Closing registration applies to the very next sign-up.
    let (_, page) = app
        .rpc_body(&admin, "settings_section", json!({ "section": "general" }))
        .await;
    let mut general = page["blank"].clone();
    assert_eq!(general["registration"], "open");
    general["registration"] = json!("closed");
    general["helpdesk_name"] = json!("Acme SOC");
    let (status, body) = save(&app, &admin, "general", None, general).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app.sign_up(&browser(), "late@example.com", "Late").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, session) = app.rpc_json(&browser(), "current_session", &[]).await;
    assert_eq!(session["helpdesk_name"], "Acme SOC");
    assert_eq!(session["registration_open"], false);

    let (_, audit) = app.audit_page(&admin, serde_json::json!({})).await;
    let event = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "settings.general.created")
        .expect("the change is audited");
    let change = event["change"].as_str().unwrap();
    assert!(
        change.starts_with('{') && change.contains("\"registration\":\"closed\""),
        "{event}"
    );

    // Non-admins cannot read or change settings, whatever they send.
    let agent = app.staff(&admin, "ann@example.com", "agent").await;
    let (status, _) = app
        .rpc_body(&agent, "settings_section", json!({ "section": "filters" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = save(&app, &agent, "roles", Some("limited"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deactivating_a_department_in_use_asks_where_its_tickets_go() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = save(
        &app,
        &admin,
        "departments",
        None,
        json!({ "name": "Network", "active": true, "parent": null, "manager": null, "sla_plan": null, "schedule": null }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = save(
        &app,
        &admin,
        "help_topics",
        Some("general"),
        json!({ "name": "General Inquiry", "active": true, "public": true, "parent": null, "department": "network",
            "priority": null, "sla_plan": null, "forms": [], "assign_agent": null, "assign_team": null, "sort": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Switch down", "Floor 2").await;
    let deactivate = |replacement: Option<&str>| json!({ "section": "departments", "key": "network", "active": false, "replacement": replacement });
    let (status, body) = app
        .rpc_body(&admin, "set_settings_active", deactivate(None))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("1 open ticket and 1 help topic"),
        "{body}"
    );
    let (status, body) = app
        .rpc_body(&admin, "set_settings_active", deactivate(Some("support")))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, page) = app
        .rpc_json(
            &admin,
            "agent_ticket",
            &[("number", number.as_str().unwrap())],
        )
        .await;
    assert_eq!(
        page["ticket"]["department"], "support",
        "moved, not orphaned"
    );
    let (_, topic) = app
        .rpc_body(
            &admin,
            "settings_item",
            json!({ "section": "help_topics", "key": "general" }),
        )
        .await;
    assert_eq!(topic["department"], "support");
    // The default department stays.
    let (status, _) = app
        .rpc_body(
            &admin,
            "set_settings_active",
            json!({ "section": "departments", "key": "support", "active": false, "replacement": "security_operations" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_api_key_is_shown_once_and_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, saved) = save(
        &app,
        &admin,
        "api_keys",
        None,
        json!({ "name": "Wazuh", "active": true, "scopes": ["alerts:create"], "allowed": "10.0.0.0/8, 127.0.0.1" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let secret = saved["secret"].as_str().unwrap();
    assert!(secret.starts_with("dk_") && secret.len() > 40);
    let (_, page) = app
        .rpc_body(&admin, "settings_section", json!({ "section": "api_keys" }))
        .await;
    assert!(!page.to_string().contains(secret), "never shown again");
    assert_eq!(page["items"][0]["detail"], "Never used");
    let (status, again) = save(
        &app,
        &admin,
        "api_keys",
        saved["key"].as_str(),
        json!({ "name": "Wazuh", "active": true, "scopes": ["alerts:create"], "allowed": "not-an-ip" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert_eq!(again["fields"][0]["field"], "allowed");
}

#[tokio::test]
async fn deactivating_a_role_agents_hold_moves_them_to_another_role() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (lee, lee_id) = app
        .agent(&admin, "lee@example.com", "Lee", &[("support", "limited")])
        .await;
    let deactivate = |replacement: Option<&str>| json!({ "section": "roles", "key": "limited", "active": false, "replacement": replacement });
    let (status, body) = app
        .rpc_body(&admin, "set_settings_active", deactivate(None))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("1 agent's membership"),
        "{body}"
    );
    let (status, body) = app
        .rpc_body(&admin, "set_settings_active", deactivate(Some("view_only")))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, accounts) = app
        .rpc_json(&admin, "find_accounts", &[("search", "lee@example.com")])
        .await;
    assert_eq!(accounts[0]["id"], lee_id.as_str());
    assert_eq!(accounts[0]["memberships"][0]["role"], "view_only");
    // The new role applies to Lee's next request: View only may not reply.
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    let (_, page) = app
        .rpc_json(&lee, "agent_ticket", &[("number", number)])
        .await;
    let version = page["ticket"]["version"].as_u64().unwrap().to_string();
    let (status, body) = app
        .rpc_json(
            &lee,
            "post_to_ticket",
            &[
                ("number", number),
                ("version", &version),
                ("kind", "reply"),
                ("message", "Hello"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn search_all_finds_and_reads_other_departments_tickets_but_does_not_work_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (searcher, _) = app
        .agent(
            &admin,
            "sue@example.com",
            "Sue",
            &[("support", "all_access")],
        )
        .await;
    let (plain, _) = app
        .agent(&admin, "pat@example.com", "Pat", &[("support", "expanded")])
        .await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (status, number) = app
        .rpc_json(
            &alice,
            "open_ticket",
            &[
                ("topic", "security_incident"),
                ("subject", "Odd traffic"),
                ("message", "Beaconing from web-01 every minute."),
                ("fields[affected_host][0]", "web-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let number = number.as_str().unwrap();
    let search = json!({ "query": { "queue": { "kind": "open" }, "search": "beaconing" } });
    let (_, found) = app.rpc_body(&searcher, "queue_page", search.clone()).await;
    assert_eq!(found["rows"][0]["number"], number, "{found}");
    let (_, hidden) = app.rpc_body(&plain, "queue_page", search).await;
    assert_eq!(
        hidden["rows"],
        json!([]),
        "Expanded access has no search.all"
    );

    let (status, _) = app
        .rpc_json(&searcher, "agent_ticket", &[("number", number)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .rpc_json(&plain, "agent_ticket", &[("number", number)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .rpc_json(
            &searcher,
            "post_to_ticket",
            &[
                ("number", number),
                ("version", "1"),
                ("kind", "note"),
                ("message", "Mine now"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "reading is not working");
}
