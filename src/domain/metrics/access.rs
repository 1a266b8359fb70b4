//! Who sees which reports: admins every department's figures; agents those of the departments
//! where their role grants `stats.view`; nobody else any.

use crate::domain::config::role::Permission;
use crate::domain::permission::{Actor, Denied};
use crate::domain::user::Role;

use super::tally::ALL_SCOPE;

/// The rollup scopes `actor` reads for a report of `department` (or of everything they may see).
/// A department they may not see is refused like the reports themselves.
pub fn report_scopes(actor: &Actor, department: Option<&str>) -> Result<Vec<String>, Denied> {
    let user = match actor {
        Actor::User(user) => user,
        Actor::Anonymous | Actor::Guest { .. } => return Err(Denied::Unauthenticated),
        Actor::Key(_) => return Err(Denied::Forbidden),
    };
    let allowed: Vec<String> = match user.role {
        Role::Admin => {
            return Ok(vec![department.unwrap_or(ALL_SCOPE).to_string()]);
        }
        Role::Agent => user
            .grants
            .iter()
            .filter(|g| g.permissions.contains(&Permission::StatsView))
            .map(|g| g.department.clone())
            .collect(),
        Role::Customer => Vec::new(),
    };
    match department {
        _ if allowed.is_empty() => Err(Denied::Forbidden),
        Some(d) if allowed.iter().any(|a| a == d) => Ok(vec![d.to_string()]),
        Some(_) => Err(Denied::Forbidden),
        None => Ok(allowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permission::{Grant, SignedInUser};

    fn user(role: Role, grants: Vec<(&str, Vec<Permission>)>) -> Actor {
        Actor::User(SignedInUser {
            id: "u".into(),
            email: "u@example.com".into(),
            name: "U".into(),
            role,
            departments: grants.iter().map(|(d, _)| d.to_string()).collect(),
            grants: grants
                .into_iter()
                .map(|(d, permissions)| Grant {
                    department: d.into(),
                    permissions,
                })
                .collect(),
            sees_organization: None,
        })
    }

    #[test]
    fn admins_read_the_whole_desk_or_the_department_they_pick() {
        let admin = user(Role::Admin, vec![]);
        assert_eq!(report_scopes(&admin, None), Ok(vec!["*".to_string()]));
        assert_eq!(
            report_scopes(&admin, Some("soc")),
            Ok(vec!["soc".to_string()])
        );
    }

    #[test]
    fn agents_read_only_departments_where_they_hold_stats_view() {
        let agent = user(
            Role::Agent,
            vec![
                ("soc", vec![Permission::StatsView]),
                ("support", vec![Permission::TicketReply]),
            ],
        );
        assert_eq!(report_scopes(&agent, None), Ok(vec!["soc".to_string()]));
        assert_eq!(
            report_scopes(&agent, Some("support")),
            Err(Denied::Forbidden)
        );
        let without = user(
            Role::Agent,
            vec![("support", vec![Permission::TicketReply])],
        );
        assert_eq!(report_scopes(&without, None), Err(Denied::Forbidden));
    }

    #[test]
    fn customers_and_strangers_read_no_reports() {
        assert_eq!(
            report_scopes(&Actor::Anonymous, None),
            Err(Denied::Unauthenticated)
        );
        assert_eq!(
            report_scopes(&user(Role::Customer, vec![]), None),
            Err(Denied::Forbidden)
        );
    }
}
