//! Finding accounts (agents and admins) and managing staff accounts (admins).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

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

/// A department a staff member belongs to and the role they hold there (keys).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipInput {
    pub department: String,
    pub role: String,
}

/// Replaces a staff member's department memberships.
#[server(prefix = "/rpc", endpoint = "set_memberships", input = Json)]
pub async fn set_memberships(
    id: String,
    memberships: Vec<MembershipInput>,
) -> Result<UserSummary, AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::set_memberships(&state, &caller, &id, &memberships).await
}

/// Puts a customer in an organization (empty: none).
#[server(prefix = "/rpc", endpoint = "set_organization")]
pub async fn set_organization(
    id: String,
    organization: String,
    #[server(default)] primary_contact: bool,
) -> Result<UserSummary, AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::set_organization(&state, &caller, &id, Some(&organization), primary_contact).await
}

/// Gives an account a new password (for the admin to hand over); its sessions end.
#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(id: String, password: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::directory};
    let (state, caller) = rpc::context().await?;
    directory::reset_password(&state, &caller, &id, &password).await
}
