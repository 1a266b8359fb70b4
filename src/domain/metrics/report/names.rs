//! The names the dashboard shows for the keys the rollups hold.

use crate::domain::catalog::Catalog;
use crate::domain::metrics::tally::{Dim, DimKey};
use crate::domain::ticket::Source;

/// Names for the keys the rollups hold.
pub(super) struct Names<'a>(pub(super) &'a Catalog);

impl Names<'_> {
    pub(super) fn of(&self, key: &DimKey) -> String {
        let c = self.0;
        let find = |list: &[crate::domain::ticket::Named]| {
            list.iter()
                .find(|n| n.key == key.value)
                .map(|n| n.name.clone())
        };
        let found = match key.dim {
            Dim::All => Some("All tickets".to_string()),
            Dim::Department => find(&c.departments),
            Dim::Priority => find(&c.priorities),
            Dim::Agent if key.value.is_empty() => Some("Unassigned".to_string()),
            Dim::Agent => find(&c.agents),
            Dim::Status => c.status(&key.value).map(|s| s.name.clone()),
            Dim::Source => Source::parse(&key.value).map(|s| source_name(s).to_string()),
            Dim::Rule => Some(match key.value.split_once('/') {
                Some((source, "")) => format!("{source} (no rule)"),
                Some((source, rule)) => format!("{source}: {rule}"),
                None => key.value.clone(),
            }),
            Dim::AlertSource | Dim::Observable => Some(key.value.clone()),
        };
        found.unwrap_or_else(|| key.value.clone())
    }

    pub(super) fn class(&self, key: &str) -> String {
        self.0
            .resolutions
            .iter()
            .find(|r| r.key == key)
            .map_or_else(|| key.to_string(), |r| r.name.clone())
    }

    pub(super) fn false_positive(&self, key: &str) -> bool {
        self.0
            .resolutions
            .iter()
            .any(|r| r.key == key && r.false_positive)
    }
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Web => "Web",
        Source::Email => "Email",
        Source::Api => "API",
        Source::Phone => "Phone",
        Source::Alert => "Alert",
        Source::Other => "Other",
    }
}
