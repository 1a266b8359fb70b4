//! Guest access: a link by email and ticket number opens that one ticket, until it expires or is
//! revoked. Runs the real binary, and reads the link from the email it sends.

use crate::common::smtp_sink::SmtpSink;
use crate::common::{DocketProcess, PASSWORD, browser, rpc_at};
use reqwest::StatusCode;

/// A customer's ticket with one attached file: (number, attachment id).
async fn ticket_by_customer(server: &DocketProcess) -> (String, String) {
    let customer = browser();
    let (status, body) = rpc_at(
        &customer,
        &server.base,
        "sign_up",
        &[
            ("email", "cee@example.com"),
            ("name", "Cee"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"paper path diagram".to_vec()).file_name("jam.txt"),
    );
    let uploaded: serde_json::Value = customer
        .post(format!("{}/files", server.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file_id = uploaded[0]["id"].as_str().unwrap().to_string();
    let (status, number) = rpc_at(
        &customer,
        &server.base,
        "open_ticket",
        &[
            ("topic", "general"),
            ("subject", "Printer jam"),
            ("message", "The 3rd floor printer jams."),
            ("attachments[0]", &file_id),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    (number.as_str().unwrap().to_string(), file_id)
}

fn guest_token(line: &str) -> String {
    let at = line.find("/guest/").expect("a guest link") + "/guest/".len();
    line[at..at + 64].to_string()
}

#[tokio::test]
async fn a_guest_link_opens_exactly_one_ticket_and_can_be_revoked() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let server = DocketProcess::start(&[
        ("DOCKET_DATABASE_URL", "mem://"),
        ("DOCKET_MAIL_SMTP_URL", &smtp),
    ]);
    let (number, file_id) = ticket_by_customer(&server).await;
    let guest = browser();

    // Wrong email or unknown number: the same answer, and no link.
    for (email, num) in [
        ("someone@example.com", number.as_str()),
        ("cee@example.com", "999999"),
    ] {
        let (status, _) = rpc_at(
            &guest,
            &server.base,
            "request_guest_link",
            &[("email", email), ("number", num)],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = rpc_at(
        &guest,
        &server.base,
        "request_guest_link",
        &[
            ("email", "CEE@example.com"),
            ("number", &format!("#{number}")),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The auto-response came first; the link is the second mail to the requester, and the only one.
    let mails = sink.wait_for(2, std::time::Duration::from_secs(20)).await;
    let links: Vec<_> = mails
        .iter()
        .filter(|m| m.text().contains("/guest/"))
        .collect();
    assert_eq!(links.len(), 1, "one link, for the right address only");
    assert_eq!(links[0].to, ["cee@example.com"]);
    assert!(
        links[0]
            .header_decoded("subject")
            .unwrap()
            .contains(&number)
    );
    let token = guest_token(&links[0].text());

    let (status, ticket) = rpc_at(&guest, &server.base, "guest_ticket", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    assert_eq!(ticket["summary"]["number"], number.as_str());
    let (status, body) = rpc_at(
        &guest,
        &server.base,
        "guest_reply",
        &[("token", &token), ("message", "Still jammed.")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, ticket) = rpc_at(&guest, &server.base, "guest_ticket", &[("token", &token)]).await;
    assert_eq!(ticket["thread"][1]["body"], "Still jammed.");
    assert_eq!(
        ticket["thread"][1]["author_name"], "Cee",
        "guest replies are the requester's"
    );

    // The link is no session: the rest of the portal still needs signing in.
    let (status, _) = rpc_at(&guest, &server.base, "my_tickets", &[("search", "")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = rpc_at(&guest, &server.base, "view_ticket", &[("number", &number)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let file = format!("{}/guest/{token}/files/{file_id}", server.base);
    let download = guest.get(&file).send().await.unwrap();
    assert_eq!(
        download.status(),
        StatusCode::OK,
        "the link holder may download the ticket's files"
    );
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        b"paper path diagram"
    );
    let forged = format!("{}/guest/{}/files/{file_id}", server.base, "1".repeat(64));
    assert_eq!(
        guest.get(&forged).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    let (status, _) = rpc_at(
        &guest,
        &server.base,
        "revoke_guest_link",
        &[("token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = rpc_at(&guest, &server.base, "guest_ticket", &[("token", &token)]).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a revoked link opens nothing"
    );
    assert_eq!(
        guest.get(&file).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let (status, _) = rpc_at(
        &guest,
        &server.base,
        "guest_ticket",
        &[("token", &"0".repeat(64))],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.terminate();
}
