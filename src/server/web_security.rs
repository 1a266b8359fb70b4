//! What browsers are told and refused: the Content-Security-Policy of pages (scripts only with
//! the render's nonce) and of everything else (nothing runs), HSTS over https, and the refusal of
//! cross-site requests that change something (CSRF), on top of `SameSite=Lax` session cookies.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::server::problem::problem;
use crate::server::state::AppState;

pub const CONTENT_SECURITY_POLICY: HeaderName = HeaderName::from_static("content-security-policy");
pub const STRICT_TRANSPORT_SECURITY: HeaderName =
    HeaderName::from_static("strict-transport-security");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The policy of every response that is not a page (API answers, files, downloads): nothing in
/// it may run or be framed, so an uploaded HTML attachment opened in the browser is inert.
pub const INERT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// HSTS for a help desk served over https: a year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The policy of a page rendered with `nonce`: inline scripts only when the render marked them
/// (the hydration script and resolved data), script files only from the help desk (the app and
/// its WebAssembly; uploads are never served as scripts: `nosniff` and the inert policy), styles
/// and images from the help desk (and inline `data:` images), no plugins, no framing, forms
/// posting only here. Remote images in mail stay blocked, so a tracking pixel in a customer's
/// message never calls home.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Gives the page being rendered its policy, with the nonce Leptos put on its scripts.
pub fn send_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Refuses (403) a request that changes something when the browser says it comes from another
/// site. Clients that are not browsers send no `Origin`, `Referer` or `Sec-Fetch-Site` and pass:
/// they authenticate with an API key, never a cookie.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(request.headers(), &state.settings.base_url) {
        return problem(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Cross-site request refused: send it from the help desk's own pages.",
        );
    }
    next.run(request).await
}

/// Whether the request's headers say it was sent by a page of another site than the one it was
/// sent to (its `Host`) or the help desk's configured `base_url`.
fn is_cross_site(headers: &HeaderMap, base_url: &str) -> bool {
    let header = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let here = |origin: &str| {
        origin.eq_ignore_ascii_case(origin_of(base_url))
            || header(&HOST).is_some_and(|host| authority_of(origin).eq_ignore_ascii_case(host))
    };
    if let Some(origin) = header(&ORIGIN) {
        // A sandboxed frame or a redirect across sites says "null".
        return origin == "null" || !here(origin);
    }
    if header(&SEC_FETCH_SITE) == Some("cross-site") {
        return true;
    }
    header(&REFERER).is_some_and(|referer| !here(origin_of(referer)))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// `host[:port]` of an origin.
fn authority_of(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://help.example.com/";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_help_desk_s_own_pages_are_same_site() {
        for pairs in [
            vec![
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000"),
            ],
            vec![
                ("host", "internal:8080"),
                ("origin", "https://help.example.com"),
            ],
            vec![
                ("host", "127.0.0.1:3000"),
                ("referer", "http://127.0.0.1:3000/agent?q=1"),
            ],
            vec![
                ("host", "127.0.0.1:3000"),
                ("sec-fetch-site", "same-origin"),
            ],
            // curl, a SIEM, an osTicket client: no browser headers at all.
            vec![("host", "127.0.0.1:3000")],
        ] {
            assert!(!is_cross_site(&headers(&pairs), BASE), "{pairs:?}");
        }
    }

    #[test]
    fn another_site_s_pages_are_refused() {
        for pairs in [
            vec![
                ("host", "127.0.0.1:3000"),
                ("origin", "https://evil.example"),
            ],
            vec![
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3001"),
            ],
            vec![("host", "127.0.0.1:3000"), ("origin", "null")],
            vec![("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")],
            vec![
                ("host", "127.0.0.1:3000"),
                ("referer", "https://evil.example/x"),
            ],
            // A look-alike that only starts with the help desk's origin.
            vec![
                ("host", "x"),
                ("origin", "https://help.example.com.evil.example"),
            ],
        ] {
            assert!(is_cross_site(&headers(&pairs), BASE), "{pairs:?}");
        }
    }

    #[test]
    fn origins_are_cut_from_urls() {
        assert_eq!(
            origin_of("https://a.example:8443/x?y#z"),
            "https://a.example:8443"
        );
        assert_eq!(origin_of("http://a.example"), "http://a.example");
        assert_eq!(authority_of("http://a.example:3000"), "a.example:3000");
    }

    #[test]
    fn the_page_policy_allows_only_the_render_s_scripts() {
        let policy = page_policy("abc");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }
}
