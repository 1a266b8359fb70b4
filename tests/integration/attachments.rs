//! Attachments: uploaded, sent with a message, downloaded only by those who may see the ticket.

use crate::common::{TestApp, browser, spawn_app, spawn_app_with};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// The smallest well-formed PNG header a sniffer recognises.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn customer(app: &TestApp, email: &str) -> Client {
    let client = browser();
    let (status, body) = app.sign_up(&client, email, "Cee").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

async fn upload(app: &TestApp, client: &Client, files: &[(&str, &[u8])]) -> (StatusCode, Value) {
    let mut form = Form::new();
    for (name, data) in files {
        form = form.part(
            "file",
            Part::bytes(data.to_vec()).file_name(name.to_string()),
        );
    }
    let response = client
        .post(app.url("/files"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

async fn open_with(app: &TestApp, client: &Client, ids: &[&str]) -> (StatusCode, Value) {
    let mut form = vec![
        ("topic", "general"),
        ("subject", "Screenshot of the error"),
        ("message", "See attached."),
    ];
    let keys: Vec<String> = (0..ids.len())
        .map(|i| format!("attachments[{i}]"))
        .collect();
    for (key, id) in keys.iter().zip(ids) {
        form.push((key.as_str(), id));
    }
    app.rpc_json(client, "open_ticket", &form).await
}

#[tokio::test]
async fn files_sent_with_a_ticket_are_listed_and_downloadable_by_its_customer_only() {
    let app = spawn_app().await;
    let alice = customer(&app, "alice@example.com").await;
    let (status, uploaded) = upload(
        &app,
        &alice,
        &[
            ("../../screen shot.png", PNG),
            ("notes.txt", b"line one\nline two\n"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    assert_eq!(
        uploaded[0]["name"], "screen shot.png",
        "no directories in names"
    );
    assert_eq!(uploaded[0]["content_type"], "image/png");
    assert_eq!(uploaded[1]["content_type"], "text/plain");
    let ids: Vec<&str> = uploaded
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();

    let (status, number) = open_with(&app, &alice, &ids).await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let (_, ticket) = app
        .rpc_json(
            &alice,
            "view_ticket",
            &[("number", number.as_str().unwrap())],
        )
        .await;
    let listed: Vec<&str> = ticket["thread"][0]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 2, "{ticket}");
    assert!(listed.contains(&"screen shot.png") && listed.contains(&"notes.txt"));

    let download = alice
        .get(app.url(&format!("/files/{}", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-type"], "image/png");
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("screen%20shot.png"),
        "{disposition}"
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), PNG);

    let mallory = customer(&app, "mallory@example.com").await;
    let stolen = mallory
        .get(app.url(&format!("/files/{}", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), StatusCode::NOT_FOUND);
    let missing = mallory
        .get(app.url("/files/doesnotexist"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.status(),
        StatusCode::NOT_FOUND,
        "the same answer as for a file that exists"
    );
    let anonymous = browser()
        .get(app.url(&format!("/files/{}", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_customers_upload_cannot_be_attached_and_nothing_is_created() {
    let app = spawn_app().await;
    let alice = customer(&app, "alice@example.com").await;
    let (_, uploaded) = upload(&app, &alice, &[("a.png", PNG)]).await;
    let id = uploaded[0]["id"].as_str().unwrap().to_string();
    let mallory = customer(&app, "mallory@example.com").await;
    let (status, body) = open_with(&app, &mallory, &[&id]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "attachments");
    let (_, list) = app
        .rpc_json(&mallory, "my_tickets", &[("search", "")])
        .await;
    assert_eq!(
        list["tickets"].as_array().unwrap().len(),
        0,
        "the ticket was not half-created"
    );
    // Alice can still use her own upload.
    let (status, _) = open_with(&app, &alice, &[&id]).await;
    assert_eq!(status, StatusCode::OK);
    // ...but only once.
    let (status, _) = open_with(&app, &alice, &[&id]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn size_type_and_count_limits_are_enforced() {
    let app = spawn_app_with(&[
        ("DOCKET_UPLOADS_MAX_FILE_SIZE_MB", "1"),
        ("DOCKET_UPLOADS_MAX_FILES", "2"),
    ])
    .await;
    let client = customer(&app, "cee@example.com").await;
    let big = vec![b'a'; 1024 * 1024 + 1];
    let (status, body) = upload(&app, &client, &[("big.txt", &big)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than 1 MB")
    );

    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0";
    let (status, body) = upload(&app, &client, &[("invoice.pdf", exe)]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a renamed program is still a program: {body}"
    );

    let (status, _) = upload(
        &app,
        &client,
        &[("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = upload(&app, &browser(), &[("a.txt", b"a")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_file_field_takes_uploads_and_links_them_to_the_ticket() {
    let app = spawn_app().await;
    let client = customer(&app, "cee@example.com").await;
    let (_, uploaded) = upload(&app, &client, &[("error.png", PNG)]).await;
    let id = uploaded[0]["id"].as_str().unwrap();
    let (status, number) = app
        .rpc_json(
            &client,
            "open_ticket",
            &[
                ("topic", "problem"),
                ("subject", "Error on start"),
                ("message", "The app shows an error."),
                ("fields[impact][0]", "me"),
                ("fields[screenshot][0]", id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let (_, ticket) = app
        .rpc_json(
            &client,
            "view_ticket",
            &[("number", number.as_str().unwrap())],
        )
        .await;
    let fields = ticket["fields"].as_array().unwrap();
    assert!(
        fields.contains(&serde_json::json!(["Screenshot", "1 file(s)"])),
        "{ticket}"
    );
    assert_eq!(ticket["thread"][0]["attachments"][0]["name"], "error.png");
}
