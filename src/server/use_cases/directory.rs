//! The account directory: finding accounts, creating staff, activating and deactivating.

use serde_json::json;

use super::accounts::{create_account, validate_new_account};
use crate::domain::audit::AuditRecord;
use crate::domain::catalog::knows;
use crate::domain::password::NewPassword;
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::user::{Role, UserSummary};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, StoreError};
use crate::server_fns::directory::MembershipInput;

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

/// One account, for whoever may look up accounts.
pub async fn find_account(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<UserSummary, AppError> {
    authorize(&caller.actor, Action::ViewDirectory, &Resource::System)?;
    account(state, id.trim()).await
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
    // Without a password, the new agent is emailed an invitation to choose one.
    let invite = password.is_empty();
    let password = if invite {
        crate::server::auth::unguessable_password()
    } else {
        password.to_string()
    };
    let fields = validate_new_account(email, name, &password)?;
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "user.created",
        caller.origin.clone(),
    );
    let (email, name, password) = fields;
    let password = (!invite).then_some(password);
    let user = create_account(state, (email, name, password), role, record).await?;
    if invite {
        super::password_links::invite(state, caller, &user).await?;
    }
    Ok(user)
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
    let before = account(state, id).await?;
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
        .map_err(unknown_user)
}

/// Sets the departments a staff member works in, with their role in each (their queues, the
/// tickets they reach and what they may do with them).
pub async fn set_memberships(
    state: &AppState,
    caller: &Caller,
    id: &str,
    memberships: &[MembershipInput],
) -> Result<UserSummary, AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    let before = account(state, id).await?;
    if !before.role.is_staff() {
        return Err(AppError::invalid(
            "memberships",
            "Only agents and administrators belong to departments.",
        ));
    }
    let catalog = state.store.catalog().await.map_err(internal)?;
    let mut chosen: Vec<(String, String)> = Vec::new();
    for (i, m) in memberships.iter().enumerate() {
        if !knows(&catalog.departments, &m.department) {
            return Err(AppError::invalid(
                format!("memberships.{i}.department"),
                format!("There is no active department \"{}\".", m.department),
            ));
        }
        if !knows(&catalog.roles, &m.role) {
            return Err(AppError::invalid(
                format!("memberships.{i}.role"),
                "Choose an active role.",
            ));
        }
        if chosen.iter().any(|(d, _)| d == &m.department) {
            return Err(AppError::invalid(
                format!("memberships.{i}.department"),
                "Each department once: one role per department.",
            ));
        }
        chosen.push((m.department.clone(), m.role.clone()));
    }
    let now = state.clock.now();
    let shape = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .map(|(department, role)| json!({ "department": department, "role": role }))
            .collect::<Vec<_>>()
    };
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.memberships_changed",
        caller.origin.clone(),
    )
    .object("user", id)
    .before(json!({ "memberships": shape(before.memberships.iter().map(|m| (m.department.clone(), m.role.clone())).collect()) }))
    .after(json!({ "memberships": shape(chosen.clone()) }));
    state
        .store
        .set_memberships(id, &chosen, now, &record)
        .await
        .map_err(unknown_user)
}

/// Puts a customer in an organization (or takes them out), as a primary contact or not.
pub async fn set_organization(
    state: &AppState,
    caller: &Caller,
    id: &str,
    organization: Option<&str>,
    primary_contact: bool,
) -> Result<UserSummary, AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    let before = account(state, id).await?;
    if before.role != Role::Customer {
        return Err(AppError::invalid(
            "organization",
            "Only customers belong to organizations.",
        ));
    }
    let organization = organization.filter(|o| !o.is_empty());
    if let Some(key) = organization {
        let catalog = state.store.catalog().await.map_err(internal)?;
        if !knows(&catalog.organizations, key) {
            return Err(AppError::invalid(
                "organization",
                "Choose an active organization.",
            ));
        }
    }
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.organization_changed",
        caller.origin.clone(),
    )
    .object("user", id)
    .before(json!({
        "organization": before.organization.as_ref().map(|o| &o.key),
        "primary_contact": before.organization.as_ref().is_some_and(|o| o.primary_contact),
    }))
    .after(json!({ "organization": organization, "primary_contact": primary_contact && organization.is_some() }));
    state
        .store
        .set_organization(
            id,
            organization,
            primary_contact && organization.is_some(),
            now,
            &record,
        )
        .await
        .map_err(unknown_user)
}

/// Sets a new password for an account (the admin hands it over); its sessions end.
pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    id: &str,
    password: &str,
) -> Result<(), AppError> {
    authorize(
        &caller.actor,
        Action::ChangeAccountStatus,
        &Resource::Account(id),
    )?;
    let user = account(state, id).await?;
    let password = NewPassword::parse(password, &user.email)
        .map_err(|e| AppError::invalid("password", e.to_string()))?;
    let hash = crate::server::auth::hash_password(&password)
        .await
        .map_err(|e| internal(StoreError::Corrupt(format!("hashing: {e}"))))?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "user.password_reset",
        caller.origin.clone(),
    )
    .object("user", id);
    state
        .store
        .set_password(id, &hash, now, &record)
        .await
        .map_err(unknown_user)
}

/// The account with this id, or "not found".
async fn account(state: &AppState, id: &str) -> Result<UserSummary, AppError> {
    state
        .store
        .user(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

fn unknown_user(e: StoreError) -> AppError {
    match e {
        StoreError::Refused(Refusal::UnknownUser) => AppError::NotFound,
        other => internal(other),
    }
}
