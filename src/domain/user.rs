//! Accounts: roles, email addresses and display names, parsed once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of account this is. Per-department permissions refine `Agent` (see `permission`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Customer, Role::Agent, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Agent => "Agent",
            Role::Admin => "Administrator",
        }
    }

    /// Agents and admins work tickets; customers only see their own.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

/// An email address, trimmed and lower-cased so that uniqueness is case-insensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter your email address.")]
    Empty,
    #[error("Enter a valid email address, like name@example.com.")]
    Malformed,
    #[error("An email address can be at most 254 characters.")]
    TooLong,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '@' || c.is_control());
        if domain_ok && local_ok {
            Ok(Email(s))
        } else {
            Err(EmailError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown to colleagues and customers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("Enter your name.")]
    Empty,
    #[error("A name can be at most 100 characters.")]
    TooLong,
    #[error("A name cannot contain control characters.")]
    ControlCharacters,
}

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, DisplayNameError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if s.chars().count() > 100 {
            return Err(DisplayNameError::TooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacters);
        }
        Ok(DisplayName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account as the rest of the product sees it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Signs in with a second factor.
    pub two_factor: bool,
    /// Keys of the departments an agent belongs to.
    pub departments: Vec<String>,
    /// The agent's role in each of those departments.
    pub memberships: Vec<Membership>,
    /// The customer's organization.
    pub organization: Option<OrganizationMembership>,
}

/// An agent's place in one department: the role held there and what it permits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub department: String,
    pub role: String,
    pub permissions: Vec<crate::domain::config::role::Permission>,
}

/// A customer's organization and what its sharing policy means for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationMembership {
    pub key: String,
    pub name: String,
    pub sharing: crate::domain::config::organization::Sharing,
    pub primary_contact: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_case_insensitive_and_trimmed() {
        let e = Email::parse("  Priya.Shah@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "priya.shah@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "plain",
            "a@b",
            "@example.com",
            "a@.com",
            "a b@example.com",
            "a@ex..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn display_name_must_be_present_and_short() {
        assert_eq!(DisplayName::parse("  "), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse(&"x".repeat(101)),
            Err(DisplayNameError::TooLong)
        );
        assert_eq!(DisplayName::parse(" Priya ").unwrap().as_str(), "Priya");
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
