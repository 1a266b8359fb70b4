//! Finding accounts (agents and admins) and managing staff accounts (admins).

use leptos::prelude::*;

use crate::domain::user::{Role, UserSummary};
use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "find_accounts")]
pub async fn find_accounts(
    role: Option<Role>,
    search: String,
) -> Result<Vec<UserSummary>, AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::find_accounts(&state, &caller, role, &search).await
}

#[server(prefix = "/rpc", endpoint = "create_staff")]
pub async fn create_staff(
    email: String,
    name: String,
    role: Role,
    password: String,
) -> Result<UserSummary, AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::create_staff(&state, &caller, &email, &name, role, &password).await
}

#[server(prefix = "/rpc", endpoint = "set_account_active")]
pub async fn set_account_active(id: String, active: bool) -> Result<UserSummary, AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::set_account_active(&state, &caller, &id, active).await
}

/// Sets the departments (by key) a staff member belongs to.
#[server(prefix = "/rpc", endpoint = "set_departments")]
pub async fn set_departments(
    id: String,
    #[server(default)] departments: Vec<String>,
) -> Result<UserSummary, AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::set_departments(&state, &caller, &id, &departments).await
}
