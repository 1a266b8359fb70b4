//! Authorisation as one pure function: (actor, action, resource) -> allowed or why not.
//!
//! Every use case calls [`authorize`] before it reads or changes anything. Per-department
//! permissions (roles inside a department) extend [`Resource::Department`] and the agent arm below;
//! callers do not change.

use serde::{Deserialize, Serialize};

use crate::domain::config::role::Permission;
use crate::domain::user::Role;

/// Who is asking. Built on the server from the session cookie, a guest link or an API key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Anonymous,
    User(SignedInUser),
    /// Whoever holds a guest access link to one ticket (by number); nothing else.
    Guest {
        ticket: String,
    },
    /// A REST API key: it acts as the staff account it names, within its scopes.
    Key(KeyActor),
}

/// An API key acting as a staff account: never more than that account may, and only what its
/// scopes cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyActor {
    pub key: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub user: SignedInUser,
}

/// The scopes of the REST API, and what each covers.
pub const TICKETS_READ: &str = "tickets:read";
pub const TICKETS_WRITE: &str = "tickets:write";
pub const USERS_READ: &str = "users:read";
pub const EVENTS_READ: &str = "events:read";

impl KeyActor {
    /// Whether the key's scopes cover `action`. Writing tickets includes reading them; reading
    /// tickets is also what the live event stream does, so `events:read` covers that too.
    /// Nothing administrative is ever covered.
    fn covers(&self, action: Action) -> bool {
        let has = |scope: &str| self.scopes.iter().any(|s| s == scope);
        match action {
            Action::ReadTicket => has(TICKETS_READ) || has(TICKETS_WRITE) || has(EVENTS_READ),
            Action::WorkQueue | Action::SearchEverywhere => has(TICKETS_READ) || has(TICKETS_WRITE),
            Action::WorkTicket | Action::Perform(_) => has(TICKETS_WRITE),
            Action::ViewDirectory => has(USERS_READ),
            Action::UsePortal
            | Action::FollowTicket
            | Action::CreateStaff
            | Action::ChangeAccountStatus
            | Action::ReadAudit
            | Action::Administer => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Keys of the departments an agent belongs to (admins see every department regardless).
    pub departments: Vec<String>,
    /// What the agent may do in each of those departments: the permissions of their role there.
    pub grants: Vec<Grant>,
    /// The organization whose tickets this customer sees besides their own (its sharing policy
    /// says so for them).
    pub sees_organization: Option<String>,
}

/// The permissions an agent holds in one department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub department: String,
    pub permissions: Vec<Permission>,
}

impl From<crate::domain::user::UserSummary> for SignedInUser {
    fn from(user: crate::domain::user::UserSummary) -> Self {
        SignedInUser {
            grants: user
                .memberships
                .iter()
                .map(|m| Grant {
                    department: m.department.clone(),
                    permissions: m.permissions.clone(),
                })
                .collect(),
            sees_organization: user
                .organization
                .filter(|o| o.sharing.shares_with(o.primary_contact))
                .map(|o| o.key),
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            departments: user.departments,
        }
    }
}

impl SignedInUser {
    /// Whether any of the departments' grants includes `permission`.
    fn granted_in<'d>(
        &self,
        permission: Permission,
        mut departments: impl Iterator<Item = &'d str>,
    ) -> bool {
        departments.any(|d| {
            self.grants
                .iter()
                .any(|g| g.department == d && g.permissions.contains(&permission))
        })
    }

    /// Whether any of the agent's roles grants a desk-wide permission.
    fn granted_anywhere(&self, permission: Permission) -> bool {
        self.grants
            .iter()
            .any(|g| g.permissions.contains(&permission))
    }
}

impl Actor {
    pub fn user(&self) -> Option<&SignedInUser> {
        match self {
            Actor::Anonymous | Actor::Guest { .. } => None,
            Actor::User(u) | Actor::Key(KeyActor { user: u, .. }) => Some(u),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }
}

/// Everything an actor can try to do. Named after the use case, not the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// See the customer portal's signed-in home.
    UsePortal,
    /// Enter the agent dashboard.
    WorkQueue,
    /// Look up customer and staff accounts.
    ViewDirectory,
    /// Create agent and admin accounts.
    CreateStaff,
    /// Activate or deactivate an account.
    ChangeAccountStatus,
    /// Read the audit trail.
    ReadAudit,
    /// Enter the admin settings.
    Administer,
    /// Read one ticket (and hear about its changes).
    ReadTicket,
    /// Read and answer a ticket from the customer's side (the portal): as its requester, as
    /// someone copied on it, or as a colleague its organization shares it with, whatever one's
    /// role. Staff read and work other tickets as staff, within their role's permissions.
    FollowTicket,
    /// Work one ticket as staff: read it as staff, add internal notes.
    WorkTicket,
    /// Search tickets of every department, not only one's own (`search.all`); what is found
    /// may be read.
    SearchEverywhere,
    /// Do one permission-guarded thing to a ticket (reply, assign, transfer, ...): the agent must
    /// reach the ticket and hold the permission in its department (or a department it is
    /// referred to).
    Perform(Permission),
}

/// What the action is aimed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource<'a> {
    /// The help desk as a whole.
    System,
    /// One account.
    Account(&'a str),
    /// Everything inside one department (tickets, queues); refined by per-department roles later.
    Department(&'a str),
    /// One ticket, by who may reach it.
    Ticket(TicketAccess<'a>),
}

/// What decides who may reach a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketAccess<'a> {
    pub number: &'a str,
    pub department: &'a str,
    /// Departments given access without owning the ticket.
    pub referred: &'a [String],
    pub requester: &'a str,
    pub collaborators: &'a [String],
    /// The requester's organization, whose sharing policy may show the ticket to colleagues.
    pub organization: Option<&'a str>,
}

impl TicketAccess<'_> {
    fn reachable_by_agent(&self, user: &SignedInUser) -> bool {
        user.departments
            .iter()
            .any(|d| d == self.department || self.referred.contains(d))
    }

    fn followed_by(&self, user: &SignedInUser) -> bool {
        self.requester == user.id || self.collaborators.contains(&user.id)
    }

    fn shared_with(&self, user: &SignedInUser) -> bool {
        self.organization.is_some() && self.organization == user.sees_organization.as_deref()
    }

    /// The departments through which an agent may reach the ticket.
    fn departments(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.department).chain(self.referred.iter().map(String::as_str))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
}

pub fn authorize(actor: &Actor, action: Action, resource: &Resource<'_>) -> Result<(), Denied> {
    let user = match (actor, action, resource) {
        // A guest link reaches its own ticket and nothing else.
        (Actor::Guest { ticket }, Action::ReadTicket, Resource::Ticket(t))
            if *ticket == t.number =>
        {
            return Ok(());
        }
        (Actor::Anonymous | Actor::Guest { .. }, _, _) => return Err(Denied::Unauthenticated),
        (Actor::Key(key), _, _) if !key.covers(action) => return Err(Denied::Forbidden),
        (Actor::User(user) | Actor::Key(KeyActor { user, .. }), _, _) => user,
    };
    let allowed = match (user.role, action, resource) {
        (_, Action::FollowTicket, Resource::Ticket(t)) => {
            t.followed_by(user) || t.shared_with(user)
        }
        (Role::Admin, _, _) => admin_may(user, action, resource),
        (Role::Agent, Action::ReadTicket, Resource::Ticket(t)) => {
            t.reachable_by_agent(user)
                || t.followed_by(user)
                || user.granted_anywhere(Permission::SearchAll)
        }
        (Role::Agent, Action::WorkTicket, Resource::Ticket(t)) => t.reachable_by_agent(user),
        (Role::Agent, Action::SearchEverywhere, Resource::System) => {
            user.granted_anywhere(Permission::SearchAll)
        }
        (Role::Agent, Action::Perform(p), Resource::Ticket(t)) => {
            t.reachable_by_agent(user) && user.granted_in(p, t.departments())
        }
        // Something done in a department without a ticket yet (opening one there).
        (Role::Agent, Action::Perform(p), Resource::Department(d)) => {
            user.granted_in(p, std::iter::once(*d))
        }
        (Role::Agent, Action::ReadAudit, Resource::System) => {
            user.granted_anywhere(Permission::AuditView)
        }
        (Role::Agent, Action::WorkQueue, Resource::Department(d)) => {
            user.departments.iter().any(|m| m == d)
        }
        (
            Role::Agent,
            Action::UsePortal | Action::WorkQueue | Action::ViewDirectory,
            Resource::System,
        ) => true,
        (Role::Agent, _, _) => false,
        (Role::Customer, Action::UsePortal, Resource::System) => true,
        (Role::Customer, Action::ReadTicket, Resource::Ticket(t)) => {
            t.followed_by(user) || t.shared_with(user)
        }
        (Role::Customer, _, _) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// Admins may do everything except lock themselves out.
fn admin_may(user: &SignedInUser, action: Action, resource: &Resource<'_>) -> bool {
    !matches!((action, resource), (Action::ChangeAccountStatus, Resource::Account(id)) if *id == user.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor::User(SignedInUser {
            id: format!("{}-1", role.as_str()),
            email: format!("{}@example.com", role.as_str()),
            name: role.label().to_string(),
            role,
            departments: vec!["support".into()],
            grants: vec![Grant {
                department: "support".into(),
                permissions: vec![Permission::TicketReply, Permission::TicketEdit],
            }],
            sees_organization: None,
        })
    }

    fn ticket<'a>(department: &'a str, referred: &'a [String]) -> Resource<'a> {
        Resource::Ticket(TicketAccess {
            number: "482913",
            department,
            referred,
            requester: "customer-1",
            collaborators: &[],
            organization: Some("acme"),
        })
    }

    fn limited_agent(permissions: &[Permission]) -> Actor {
        Actor::User(SignedInUser {
            grants: vec![
                Grant {
                    department: "support".into(),
                    permissions: permissions.to_vec(),
                },
                Grant {
                    department: "security".into(),
                    permissions: Permission::ALL.to_vec(),
                },
            ],
            departments: vec!["support".into(), "security".into()],
            ..actor(Role::Agent).user().unwrap().clone()
        })
    }

    const EVERY_ACTION: [Action; 7] = [
        Action::UsePortal,
        Action::WorkQueue,
        Action::ViewDirectory,
        Action::CreateStaff,
        Action::ChangeAccountStatus,
        Action::ReadAudit,
        Action::Administer,
    ];

    #[test]
    fn anonymous_visitors_must_sign_in_for_everything() {
        for action in EVERY_ACTION {
            assert_eq!(
                authorize(&Actor::Anonymous, action, &Resource::System),
                Err(Denied::Unauthenticated)
            );
        }
    }

    #[test]
    fn customers_may_use_the_portal_and_nothing_else() {
        let customer = actor(Role::Customer);
        for action in EVERY_ACTION {
            let expected = if action == Action::UsePortal {
                Ok(())
            } else {
                Err(Denied::Forbidden)
            };
            assert_eq!(
                authorize(&customer, action, &Resource::System),
                expected,
                "{action:?}"
            );
        }
    }

    #[test]
    fn agents_work_the_queue_but_do_not_administer() {
        let agent = actor(Role::Agent);
        assert!(authorize(&agent, Action::WorkQueue, &Resource::Department("support")).is_ok());
        assert_eq!(
            authorize(&agent, Action::WorkQueue, &Resource::Department("security")),
            Err(Denied::Forbidden)
        );
        assert!(authorize(&agent, Action::ViewDirectory, &Resource::System).is_ok());
        for action in [
            Action::CreateStaff,
            Action::ChangeAccountStatus,
            Action::ReadAudit,
            Action::Administer,
        ] {
            assert_eq!(
                authorize(&agent, action, &Resource::System),
                Err(Denied::Forbidden),
                "{action:?}"
            );
        }
    }

    #[test]
    fn admins_may_do_everything() {
        let admin = actor(Role::Admin);
        for action in EVERY_ACTION {
            assert!(
                authorize(&admin, action, &Resource::System).is_ok(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn a_guest_link_holder_is_not_signed_in_for_anything_else() {
        let guest = Actor::Guest {
            ticket: "482913".into(),
        };
        for action in EVERY_ACTION {
            assert_eq!(
                authorize(&guest, action, &Resource::System),
                Err(Denied::Unauthenticated)
            );
        }
    }

    #[test]
    fn an_admin_cannot_deactivate_their_own_account() {
        let admin = actor(Role::Admin);
        let own = Resource::Account("admin-1");
        assert_eq!(
            authorize(&admin, Action::ChangeAccountStatus, &own),
            Err(Denied::Forbidden)
        );
        assert!(
            authorize(
                &admin,
                Action::ChangeAccountStatus,
                &Resource::Account("agent-1")
            )
            .is_ok()
        );
    }

    #[test]
    fn agents_reach_tickets_of_their_departments_and_those_referred_to_them() {
        let agent = actor(Role::Agent);
        let referred = vec!["support".to_string()];
        for action in [Action::ReadTicket, Action::WorkTicket] {
            assert!(authorize(&agent, action, &ticket("support", &[])).is_ok());
            assert!(authorize(&agent, action, &ticket("security", &referred)).is_ok());
            assert_eq!(
                authorize(&agent, action, &ticket("security", &[])),
                Err(Denied::Forbidden)
            );
        }
    }

    #[test]
    fn admins_reach_every_ticket() {
        let admin = actor(Role::Admin);
        assert!(authorize(&admin, Action::WorkTicket, &ticket("security", &[])).is_ok());
    }

    #[test]
    fn customers_read_tickets_they_follow_and_never_work_them() {
        let customer = actor(Role::Customer);
        assert!(authorize(&customer, Action::ReadTicket, &ticket("support", &[])).is_ok());
        assert_eq!(
            authorize(&customer, Action::WorkTicket, &ticket("support", &[])),
            Err(Denied::Forbidden)
        );
        let other = Actor::User(SignedInUser {
            id: "customer-2".into(),
            ..customer.user().unwrap().clone()
        });
        assert_eq!(
            authorize(&other, Action::ReadTicket, &ticket("support", &[])),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn the_portal_shows_anyone_only_the_tickets_they_follow_or_their_organization_shares() {
        let follow = Action::FollowTicket;
        let own = ticket("support", &[]);
        assert!(authorize(&actor(Role::Customer), follow, &own).is_ok());
        for role in [Role::Agent, Role::Admin] {
            assert_eq!(
                authorize(&actor(role), follow, &own),
                Err(Denied::Forbidden),
                "{role:?} works it as staff, not as its customer"
            );
        }
        let Actor::User(agent) = actor(Role::Agent) else {
            unreachable!()
        };
        let requester = Actor::User(SignedInUser {
            id: "customer-1".into(),
            ..agent.clone()
        });
        assert!(
            authorize(&requester, follow, &own).is_ok(),
            "staff's own ticket"
        );
        let colleague = Actor::User(SignedInUser {
            sees_organization: Some("acme".into()),
            ..agent
        });
        assert!(authorize(&colleague, follow, &own).is_ok());
        let admin_key = key(Role::Admin, &[TICKETS_READ, TICKETS_WRITE]);
        assert_eq!(authorize(&admin_key, follow, &own), Err(Denied::Forbidden));
    }

    #[test]
    fn a_guest_link_reaches_only_its_own_ticket() {
        let own = Actor::Guest {
            ticket: "482913".into(),
        };
        let other = Actor::Guest {
            ticket: "111111".into(),
        };
        assert!(authorize(&own, Action::ReadTicket, &ticket("support", &[])).is_ok());
        assert!(authorize(&own, Action::WorkTicket, &ticket("support", &[])).is_err());
        assert!(authorize(&other, Action::ReadTicket, &ticket("support", &[])).is_err());
    }

    #[test]
    fn an_agents_permissions_come_from_their_role_in_the_tickets_department() {
        let agent = limited_agent(&[Permission::TicketReply]);
        let transfer = Action::Perform(Permission::TicketTransfer);
        let reply = Action::Perform(Permission::TicketReply);
        assert!(authorize(&agent, reply, &ticket("support", &[])).is_ok());
        assert_eq!(
            authorize(&agent, transfer, &ticket("support", &[])),
            Err(Denied::Forbidden),
            "no transfer in support"
        );
        assert!(
            authorize(&agent, transfer, &ticket("security", &[])).is_ok(),
            "the role in security allows it"
        );
        assert!(
            authorize(&agent, Action::WorkTicket, &ticket("support", &[])).is_ok(),
            "still works the ticket (notes)"
        );
    }

    #[test]
    fn a_referral_lends_the_permissions_of_the_agents_role_in_the_referred_department() {
        let agent = limited_agent(&[]);
        let referred = vec!["security".to_string()];
        let assign = Action::Perform(Permission::TicketAssign);
        assert!(authorize(&agent, assign, &ticket("elsewhere", &referred)).is_ok());
        assert_eq!(
            authorize(&agent, assign, &ticket("elsewhere", &[])),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn the_audit_trail_is_open_to_agents_whose_role_grants_audit_view() {
        assert_eq!(
            authorize(&limited_agent(&[]), Action::ReadAudit, &Resource::System),
            Ok(()),
            "security grants everything"
        );
        let plain = actor(Role::Agent);
        let Actor::User(mut user) = plain else {
            unreachable!()
        };
        user.grants[0].permissions = vec![Permission::TicketReply];
        assert_eq!(
            authorize(&Actor::User(user), Action::ReadAudit, &Resource::System),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn an_organizations_sharing_shows_its_tickets_to_the_colleagues_it_names() {
        let Actor::User(colleague) = actor(Role::Customer) else {
            unreachable!()
        };
        let colleague = SignedInUser {
            id: "customer-2".into(),
            ..colleague
        };
        let sharing = Actor::User(SignedInUser {
            sees_organization: Some("acme".into()),
            ..colleague.clone()
        });
        let other_org = Actor::User(SignedInUser {
            sees_organization: Some("globex".into()),
            ..colleague.clone()
        });
        assert!(authorize(&sharing, Action::ReadTicket, &ticket("support", &[])).is_ok());
        assert_eq!(
            authorize(
                &Actor::User(colleague),
                Action::ReadTicket,
                &ticket("support", &[])
            ),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&other_org, Action::ReadTicket, &ticket("support", &[])),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn search_all_lets_an_agent_find_and_read_any_ticket_but_work_only_their_own() {
        let agent = limited_agent(&[]);
        let elsewhere = ticket("elsewhere", &[]);
        assert!(authorize(&agent, Action::SearchEverywhere, &Resource::System).is_ok());
        assert!(authorize(&agent, Action::ReadTicket, &elsewhere).is_ok());
        assert_eq!(
            authorize(&agent, Action::WorkTicket, &elsewhere),
            Err(Denied::Forbidden)
        );
        let plain = actor(Role::Agent);
        assert_eq!(
            authorize(&plain, Action::SearchEverywhere, &Resource::System),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&plain, Action::ReadTicket, &elsewhere),
            Err(Denied::Forbidden)
        );
    }

    fn key(role: Role, scopes: &[&str]) -> Actor {
        Actor::Key(KeyActor {
            key: "k1".into(),
            name: "SOAR".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            user: actor(role).user().unwrap().clone(),
        })
    }

    #[test]
    fn an_api_key_does_what_its_scopes_cover_and_its_account_may() {
        let own = ticket("support", &[]);
        let elsewhere = ticket("security", &[]);
        let read = key(Role::Agent, &[TICKETS_READ]);
        assert!(authorize(&read, Action::ReadTicket, &own).is_ok());
        assert!(authorize(&read, Action::WorkQueue, &Resource::System).is_ok());
        assert_eq!(
            authorize(&read, Action::ReadTicket, &elsewhere),
            Err(Denied::Forbidden),
            "no further than the account reaches"
        );
        assert_eq!(
            authorize(&read, Action::WorkTicket, &own),
            Err(Denied::Forbidden),
            "reading is not writing"
        );
        let write = key(Role::Agent, &[TICKETS_WRITE]);
        assert!(authorize(&write, Action::Perform(Permission::TicketReply), &own).is_ok());
        assert_eq!(
            authorize(&write, Action::Perform(Permission::TicketClose), &own),
            Err(Denied::Forbidden),
            "the account's role lacks ticket.close"
        );
        let events = key(Role::Agent, &[EVENTS_READ]);
        assert!(authorize(&events, Action::ReadTicket, &own).is_ok());
        assert_eq!(
            authorize(&events, Action::WorkQueue, &Resource::System),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&read, Action::ViewDirectory, &Resource::System),
            Err(Denied::Forbidden)
        );
        assert!(
            authorize(
                &key(Role::Agent, &[USERS_READ]),
                Action::ViewDirectory,
                &Resource::System
            )
            .is_ok()
        );
    }

    #[test]
    fn an_admin_key_never_administers() {
        let every = key(
            Role::Admin,
            &[TICKETS_READ, TICKETS_WRITE, USERS_READ, EVENTS_READ],
        );
        for action in [
            Action::Administer,
            Action::CreateStaff,
            Action::ChangeAccountStatus,
            Action::ReadAudit,
            Action::UsePortal,
        ] {
            assert_eq!(
                authorize(&every, action, &Resource::System),
                Err(Denied::Forbidden),
                "{action:?}"
            );
        }
        assert!(authorize(&every, Action::WorkTicket, &ticket("security", &[])).is_ok());
    }

    #[test]
    fn opening_a_ticket_in_a_department_needs_ticket_create_there() {
        let agent = limited_agent(&[Permission::TicketReply]);
        let create = Action::Perform(Permission::TicketCreate);
        assert_eq!(
            authorize(&agent, create, &Resource::Department("support")),
            Err(Denied::Forbidden)
        );
        assert!(authorize(&agent, create, &Resource::Department("security")).is_ok());
        assert_eq!(
            authorize(&agent, create, &Resource::Department("elsewhere")),
            Err(Denied::Forbidden)
        );
    }
}
