//! `/api/v1/users/{id}`: one account.

use axum::Json;
use axum::extract::{Path, State};

use super::ApiCaller;
use super::model::Account;
use crate::domain::permission::USERS_READ;
use crate::server::problem::{ApiError, Problem};
use crate::server::state::AppState;
use crate::server::use_cases::directory;

/// One account by id.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "The account's id")),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks users:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Account>, ApiError> {
    let caller = caller.require(&[USERS_READ])?;
    let user = directory::find_account(&state, caller, &id).await?;
    Ok(Json(Account::from(user)))
}
