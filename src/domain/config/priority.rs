//! Priorities: named urgencies (the default one is chosen in the general settings).

use serde::{Deserialize, Serialize};

use super::{Item, check_name};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Schema, Spec};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriorityDef {
    pub name: String,
    pub active: bool,
    /// 0..=100, higher is more urgent; orders queues.
    pub urgency: i64,
}

impl PriorityDef {
    pub fn blank() -> PriorityDef {
        PriorityDef {
            name: String::new(),
            active: true,
            urgency: 25,
        }
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::number("urgency", "Urgency").hint(
                "0 to 100; higher is more urgent. The default priority is chosen under General.",
            ),
        ])
    }
}

impl Item for PriorityDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 40, &mut errors);
        if !(0..=100).contains(&self.urgency) {
            errors.push(FieldError::new(
                "urgency",
                "Choose an urgency from 0 to 100.",
            ));
        }
        errors
    }
}
