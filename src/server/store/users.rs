//! Accounts in the database: creating, finding and (de)activating users.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::config::organization::Sharing;
use crate::domain::config::role::Permission;
use crate::domain::user::{Email, Membership, OrganizationMembership, Role, UserSummary};

/// A user about to be created; the password is already hashed.
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub at: DateTime<Utc>,
}

/// What sign-in needs to check a password.
pub struct Credentials {
    pub user: UserSummary,
    pub password_hash: String,
}

/// A new record key: 20 random lower-case letters and digits, like the ones SurrealDB makes.
pub(super) fn new_key() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..20)
        .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
        .collect()
}

#[derive(SurrealValue)]
pub(super) struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub two_factor: bool,
    pub departments: Vec<String>,
    pub memberships: Vec<MembershipRow>,
    pub organization: Option<OrganizationRow>,
}

#[derive(SurrealValue)]
pub(super) struct MembershipRow {
    department: String,
    role: String,
    permissions: Vec<String>,
}

#[derive(SurrealValue)]
pub(super) struct OrganizationRow {
    key: String,
    name: String,
    sharing: String,
    primary_contact: bool,
}

impl UserRow {
    pub(super) fn into_summary(self) -> Result<UserSummary, StoreError> {
        Ok(UserSummary {
            role: Role::parse(&self.role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {}", self.role)))?,
            id: self.id,
            email: self.email,
            name: self.name,
            active: self.active,
            two_factor: self.two_factor,
            departments: self.departments,
            memberships: self
                .memberships
                .into_iter()
                .map(|m| Membership {
                    department: m.department,
                    role: m.role,
                    // A permission this version does not know is ignored, never widened.
                    permissions: m
                        .permissions
                        .iter()
                        .filter_map(|p| Permission::parse(p))
                        .collect(),
                })
                .collect(),
            organization: self
                .organization
                .map(|o| {
                    Ok::<_, StoreError>(OrganizationMembership {
                        sharing: serde_json::from_value::<Sharing>(serde_json::Value::String(
                            o.sharing.clone(),
                        ))
                        .map_err(|_| StoreError::Corrupt(format!("sharing {}", o.sharing)))?,
                        key: o.key,
                        name: o.name,
                        primary_contact: o.primary_contact,
                    })
                })
                .transpose()?,
        })
    }
}

#[derive(SurrealValue)]
struct CredentialRow {
    user: UserRow,
    password_hash: String,
}

/// A user as [`UserRow`] reads it: memberships with their role's permissions (none while the
/// role is inactive), and the organization with its sharing policy.
pub(super) const USER_FIELDS: &str = "record::id(id) AS id, email, name, role, active, two_factor ?? false AS two_factor,
    (departments ?? []).map(|$d| record::id($d)) AS departments,
    (memberships ?? []).map(|$m| {
        department: record::id($m.department), role: record::id($m.role),
        permissions: IF $m.role.active { $m.role.permissions } ELSE { [] } }) AS memberships,
    (IF organization { { key: record::id(organization), name: organization.name, sharing: organization.sharing,
        primary_contact: primary_contact ?? false } } ELSE { NONE }) AS organization";

/// Creates the user unless the email is taken; bound by [`NewUser::binds`]. A customer whose
/// email domain an active organization claims joins it.
pub(super) fn create_user_sql() -> String {
    format!("
IF array::len(SELECT VALUE id FROM user WHERE email = $email LIMIT 1) > 0 {{ THROW 'docket:email_taken' }};
CREATE type::record('user', $id) CONTENT {{ email: $email, name: $name, role: $role, active: true, password_hash: $hash,
    created_at: $at, updated_at: $at, memberships: [], primary_contact: false,
    organization: IF $role = 'customer' {{ (SELECT VALUE id FROM organization WHERE active AND domains CONTAINS string::split($email, '@')[1] LIMIT 1)[0] }} ELSE {{ NONE }} }}
    RETURN {USER_FIELDS};
")
}

impl NewUser {
    /// The bindings of [`CREATE_USER`] for a user with record key `id`.
    pub(super) fn binds(&self, id: &str) -> Binds {
        Binds::default()
            .with("id", id.to_string())
            .with("email", self.email.as_str().to_string())
            .with("name", self.name.clone())
            .with("role", self.role.as_str())
            .with("hash", self.password_hash.clone())
            .with("at", self.at)
    }
}

impl Store {
    pub async fn create_user(
        &self,
        user: &NewUser,
        record: &AuditRecord,
    ) -> Result<UserSummary, StoreError> {
        let id = new_key();
        let record = record.clone().object("user", &id);
        let row: Option<UserRow> = self
            .audited(&create_user_sql(), user.binds(&id), &record, 1)
            .await?;
        row.ok_or_else(|| StoreError::Corrupt("created user not returned".into()))?
            .into_summary()
    }

    pub async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        let row: Option<CredentialRow> = self
            .db
            .query(format!(
                "SELECT (SELECT {USER_FIELDS} FROM ONLY $parent.id) AS user, password_hash FROM user WHERE email = $email LIMIT 1"
            ))
            .bind(("email", email.as_str().to_string()))
            .await?
            .take(0)?;
        row.map(|r| {
            Ok(Credentials {
                password_hash: r.password_hash,
                user: r.user.into_summary()?,
            })
        })
        .transpose()
    }

    pub async fn user(&self, id: &str) -> Result<Option<UserSummary>, StoreError> {
        let row: Option<UserRow> = self
            .db
            .query(format!(
                "SELECT {USER_FIELDS} FROM ONLY type::record('user', $id)"
            ))
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        row.map(UserRow::into_summary).transpose()
    }

    /// The accounts with these (normalised) email addresses; unknown ones are simply absent.
    pub async fn users_by_email(&self, emails: &[String]) -> Result<Vec<UserSummary>, StoreError> {
        let rows: Vec<UserRow> = self
            .db
            .query(format!(
                "SELECT {USER_FIELDS} FROM user WHERE email IN $emails"
            ))
            .bind(("emails", emails.to_vec()))
            .await?
            .take(0)?;
        rows.into_iter().map(UserRow::into_summary).collect()
    }

    pub async fn admin_exists(&self) -> Result<bool, StoreError> {
        let ids: Vec<String> = self
            .db
            .query("SELECT VALUE record::id(id) FROM user WHERE role = 'admin' AND active = true LIMIT 1")
            .await?
            .take(0)?;
        Ok(!ids.is_empty())
    }

    /// Accounts matching `search` (in email or name) and `role`, ordered by email.
    pub async fn users(
        &self,
        role: Option<Role>,
        search: &str,
        limit: usize,
    ) -> Result<Vec<UserSummary>, StoreError> {
        let rows: Vec<UserRow> = self
            .db
            .query(format!(
                "SELECT {USER_FIELDS} FROM user
                 WHERE ($role = NONE OR role = $role)
                   AND ($search = '' OR string::contains(email, $search) OR string::contains(string::lowercase(name), $search))
                 ORDER BY email LIMIT $limit"
            ))
            .bind(("role", role.map(Role::as_str)))
            .bind(("search", search.trim().to_lowercase()))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        rows.into_iter().map(UserRow::into_summary).collect()
    }

    /// Activates or deactivates an account; deactivation also ends its sessions.
    pub async fn set_user_active(
        &self,
        id: &str,
        active: bool,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<UserSummary, StoreError> {
        let sql = format!(
            "IF type::record('user', $id).id = NONE {{ THROW 'docket:unknown_user' }};
             UPDATE ONLY type::record('user', $id) SET active = $active, updated_at = $at RETURN {USER_FIELDS};
             IF !$active {{ DELETE session WHERE user = type::record('user', $id) }};"
        );
        let binds = Binds::default()
            .with("id", id.to_string())
            .with("active", active)
            .with("at", at);
        let row: Option<UserRow> = self.audited(&sql, binds, record, 1).await?;
        row.ok_or(StoreError::Refused(super::Refusal::UnknownUser))?
            .into_summary()
    }
}

impl Store {
    /// Replaces a staff member's department memberships: (department key, role key) pairs.
    pub async fn set_memberships(
        &self,
        id: &str,
        memberships: &[(String, String)],
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<UserSummary, StoreError> {
        let sql = format!(
            "IF type::record('user', $id).id = NONE {{ THROW 'docket:unknown_user' }};
             UPDATE ONLY type::record('user', $id) SET
                memberships = $memberships.map(|$m| {{ department: type::record('department', $m[0]), role: type::record('role', $m[1]) }}),
                departments = $memberships.map(|$m| type::record('department', $m[0])),
                updated_at = $at RETURN {USER_FIELDS};"
        );
        let binds = Binds::default()
            .with("id", id.to_string())
            .with(
                "memberships",
                memberships
                    .iter()
                    .map(|(d, r)| vec![d.clone(), r.clone()])
                    .collect::<Vec<_>>(),
            )
            .with("at", at);
        let row: Option<UserRow> = self.audited(&sql, binds, record, 1).await?;
        row.ok_or(StoreError::Refused(super::Refusal::UnknownUser))?
            .into_summary()
    }

    /// Puts a customer in an organization (or none); their tickets follow them, so the
    /// organization's sharing applies to the tickets they already have.
    pub async fn set_organization(
        &self,
        id: &str,
        organization: Option<&str>,
        primary_contact: bool,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<UserSummary, StoreError> {
        let sql = format!(
            "IF type::record('user', $id).id = NONE {{ THROW 'docket:unknown_user' }};
             LET $org = IF $organization {{ type::record('organization', $organization) }} ELSE {{ NONE }};
             UPDATE ONLY type::record('user', $id) SET organization = $org, primary_contact = $primary,
                updated_at = $at RETURN {USER_FIELDS};
             UPDATE ticket SET organization = $org WHERE requester = type::record('user', $id);"
        );
        let binds = Binds::default()
            .with("id", id.to_string())
            .with("organization", organization.map(str::to_string))
            .with("primary", primary_contact)
            .with("at", at);
        let row: Option<UserRow> = self.audited(&sql, binds, record, 2).await?;
        row.ok_or(StoreError::Refused(super::Refusal::UnknownUser))?
            .into_summary()
    }

    /// Replaces an account's password hash and ends its sessions.
    pub async fn set_password(
        &self,
        id: &str,
        password_hash: &str,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = "IF type::record('user', $id).id = NONE { THROW 'docket:unknown_user' };
             UPDATE ONLY type::record('user', $id) SET password_hash = $hash, updated_at = $at RETURN NONE;
             DELETE session WHERE user = type::record('user', $id);";
        let binds = Binds::default()
            .with("id", id.to_string())
            .with("hash", password_hash.to_string())
            .with("at", at);
        self.audited_write(sql, binds, record).await
    }

    /// Active staff (agents and admins) by name, for assignment.
    pub async fn staff(&self) -> Result<Vec<UserSummary>, StoreError> {
        let rows: Vec<UserRow> = self
            .db
            .query(format!(
                "SELECT {USER_FIELDS} FROM user WHERE role IN ['agent', 'admin'] AND active = true ORDER BY name"
            ))
            .await?
            .take(0)?;
        rows.into_iter().map(UserRow::into_summary).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditActor, Origin};

    use crate::server::store::test_store as store;

    fn new_user(email: &str, role: Role) -> NewUser {
        NewUser {
            email: Email::parse(email).unwrap(),
            name: "Someone".into(),
            role,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA".into(),
            at: chrono::Utc::now(),
        }
    }

    fn record() -> AuditRecord {
        AuditRecord::new(
            chrono::Utc::now(),
            AuditActor::system(),
            "user.created",
            Origin::default(),
        )
    }

    #[tokio::test]
    async fn admin_exists_once_an_active_admin_is_created() {
        let store = store().await;
        assert!(!store.admin_exists().await.unwrap());
        store
            .create_user(&new_user("c@example.com", Role::Customer), &record())
            .await
            .unwrap();
        assert!(!store.admin_exists().await.unwrap());
        let admin = store
            .create_user(&new_user("a@example.com", Role::Admin), &record())
            .await
            .unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert!(store.admin_exists().await.unwrap());
    }

    #[tokio::test]
    async fn a_taken_email_is_refused_by_name() {
        let store = store().await;
        store
            .create_user(&new_user("c@example.com", Role::Customer), &record())
            .await
            .unwrap();
        let err = store
            .create_user(&new_user("c@example.com", Role::Agent), &record())
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Refused(super::super::Refusal::EmailTaken)),
            "{err:?}"
        );
    }
}
