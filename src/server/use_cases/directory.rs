//! The account directory: finding accounts, creating staff, activating and deactivating.

use serde_json::json;

use super::accounts::{create_account, validate_new_account};
use crate::domain::audit::AuditRecord;
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::user::{Role, UserSummary};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, StoreError};

/// The most accounts one directory page shows.
pub const PAGE_SIZE: usize = 100;

pub async fn find_accounts(
    state: &AppState,
    caller: &Caller,
    role: Option<Role>,
    search: &str,
) -> Result<Vec<UserSummary>, AppError> {
    authorize(&caller.actor, Action::ViewDirectory, &Resource::System)?;
    if search.chars().count() > 200 {
        return Err(AppError::invalid(
            "search",
            "Search for at most 200 characters.",
        ));
    }
    state
        .store
        .users(role, search, PAGE_SIZE)
        .await
        .map_err(internal)
}

/// Creates an agent or admin with an initial password the admin hands over.
pub async fn create_staff(
    state: &AppState,
    caller: &Caller,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<UserSummary, AppError> {
    authorize(&caller.actor, Action::CreateStaff, &Resource::System)?;
    if !role.is_staff() {
        return Err(AppError::invalid(
            "role",
            "Staff accounts are agents or administrators.",
        ));
    }
    let fields = validate_new_account(email, name, password)?;
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "user.created",
        caller.origin.clone(),
    );
    create_account(state, fields, role, record).await
}

pub async fn set_account_active(
    state: &AppState,
    caller: &Caller,
    id: &str,
    active: bool,
) -> Result<UserSummary, AppError> {
    authorize(
        &caller.actor,
        Action::ChangeAccountStatus,
        &Resource::Account(id),
    )?;
    let before = state
        .store
        .user(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let action = if active {
        "user.activated"
    } else {
        "user.deactivated"
    };
    let record = AuditRecord::new(now, caller.audit_actor(), action, caller.origin.clone())
        .object("user", id)
        .before(json!({ "active": before.active }))
        .after(json!({ "active": active }));
    state
        .store
        .set_user_active(id, active, now, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::UnknownUser) => AppError::NotFound,
            other => internal(other),
        })
}

/// Sets the departments a staff member works in (their queues and the tickets they reach).
pub async fn set_departments(
    state: &AppState,
    caller: &Caller,
    id: &str,
    departments: &[String],
) -> Result<UserSummary, AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    let before = state
        .store
        .user(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !before.role.is_staff() {
        return Err(AppError::invalid(
            "departments",
            "Only agents and administrators belong to departments.",
        ));
    }
    let known = state.store.departments().await.map_err(internal)?;
    let mut chosen: Vec<String> = Vec::new();
    for key in departments {
        if !known.iter().any(|d| &d.key == key) {
            return Err(AppError::invalid(
                "departments",
                format!("There is no department \"{key}\"."),
            ));
        }
        if !chosen.contains(key) {
            chosen.push(key.clone());
        }
    }
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.departments_changed",
        caller.origin.clone(),
    )
    .object("user", id)
    .before(json!({ "departments": before.departments }))
    .after(json!({ "departments": chosen }));
    state
        .store
        .set_departments(id, &chosen, now, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::UnknownUser) => AppError::NotFound,
            other => internal(other),
        })
}
