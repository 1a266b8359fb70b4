//! Authorisation as one pure function: (actor, action, resource) -> allowed or why not.
//!
//! Every use case calls [`authorize`] before it reads or changes anything. Per-department
//! permissions (roles inside a department) extend [`Resource::Department`] and the agent arm below;
//! callers do not change.

use serde::{Deserialize, Serialize};

use crate::domain::user::Role;

/// Who is asking. Built on the server from the session cookie (or, later, an API key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Anonymous,
    User(SignedInUser),
    /// Whoever holds a guest access link to one ticket (by number); nothing else.
    Guest {
        ticket: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn user(&self) -> Option<&SignedInUser> {
        match self {
            Actor::Anonymous | Actor::Guest { .. } => None,
            Actor::User(u) => Some(u),
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
}

pub fn authorize(actor: &Actor, action: Action, resource: &Resource<'_>) -> Result<(), Denied> {
    let Some(user) = actor.user() else {
        return Err(Denied::Unauthenticated);
    };
    let allowed = match (user.role, action) {
        (Role::Admin, _) => admin_may(user, action, resource),
        (Role::Agent, Action::UsePortal | Action::WorkQueue | Action::ViewDirectory) => true,
        (Role::Agent, _) => false,
        (Role::Customer, Action::UsePortal) => true,
        (Role::Customer, _) => false,
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
}
