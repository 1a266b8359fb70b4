//! Canned responses as admins keep them: for one department or everyone.

use serde::{Deserialize, Serialize};

use super::{Item, check_ref};
use crate::domain::catalog::{Catalog, options};
use crate::domain::editor::{Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CannedDef {
    pub title: String,
    pub active: bool,
    /// None: every department.
    pub department: Option<String>,
    /// Text with variables such as `{requester.first_name}` and `{ticket.number}`.
    pub body: String,
}

impl CannedDef {
    pub fn blank() -> CannedDef {
        CannedDef {
            title: String::new(),
            active: true,
            department: None,
            body: String::new(),
        }
    }

    pub fn schema(catalog: &Catalog) -> Schema {
        Schema(vec![
            Spec::text("title", "Title"),
            Spec::toggle("active", "Active"),
            Spec::optional_choice("department", "Department", options(&catalog.departments))
                .hint("None: offered in every department."),
            Spec::long_text("body", "Text").hint(
                "Variables: {requester.name} {requester.first_name} {ticket.number} {ticket.subject} {agent.name}",
            ),
        ])
    }
}

impl Item for CannedDef {
    fn name(&self) -> &str {
        &self.title
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 80 {
            errors.push(FieldError::new(
                "title",
                "Enter a title of at most 80 characters.",
            ));
        }
        if self.body.trim().is_empty() {
            errors.push(FieldError::new("body", "Write the response."));
        } else if self.body.chars().count() > 20_000 {
            errors.push(FieldError::new("body", "Keep it under 20000 characters."));
        }
        check_ref(
            &catalog.departments,
            self.department.as_deref(),
            "department",
            "Choose an active department.",
            &mut errors,
        );
        errors
    }
}
