//! Departments: where tickets live. Nested, with a manager and the SLA plan and schedule their
//! tickets get when nothing more specific decides.

use serde::{Deserialize, Serialize};

use super::{Item, check_name, check_parent, check_ref};
use crate::domain::catalog::{Catalog, options};
use crate::domain::editor::{Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub name: String,
    pub active: bool,
    pub parent: Option<String>,
    /// The agent who manages it (escalations notify them).
    pub manager: Option<String>,
    pub sla_plan: Option<String>,
    pub schedule: Option<String>,
    /// The address its tickets' mail is sent from (`Name <address>` or an address); none: the
    /// help desk's.
    #[serde(default)]
    pub email: Option<String>,
}

impl Department {
    pub fn blank() -> Department {
        Department {
            name: String::new(),
            active: true,
            parent: None,
            manager: None,
            sla_plan: None,
            schedule: None,
            email: None,
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::optional_choice("parent", "Parent department", options(&catalog.departments))
                .hint("Shown as “Parent / Name”."),
            Spec::optional_choice("manager", "Manager", options(&catalog.agents)),
            Spec::optional_choice("sla_plan", "Default SLA plan", options(&catalog.sla_plans)),
            Spec::optional_choice("schedule", "Schedule", options(&catalog.schedules)).hint(
                "Business hours for this department's clocks; the plan's schedule otherwise.",
            ),
            Spec::text("email", "Sending address")
                .hint("Mail about its tickets comes from here, like Security <soc@example.com>. Empty: the help desk's address."),
        ])
    }
}

impl Item for Department {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        if let Some(email) = &self.email {
            let address = email
                .rsplit_once('<')
                .map_or(email.as_str(), |(_, a)| a.trim_end_matches('>'));
            if crate::domain::user::Email::parse(address).is_err() || email.contains(['\r', '\n']) {
                errors.push(FieldError::new(
                    "email",
                    "Enter an address like soc@example.com or Security <soc@example.com>.",
                ));
            }
        }
        check_parent(
            &catalog.departments,
            self.parent.as_deref(),
            key,
            &mut errors,
        );
        check_ref(
            &catalog.agents,
            self.manager.as_deref(),
            "manager",
            "Choose an active agent.",
            &mut errors,
        );
        check_ref(
            &catalog.sla_plans,
            self.sla_plan.as_deref(),
            "sla_plan",
            "Choose an active SLA plan.",
            &mut errors,
        );
        check_ref(
            &catalog.schedules,
            self.schedule.as_deref(),
            "schedule",
            "Choose an active schedule.",
            &mut errors,
        );
        errors
    }

    fn normalize(&mut self) {
        self.email = self
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::Named;

    fn catalog() -> Catalog {
        Catalog {
            departments: vec![Named {
                key: "support".into(),
                name: "Support".into(),
            }],
            ..Catalog::default()
        }
    }

    #[test]
    fn a_department_cannot_be_its_own_parent() {
        let d = Department {
            name: "Support".into(),
            parent: Some("support".into()),
            ..Department::blank()
        };
        assert_eq!(d.validate(Some("support"), &catalog())[0].field, "parent");
    }

    #[test]
    fn references_must_name_active_things() {
        let d = Department {
            name: "Network".into(),
            parent: Some("support".into()),
            manager: Some("ghost".into()),
            ..Department::blank()
        };
        let errors = d.validate(None, &catalog());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "manager");
    }
}
