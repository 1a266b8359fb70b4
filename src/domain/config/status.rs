//! Statuses: admin-named, each open or closed underneath, some pausing the SLA.

use serde::{Deserialize, Serialize};

use super::{Item, check_name};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Opt, Schema, Spec};
use crate::domain::ticket::State;
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusDef {
    pub name: String,
    pub active: bool,
    pub state: State,
    pub pauses_sla: bool,
    pub customer_may_reopen: bool,
    pub sort: i64,
}

impl StatusDef {
    pub fn blank() -> StatusDef {
        StatusDef {
            name: String::new(),
            active: true,
            state: State::Open,
            pauses_sla: false,
            customer_may_reopen: false,
            sort: 10,
        }
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::choice(
                "state",
                "State",
                vec![Opt::new("open", "Open"), Opt::new("closed", "Closed")],
            ),
            Spec::toggle("pauses_sla", "Pauses the SLA clocks")
                .hint("For statuses such as “Waiting on customer”."),
            Spec::toggle("customer_may_reopen", "Customers may reopen")
                .hint("For closed statuses: a customer's reply or button reopens the ticket."),
            Spec::number("sort", "Order").hint("Lower comes first in lists."),
        ])
    }
}

impl Item for StatusDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 40, &mut errors);
        if self.state == State::Closed && self.pauses_sla {
            errors.push(FieldError::new(
                "pauses_sla",
                "A closed status stops the clocks already; only open statuses pause them.",
            ));
        }
        if self.state == State::Open && self.customer_may_reopen {
            errors.push(FieldError::new(
                "customer_may_reopen",
                "Only closed statuses can be reopened.",
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_status_cannot_pause_the_sla() {
        let s = StatusDef {
            name: "Done".into(),
            state: State::Closed,
            pauses_sla: true,
            ..StatusDef::blank()
        };
        assert_eq!(s.validate(None, &Catalog::default())[0].field, "pauses_sla");
    }
}
