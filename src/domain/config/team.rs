//! Teams: groups of agents a ticket can be assigned to, with a lead.

use serde::{Deserialize, Serialize};

use super::{Item, check_name, check_ref};
use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::editor::{Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub name: String,
    pub active: bool,
    pub lead: Option<String>,
    pub members: Vec<String>,
}

impl Team {
    pub fn blank() -> Team {
        Team {
            name: String::new(),
            active: true,
            lead: None,
            members: Vec::new(),
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::optional_choice("lead", "Lead", options(&catalog.agents)),
            Spec::choices("members", "Members", options(&catalog.agents)),
        ])
    }
}

impl Item for Team {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        check_ref(
            &catalog.agents,
            self.lead.as_deref(),
            "lead",
            "Choose an active agent.",
            &mut errors,
        );
        if self.members.iter().any(|m| !knows(&catalog.agents, m)) {
            errors.push(FieldError::new("members", "Choose active agents only."));
        }
        if let Some(lead) = &self.lead
            && !self.members.contains(lead)
        {
            errors.push(FieldError::new(
                "lead",
                "The lead must be one of the members.",
            ));
        }
        errors
    }
}
