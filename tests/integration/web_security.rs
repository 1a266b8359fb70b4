//! What browsers are told and refused: the pages' Content-Security-Policy with the render's
//! nonce, the inert policy of everything else, HSTS over https only, and cross-site requests.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, ORIGIN, REFERER};

use crate::common::{PASSWORD, browser, spawn_app, spawn_app_with};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn a_page_allows_only_the_scripts_its_render_marked() {
    let app = spawn_app().await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let page = reqwest::get(app.url("/sign-in")).await.unwrap();
        let policy = header(page.headers(), "content-security-policy").to_string();
        let html = page.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the policy")
            .to_string();
        assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        // Every script of the page carries the policy's nonce.
        let scripts = html.matches("<script").count();
        assert!(scripts > 0);
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + html
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "{html}"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a new nonce for each page");
}

#[tokio::test]
async fn everything_else_is_inert_and_not_framed() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz", "/api/v1/tickets", "/files/nothing"] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        let headers = response.headers();
        assert_eq!(
            header(headers, "content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'; sandbox",
            "{path}"
        );
        assert_eq!(header(headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(headers, "x-frame-options"), "DENY");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "plain http: no HSTS"
        );
    }
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https() {
    let app = spawn_app_with(&[("DOCKET_BASE_URL", "https://help.example.com")]).await;
    let response = reqwest::get(app.url("/")).await.unwrap();
    assert_eq!(
        header(response.headers(), "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn a_request_from_another_site_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let evil = browser();
    let form = [
        ("email", "csrf@example.com"),
        ("name", "Cee"),
        ("password", PASSWORD),
    ];
    for (name, value) in [
        (ORIGIN, "https://evil.example"),
        (REFERER, "https://evil.example/page"),
        (ORIGIN, "null"),
    ] {
        let response = evil
            .post(app.url("/rpc/sign_up"))
            .header(name.clone(), value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Cross-site request refused")
        );
    }
    // Nothing was created: the same sign-up from the help desk's own page works.
    let own = browser();
    let response = own
        .post(app.url("/rpc/sign_up"))
        .header(ORIGIN, app.base.trim_end_matches('/'))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Reading is never refused: a link from another site still opens the page.
    let page = evil
        .get(app.url("/sign-in"))
        .header(REFERER, "https://evil.example/")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let big = "x".repeat(3 * 1024 * 1024);
    let response = browser()
        .post(app.url("/rpc/sign_in"))
        .form(&[("email", "a@example.com"), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The REST API's JSON bodies have their own cap.
    let admin = app.admin().await;
    let (_, key) = app
        .api_key_acting(&admin, &["tickets:write"], "127.0.0.1", "admin@example.com")
        .await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/tickets"))
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .body(format!("{{\"subject\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
