//! Credentials and sessions: argon2id password hashes, random session tokens, the session cookie.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use chrono::Duration;
use sha2::{Digest, Sha256};

use crate::domain::password::NewPassword;

pub const SESSION_COOKIE: &str = "docket_session";
/// Names a sign-in waiting for its second factor (between the password and the code).
pub const CHALLENGE_COOKIE: &str = "docket_sign_in";

fn argon2() -> Argon2<'static> {
    // OWASP's first recommended argon2id setting: 19 MiB, 2 iterations, 1 lane.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"),
    )
}

/// Hashes a password on a blocking thread (it takes tens of milliseconds by design).
pub async fn hash_password(password: &NewPassword) -> Result<String, argon2::password_hash::Error> {
    let password = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .expect("password hashing does not panic")
}

/// Stored instead of a hash for an account whose owner has not chosen a password yet (made from
/// mail, the API or an invitation; the owner sets one through an emailed link). Not a valid hash,
/// so no candidate matches it, and creating such an account costs no hashing.
pub const NO_PASSWORD: &str = "!";

/// Checks a password against a stored hash; with no hash (or [`NO_PASSWORD`]), spends the same
/// time and says no, so that response times do not reveal which accounts exist or have a password.
pub async fn verify_password(stored: Option<String>, candidate: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored
            .filter(|s| s != NO_PASSWORD)
            .unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        argon2()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok()
            && stored != DUMMY_HASH
    })
    .await
    .unwrap_or(false)
}

/// An argon2id hash of a random password nobody knows, used to equalise timing.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2bSPPLZ7ZvcYzg3rk8pGT8CPu1n7TKu+V1xj1O7BZ8M";

/// A fresh random token: 32 bytes, hex. Shown once (cookie, setup link), stored only as [`token_key`].
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// A password nobody knows, standing in for an invited agent's password while the new account's
/// fields are checked (the account itself is stored with [`NO_PASSWORD`]).
pub fn unguessable_password() -> String {
    // The suffix meets any character-class rule; the token carries the entropy.
    format!("{}Aa1!", new_token())
}

/// A fresh API key: recognisable by its `dk_` prefix, shown once, stored as [`token_key`].
pub fn new_api_key() -> String {
    format!("dk_{}", new_token())
}

/// The database key of a token: its SHA-256, hex.
pub fn token_key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token from the request's cookies, if it looks like one of ours.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    token_cookie(headers, SESSION_COOKIE)
}

/// The token in the cookie `cookie`, if it looks like one of ours ([`new_token`]).
pub fn token_cookie(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            *name == cookie && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, value)| value.to_string())
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure when served over https.
pub fn session_cookie(token: &str, lifetime: Duration, secure: bool) -> String {
    token_set_cookie(SESSION_COOKIE, token, lifetime, secure)
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    token_set_cookie(SESSION_COOKIE, "", Duration::zero(), secure)
}

/// `Set-Cookie` for a token cookie (an empty token with no lifetime removes it).
pub fn token_set_cookie(cookie: &str, token: &str, lifetime: Duration, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{cookie}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        lifetime.num_seconds()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let password = NewPassword::parse("correct horse battery", "").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(Some(hash.clone()), "correct horse battery".into()).await);
        assert!(!verify_password(Some(hash), "wrong horse battery".into()).await);
        assert!(!verify_password(None, "anything at all".into()).await);
        assert!(!verify_password(Some(NO_PASSWORD.into()), NO_PASSWORD.into()).await);
        assert!(!verify_password(Some(NO_PASSWORD.into()), String::new()).await);
    }

    #[test]
    fn the_session_token_is_read_from_among_other_cookies() {
        let token = new_token();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {SESSION_COOKIE}={token}; x=1")).unwrap(),
        );
        assert_eq!(session_token(&headers), Some(token));
        headers.insert(
            COOKIE,
            HeaderValue::from_static("docket_session=not-a-token"),
        );
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_on_https() {
        let c = session_cookie("abc", Duration::hours(1), true);
        assert!(
            c.contains("HttpOnly")
                && c.contains("SameSite=Lax")
                && c.contains("Secure")
                && c.contains("Max-Age=3600")
        );
        assert!(!session_cookie("abc", Duration::hours(1), false).contains("Secure"));
    }
}
