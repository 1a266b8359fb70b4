//! Organizations: the companies customers belong to, and who among them sees whose tickets.

use serde::{Deserialize, Serialize};

use super::{Item, check_name, split_list};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Opt, Schema, Spec};
use crate::error::FieldError;

/// Which of an organization's tickets its customers see on the portal, besides their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sharing {
    /// Only their own tickets and those they are copied on.
    None,
    /// Primary contacts see every ticket of the organization.
    PrimaryContacts,
    /// Everyone in the organization sees every ticket of it.
    Everyone,
}

impl Sharing {
    /// Whether a member (a primary contact or not) sees all the organization's tickets.
    pub fn shares_with(self, primary_contact: bool) -> bool {
        match self {
            Sharing::None => false,
            Sharing::PrimaryContacts => primary_contact,
            Sharing::Everyone => true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    pub active: bool,
    pub sharing: Sharing,
    /// Email domains whose new customers join automatically, separated by commas.
    pub domains: String,
}

impl Organization {
    pub fn blank() -> Organization {
        Organization {
            name: String::new(),
            active: true,
            sharing: Sharing::None,
            domains: String::new(),
        }
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::choice(
                "sharing",
                "Ticket sharing",
                vec![
                    Opt::new("none", "Each customer sees their own tickets"),
                    Opt::new("primary_contacts", "Primary contacts see all the organization's tickets"),
                    Opt::new("everyone", "Everyone sees all the organization's tickets"),
                ],
            ),
            Spec::text("domains", "Email domains").hint(
                "New customers with these addresses join automatically, e.g. example.com, example.org",
            ),
        ])
    }

    /// The domains, lower-cased.
    pub fn domain_list(&self) -> Vec<String> {
        split_list(&self.domains.to_lowercase())
    }
}

impl Item for Organization {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    /// Domains in one form, lower-case and separated by ", " (as the store splits them).
    fn normalize(&mut self) {
        self.domains = self.domain_list().join(", ");
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 100, &mut errors);
        for domain in self.domain_list() {
            let ok = domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !ok {
                errors.push(FieldError::new(
                    "domains",
                    format!("“{domain}” is not a domain like example.com."),
                ));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_decides_who_sees_the_organizations_tickets() {
        assert!(!Sharing::None.shares_with(true));
        assert!(Sharing::PrimaryContacts.shares_with(true));
        assert!(!Sharing::PrimaryContacts.shares_with(false));
        assert!(Sharing::Everyone.shares_with(false));
    }

    #[test]
    fn domains_must_look_like_domains() {
        let org = Organization {
            name: "Acme".into(),
            domains: "acme.com, bad_domain".into(),
            ..Organization::blank()
        };
        let errors = org.validate(None, &Catalog::default());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "domains");
    }

    #[test]
    fn domains_are_kept_lower_case_and_comma_separated_however_typed() {
        let mut org = Organization {
            name: "Acme".into(),
            domains: "Acme.test;globex.test  acme.test,initech.test".into(),
            ..Organization::blank()
        };
        org.normalize();
        assert_eq!(org.domains, "acme.test, globex.test, initech.test");
    }
}
