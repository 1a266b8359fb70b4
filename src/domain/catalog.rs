//! What settings may refer to: the keys (and names) of everything an admin has configured, so a
//! settings item can be checked for references to things that do not exist or are inactive.

use serde::{Deserialize, Serialize};

use crate::domain::editor::Opt;
use crate::domain::ticket::{Named, Status};

/// The active configuration, by key. Built by the server before validating or offering choices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub departments: Vec<Named>,
    pub teams: Vec<Named>,
    /// Active agents and admins.
    pub agents: Vec<Named>,
    /// Least to most urgent.
    pub priorities: Vec<Named>,
    pub statuses: Vec<Status>,
    pub topics: Vec<Named>,
    pub forms: Vec<Named>,
    pub sla_plans: Vec<Named>,
    pub schedules: Vec<Named>,
    pub canned: Vec<Named>,
    pub roles: Vec<Named>,
    pub organizations: Vec<Named>,
    /// Custom fields of every form: key is the field name, name its label.
    pub fields: Vec<Named>,
    /// Resolution classes, in their order.
    #[serde(default)]
    pub resolutions: Vec<crate::domain::config::resolution::ResolutionClass>,
}

/// Whether `key` names one of `list`.
pub fn knows(list: &[Named], key: &str) -> bool {
    list.iter().any(|n| n.key == key)
}

/// `list` as choice options.
pub fn options(list: &[Named]) -> Vec<Opt> {
    list.iter().map(|n| Opt::new(&n.key, &n.name)).collect()
}

impl Catalog {
    pub fn status_options(&self) -> Vec<Opt> {
        self.statuses
            .iter()
            .map(|s| Opt::new(&s.key, &s.name))
            .collect()
    }

    pub fn status(&self, key: &str) -> Option<&Status> {
        self.statuses.iter().find(|s| s.key == key)
    }
}
