//! The REST API v1 over real HTTP: a key acts as one agent within its scopes, through the same use
//! cases and permission checks as the web UI; errors are problem details; the event stream takes
//! keys with `events:read`; the OpenAPI document names every route.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, browser, spawn_app};

struct Desk {
    app: TestApp,
    admin: Client,
    /// Sam: Limited access in Support (no transfer, no release).
    sam_id: String,
    customer: Client,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, sam_id) = app
        .agent(
            &admin,
            "sam@example.com",
            "Sam Support",
            &[("support", "limited")],
        )
        .await;
    app.agent(
        &admin,
        "sofia@example.com",
        "Sofia Soc",
        &[("security_operations", "expanded")],
    )
    .await;
    let customer = browser();
    let (status, body) = app
        .sign_up(&customer, "alice@example.com", "Alice Liddell")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Desk {
        app,
        admin,
        sam_id,
        customer,
    }
}

/// A key for `scopes` acting as `email`.
async fn key(d: &Desk, scopes: &[&str], email: &str) -> String {
    d.app
        .api_key_acting(&d.admin, scopes, "127.0.0.1", email)
        .await
        .1
}

/// A request with `key`; the status, the content type and the JSON body.
async fn call(
    app: &TestApp,
    key: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, String, Value) {
    let mut request = Client::new().request(method, app.url(path));
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        status,
        content_type,
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn customer_ticket(d: &Desk, topic: &str, subject: &str) -> String {
    let mut form = vec![
        ("topic", topic),
        ("subject", subject),
        ("message", "Details inside."),
    ];
    if topic == "security_incident" {
        form.push(("fields[affected_host][0]", "web-01"));
    }
    let (status, body) = d.app.rpc_json(&d.customer, "open_ticket", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_key_acting_as_an_agent_opens_lists_reads_changes_and_replies() {
    let d = desk().await;
    let key = key(&d, &["tickets:read", "tickets:write"], "sam@example.com").await;
    let key = Some(key.as_str());

    let (status, _, created) = call(
        &d.app,
        key,
        Method::POST,
        "/api/v1/tickets",
        Some(
            json!({ "email": "bob@example.com", "name": "Bob Builder", "topic": "general",
            "subject": "VPN drops every hour", "message": "Since Monday.", "priority": "high" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let number = created["number"].as_str().unwrap().to_string();

    let (status, _, list) =
        call(&d.app, key, Method::GET, "/api/v1/tickets?queue=open", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let row = list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == number.as_str())
        .unwrap_or_else(|| panic!("the new ticket is listed: {list}"));
    assert_eq!(row["priority"], "high");
    assert_eq!(row["requester"]["email"], "bob@example.com");
    assert_eq!(row["source"], "api");

    let (status, _, found) = call(&d.app, key, Method::GET, "/api/v1/tickets?q=hour", None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["tickets"][0]["number"], number.as_str(), "{found}");

    let path = format!("/api/v1/tickets/{number}");
    let (status, _, ticket) = call(&d.app, key, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    assert_eq!(ticket["subject"], "VPN drops every hour");
    assert_eq!(ticket["thread"][0]["kind"], "customer_message");
    assert_eq!(ticket["thread"][0]["body"], "Since Monday.");
    let version = ticket["version"].as_u64().unwrap();

    let (status, _, changed) = call(
        &d.app,
        key,
        Method::PATCH,
        &path,
        Some(
            json!({ "version": version, "status": "waiting", "priority": "normal",
            "tags": ["vpn", "remote"], "assignee": d.sam_id }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["status"], "waiting");
    assert_eq!(changed["priority"], "normal");
    assert_eq!(changed["tags"], json!(["vpn", "remote"]));
    assert_eq!(changed["assignee"], "Sam Support");
    let events: Vec<&str> = changed["thread"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["body"].as_str())
        .collect();
    assert!(
        events
            .iter()
            .any(|b| b.contains("changed the priority from High to Normal")),
        "{events:?}"
    );

    // Based on the old version: refused, and says so.
    let (status, content_type, stale) = call(
        &d.app,
        key,
        Method::PATCH,
        &path,
        Some(json!({ "version": version, "priority": "low" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(stale["status"], 409);

    // Limited access has no ticket.transfer: the whole change is refused, the priority too.
    let (status, _, refused) = call(
        &d.app,
        key,
        Method::PATCH,
        &path,
        Some(json!({ "priority": "emergency", "department": "security_operations" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("ticket.transfer"),
        "{refused}"
    );
    let (_, _, after) = call(&d.app, key, Method::GET, &path, None).await;
    assert_eq!(after["priority"], "normal", "nothing was written");

    // A value it already has changes nothing, and is no error.
    let (status, _, same) = call(
        &d.app,
        key,
        Method::PATCH,
        &path,
        Some(json!({ "priority": "normal" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["version"], after["version"]);

    let messages = format!("{path}/messages");
    let (status, _, noted) = call(
        &d.app,
        key,
        Method::POST,
        &messages,
        Some(json!({ "kind": "note", "message": "Checked the concentrator logs." })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{noted}");
    let (status, _, replied) = call(
        &d.app,
        key,
        Method::POST,
        &messages,
        Some(json!({ "kind": "reply", "message": "Please update your client.", "status": "open" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{replied}");
    let kinds: Vec<&str> = replied["thread"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"internal_note") && kinds.contains(&"agent_reply"),
        "{kinds:?}"
    );
    assert_eq!(replied["status"], "open");
    let reply = replied["thread"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "agent_reply")
        .unwrap();
    assert_eq!(reply["author"], "Sam Support", "the key acts as Sam");

    // The audit trail names the key and the account it acted as.
    let (status, audit) = d.app.audit_page(&d.admin, serde_json::json!({})).await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let text = audit.to_string();
    assert!(
        text.contains("acting as sam@example.com") && text.contains("ticket.viewed"),
        "{text}"
    );
}

#[tokio::test]
async fn scopes_and_the_account_bound_what_a_key_may_do() {
    let d = desk().await;
    let support = customer_ticket(&d, "general", "Printer jam").await;
    let incident = customer_ticket(&d, "security_incident", "Beaconing").await;

    // No key, a wrong key: 401 problems.
    let (status, content_type, problem) =
        call(&d.app, None, Method::GET, "/api/v1/tickets", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["title"], "API key refused");
    let (status, _, _) = call(
        &d.app,
        Some("not-a-key"),
        Method::GET,
        "/api/v1/tickets",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A read-only key reads but does not write.
    let read = key(&d, &["tickets:read"], "sam@example.com").await;
    let path = format!("/api/v1/tickets/{support}");
    let (status, _, _) = call(&d.app, Some(&read), Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, problem) = call(
        &d.app,
        Some(&read),
        Method::PATCH,
        &path,
        Some(json!({ "priority": "high" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("tickets:write"),
        "{problem}"
    );

    // No further than the account reaches: Sam is not in Security Operations.
    let (status, _, _) = call(
        &d.app,
        Some(&read),
        Method::GET,
        &format!("/api/v1/tickets/{incident}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "as if it did not exist");
    let (_, _, list) = call(&d.app, Some(&read), Method::GET, "/api/v1/tickets", None).await;
    let numbers: Vec<&str> = list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["number"].as_str())
        .collect();
    assert!(
        numbers.contains(&support.as_str()) && !numbers.contains(&incident.as_str()),
        "{numbers:?}"
    );

    // Accounts need users:read.
    let sam = format!("/api/v1/users/{}", d.sam_id);
    let (status, _, _) = call(&d.app, Some(&read), Method::GET, &sam, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let users = key(&d, &["users:read"], "sam@example.com").await;
    let (status, _, account) = call(&d.app, Some(&users), Method::GET, &sam, None).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["email"], "sam@example.com");
    assert_eq!(account["role"], "agent");
    let (status, _, _) = call(
        &d.app,
        Some(&users),
        Method::GET,
        "/api/v1/users/nobody",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Bad input: named fields, nothing written.
    let write = key(&d, &["tickets:write"], "sam@example.com").await;
    let (status, content_type, problem) = call(
        &d.app,
        Some(&write),
        Method::POST,
        "/api/v1/tickets",
        Some(
            json!({ "email": "not an address", "topic": "general", "subject": "",
            "message": "x", "priority": "urgent" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"priority") && fields.contains(&"subject"),
        "{problem}"
    );
    let (status, _, problem) = call(
        &d.app,
        Some(&write),
        Method::PATCH,
        &path,
        Some(json!({ "priority": "high", "colour": "red" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("colour"),
        "{problem}"
    );

    // REST scopes need an account to act as; it must be active staff.
    for (acts_as, why) in [
        ("", "REST and event scopes act as an agent or admin"),
        ("alice@example.com", "No active agent or admin"),
    ] {
        let item = json!({ "name": "SOAR", "active": true, "scopes": ["tickets:read"],
            "allowed": "127.0.0.1", "acts_as": acts_as });
        let (status, saved) = d
            .app
            .rpc_body(
                &d.admin,
                "save_settings_item",
                json!({ "section": "api_keys", "key": null, "item": item }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{saved}");
        assert_eq!(saved["fields"][0]["field"], "acts_as", "{saved}");
        assert!(saved.to_string().contains(why), "{saved}");
    }

    // Sam deactivated: the key stops working.
    let (status, body) = d
        .app
        .rpc_json(
            &d.admin,
            "set_account_active",
            &[("id", d.sam_id.as_str()), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, problem) = call(&d.app, Some(&read), Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("no longer"),
        "{problem}"
    );
}

#[tokio::test]
async fn an_events_key_hears_what_its_account_may_read() {
    let d = desk().await;
    let events = key(&d, &["events:read"], "sam@example.com").await;
    let mut headers = HeaderMap::new();
    headers.insert("x-api-key", HeaderValue::from_str(&events).unwrap());
    let client = Client::builder().default_headers(headers).build().unwrap();
    let mut stream = d.app.events(&client).await;
    let incident = customer_ticket(&d, "security_incident", "Beaconing").await;
    let support = customer_ticket(&d, "general", "Printer jam").await;
    let (event, before, _) = stream
        .until(Duration::from_secs(5), |e| {
            e["type"] == "ticket.created" && e["ticket"] == support.as_str()
        })
        .await;
    assert_eq!(event["ticket"], support.as_str());
    assert!(
        before.iter().all(|e| e["ticket"] != incident.as_str()),
        "Sam's key heard about Security's ticket: {before:?}"
    );

    // Staff-only changes too, as Sam would hear them (an assignment).
    let (_, ticket) = d
        .app
        .rpc_json(&d.admin, "agent_ticket", &[("number", support.as_str())])
        .await;
    let (status, body) = d
        .app
        .rpc_body(
            &d.admin,
            "change_ticket",
            json!({ "number": support, "version": ticket["ticket"]["version"],
                "change": { "change": "assign", "agent": d.sam_id } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (assigned, _, _) = stream
        .until(Duration::from_secs(5), |e| {
            e["type"] == "ticket.updated"
                && e["ticket"] == support.as_str()
                && e["changed"] == json!(["assignee"])
        })
        .await;
    assert_eq!(
        assigned["version"],
        ticket["ticket"]["version"].as_u64().unwrap() + 1
    );

    // A key without events:read gets no stream.
    let read = key(&d, &["tickets:read"], "sam@example.com").await;
    let response = Client::new()
        .get(d.app.url("/api/v1/events"))
        .header("x-api-key", read)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_openapi_document_names_every_route_and_the_docs_page_reads_it() {
    let app = spawn_app().await;
    let (status, content_type, document) =
        call(&app, None, Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("application/json"));
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );
    let expected = [
        ("/api/v1/tickets", "get"),
        ("/api/v1/tickets", "post"),
        ("/api/v1/tickets/{number}", "get"),
        ("/api/v1/tickets/{number}", "patch"),
        ("/api/v1/tickets/{number}/messages", "post"),
        ("/api/v1/users/{id}", "get"),
        ("/api/v1/alerts/{source}", "post"),
        ("/api/v1/alert", "post"),
        ("/api/v1/events", "get"),
    ];
    let paths = document["paths"].as_object().unwrap();
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (path.clone(), m.clone()))
        })
        .collect();
    documented.sort();
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    wanted.sort();
    assert_eq!(documented, wanted, "the document names exactly the routes");
    // Every documented route is served (no "URL not supported" for any of them).
    for (path, method) in &wanted {
        let concrete = path
            .replace("{number}", "100000")
            .replace("{id}", "x")
            .replace("{source}", "generic");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, _, _) = call(&app, None, method.clone(), &concrete, None).await;
        assert!(
            status == StatusCode::UNAUTHORIZED,
            "{method} {concrete} answered {status}"
        );
    }
    let page = Client::new()
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<code>PATCH /api/v1/tickets/{number}</code>"));
    assert!(html.contains("id=\"schema-TicketDetail\""));
}
