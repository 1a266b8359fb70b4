//! Roles: named sets of permissions an agent holds in a department (osTicket's keys, at least).

use serde::{Deserialize, Serialize};

use super::{Item, check_name};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Opt, Schema, Spec};
use crate::error::FieldError;

/// One thing an agent may do. Ticket permissions apply in the departments where the agent's role
/// grants them; the others apply help-desk-wide when any of the agent's roles grants them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Permission {
    #[serde(rename = "ticket.create")]
    TicketCreate,
    #[serde(rename = "ticket.edit")]
    TicketEdit,
    #[serde(rename = "ticket.assign")]
    TicketAssign,
    #[serde(rename = "ticket.release")]
    TicketRelease,
    #[serde(rename = "ticket.transfer")]
    TicketTransfer,
    #[serde(rename = "ticket.refer")]
    TicketRefer,
    #[serde(rename = "ticket.merge")]
    TicketMerge,
    #[serde(rename = "ticket.link")]
    TicketLink,
    #[serde(rename = "ticket.reply")]
    TicketReply,
    #[serde(rename = "ticket.close")]
    TicketClose,
    #[serde(rename = "ticket.delete")]
    TicketDelete,
    #[serde(rename = "canned.manage")]
    CannedManage,
    #[serde(rename = "user.create")]
    UserCreate,
    #[serde(rename = "user.edit")]
    UserEdit,
    #[serde(rename = "user.delete")]
    UserDelete,
    #[serde(rename = "org.manage")]
    OrgManage,
    #[serde(rename = "stats.view")]
    StatsView,
    #[serde(rename = "audit.view")]
    AuditView,
    #[serde(rename = "search.all")]
    SearchAll,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::TicketCreate,
        Permission::TicketEdit,
        Permission::TicketAssign,
        Permission::TicketRelease,
        Permission::TicketTransfer,
        Permission::TicketRefer,
        Permission::TicketMerge,
        Permission::TicketLink,
        Permission::TicketReply,
        Permission::TicketClose,
        Permission::TicketDelete,
        Permission::CannedManage,
        Permission::UserCreate,
        Permission::UserEdit,
        Permission::UserDelete,
        Permission::OrgManage,
        Permission::StatsView,
        Permission::AuditView,
        Permission::SearchAll,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Permission::TicketCreate => "ticket.create",
            Permission::TicketEdit => "ticket.edit",
            Permission::TicketAssign => "ticket.assign",
            Permission::TicketRelease => "ticket.release",
            Permission::TicketTransfer => "ticket.transfer",
            Permission::TicketRefer => "ticket.refer",
            Permission::TicketMerge => "ticket.merge",
            Permission::TicketLink => "ticket.link",
            Permission::TicketReply => "ticket.reply",
            Permission::TicketClose => "ticket.close",
            Permission::TicketDelete => "ticket.delete",
            Permission::CannedManage => "canned.manage",
            Permission::UserCreate => "user.create",
            Permission::UserEdit => "user.edit",
            Permission::UserDelete => "user.delete",
            Permission::OrgManage => "org.manage",
            Permission::StatsView => "stats.view",
            Permission::AuditView => "audit.view",
            Permission::SearchAll => "search.all",
        }
    }

    pub fn parse(key: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Permission::TicketCreate => "Create tickets for customers",
            Permission::TicketEdit => "Edit ticket properties and fields",
            Permission::TicketAssign => "Assign tickets",
            Permission::TicketRelease => "Release (unassign) tickets",
            Permission::TicketTransfer => "Transfer tickets to another department",
            Permission::TicketRefer => "Refer tickets to another department",
            Permission::TicketMerge => "Merge tickets",
            Permission::TicketLink => "Link tickets",
            Permission::TicketReply => "Reply to customers",
            Permission::TicketClose => "Close tickets",
            Permission::TicketDelete => "Delete tickets",
            Permission::CannedManage => "Manage canned responses",
            Permission::UserCreate => "Create customer accounts",
            Permission::UserEdit => "Edit customer accounts",
            Permission::UserDelete => "Delete customer accounts",
            Permission::OrgManage => "Manage organizations",
            Permission::StatsView => "View statistics",
            Permission::AuditView => "View the audit trail",
            Permission::SearchAll => "Search all tickets",
        }
    }

    /// Whether this permission is granted per department (the ticket's) rather than desk-wide.
    pub fn per_department(self) -> bool {
        self.key().starts_with("ticket.")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleDef {
    pub name: String,
    pub active: bool,
    pub permissions: Vec<Permission>,
}

impl RoleDef {
    pub fn blank() -> RoleDef {
        RoleDef {
            name: String::new(),
            active: true,
            permissions: vec![Permission::TicketEdit, Permission::TicketReply],
        }
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::choices(
                "permissions",
                "Permissions",
                Permission::ALL
                    .into_iter()
                    .map(|p| Opt::new(p.key(), format!("{} ({})", p.label(), p.key())))
                    .collect(),
            )
            .hint("Ticket permissions apply in the departments where an agent holds this role."),
        ])
    }
}

impl Item for RoleDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        let mut seen = Vec::new();
        for p in &self.permissions {
            if seen.contains(p) {
                errors.push(FieldError::new(
                    "permissions",
                    format!("{} is listed twice.", p.key()),
                ));
            }
            seen.push(*p);
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_keys_round_trip_and_match_their_serde_names() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.key()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.key());
        }
    }

    #[test]
    fn only_ticket_permissions_are_per_department() {
        assert!(Permission::TicketTransfer.per_department());
        assert!(!Permission::AuditView.per_department());
    }

    #[test]
    fn a_role_needs_a_name() {
        let role = RoleDef {
            name: " ".into(),
            ..RoleDef::blank()
        };
        let errors = role.validate(None, &Catalog::default());
        assert_eq!(errors[0].field, "name");
    }
}
