//! The glue every server function uses: the state and caller of the request, and its cookies.
//! (Errors get their HTTP status in `http::rpc`.)

use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::domain::permission::SignedInUser;
use crate::error::AppError;
use crate::server::auth;
use crate::server::request::Caller;
use crate::server::state::AppState;
use crate::server::use_cases::accounts::SignedIn;

/// The application state and the caller of the current server function.
pub async fn context() -> Result<(AppState, Caller), AppError> {
    let (Some(state), Some(parts)) = (use_context::<AppState>(), use_context::<Parts>()) else {
        return Err(AppError::Internal {
            reference: "no-context".into(),
        });
    };
    let caller = Caller::from_parts(&state, &parts).await?;
    Ok((state, caller))
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), cookie.parse()) {
        response.append_header(SET_COOKIE, value);
    }
}

/// Hands the new session to the browser as its cookie and returns the signed-in user.
pub fn start_session(state: &AppState, signed_in: SignedIn) -> SignedInUser {
    set_cookie(&auth::session_cookie(
        &signed_in.token,
        signed_in.lifetime,
        state.settings.secure_cookies(),
    ));
    signed_in.user
}

/// Removes the session cookie from the browser.
pub fn end_session(state: &AppState) {
    set_cookie(&auth::clear_session_cookie(state.settings.secure_cookies()));
}

/// The token in one of the request's cookies.
pub fn cookie(name: &str) -> Option<String> {
    use_context::<Parts>().and_then(|parts| auth::token_cookie(&parts.headers, name))
}

/// Hands a sign-in waiting for its second factor to the browser, for five minutes.
pub fn start_challenge(state: &AppState, token: &str) {
    set_cookie(&auth::token_set_cookie(
        auth::CHALLENGE_COOKIE,
        token,
        chrono::Duration::minutes(5),
        state.settings.secure_cookies(),
    ));
}

/// Removes the second-factor challenge cookie.
pub fn end_challenge(state: &AppState) {
    set_cookie(&auth::token_set_cookie(
        auth::CHALLENGE_COOKIE,
        "",
        chrono::Duration::zero(),
        state.settings.secure_cookies(),
    ));
}
