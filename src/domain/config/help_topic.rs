//! Help topics: what a customer chooses when opening a ticket, and what that decides (department,
//! priority, SLA plan, forms, who gets it).

use serde::{Deserialize, Serialize};

use super::{Item, check_name, check_parent, check_ref};
use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::editor::{Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HelpTopic {
    pub name: String,
    pub active: bool,
    /// Customers see it on the portal (agents see every active topic).
    pub public: bool,
    pub parent: Option<String>,
    pub department: String,
    pub priority: Option<String>,
    pub sla_plan: Option<String>,
    /// Forms whose fields the topic asks for, in order.
    pub forms: Vec<String>,
    pub assign_agent: Option<String>,
    pub assign_team: Option<String>,
    pub sort: i64,
}

impl HelpTopic {
    pub fn blank() -> HelpTopic {
        HelpTopic {
            name: String::new(),
            active: true,
            public: true,
            parent: None,
            department: String::new(),
            priority: None,
            sla_plan: None,
            forms: Vec::new(),
            assign_agent: None,
            assign_team: None,
            sort: 10,
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::toggle("public", "Customers can choose it"),
            Spec::optional_choice("parent", "Parent topic", options(&catalog.topics))
                .hint("Shown as “Parent / Name”."),
            Spec::choice("department", "Department", options(&catalog.departments)),
            Spec::optional_choice("priority", "Priority", options(&catalog.priorities))
                .hint("None: the default priority."),
            Spec::optional_choice("sla_plan", "SLA plan", options(&catalog.sla_plans))
                .hint("None: the department's plan."),
            Spec::choices("forms", "Forms", options(&catalog.forms)),
            Spec::optional_choice(
                "assign_agent",
                "Auto-assign to agent",
                options(&catalog.agents),
            ),
            Spec::optional_choice(
                "assign_team",
                "Auto-assign to team",
                options(&catalog.teams),
            ),
            Spec::number("sort", "Order").hint("Lower comes first on the portal."),
        ])
    }
}

impl Item for HelpTopic {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 80, &mut errors);
        check_parent(&catalog.topics, self.parent.as_deref(), key, &mut errors);
        if !knows(&catalog.departments, &self.department) {
            errors.push(FieldError::new(
                "department",
                "Choose an active department.",
            ));
        }
        check_ref(
            &catalog.priorities,
            self.priority.as_deref(),
            "priority",
            "Choose a priority.",
            &mut errors,
        );
        check_ref(
            &catalog.sla_plans,
            self.sla_plan.as_deref(),
            "sla_plan",
            "Choose an active SLA plan.",
            &mut errors,
        );
        if self.forms.iter().any(|f| !knows(&catalog.forms, f)) {
            errors.push(FieldError::new("forms", "Choose existing forms only."));
        }
        check_ref(
            &catalog.agents,
            self.assign_agent.as_deref(),
            "assign_agent",
            "Choose an active agent.",
            &mut errors,
        );
        check_ref(
            &catalog.teams,
            self.assign_team.as_deref(),
            "assign_team",
            "Choose an active team.",
            &mut errors,
        );
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_needs_a_department() {
        let topic = HelpTopic {
            name: "VPN".into(),
            ..HelpTopic::blank()
        };
        let errors = topic.validate(None, &Catalog::default());
        assert_eq!(errors[0].field, "department");
    }
}
