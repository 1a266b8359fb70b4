//! The help desk's configuration as admins edit it on the settings pages: one typed item per
//! department, team, role, help topic, form, status, ... each with its validation and the schema
//! of its edit form. Items travel as their serde JSON; [`Item`] ties a type to its section.

pub mod api_key;
pub mod canned;
pub mod department;
pub mod form;
pub mod general;
pub mod help_topic;
pub mod organization;
pub mod priority;
pub mod resolution;
pub mod role;
pub mod status;
pub mod team;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::domain::catalog::Catalog;
use crate::error::FieldError;

/// A page of the admin settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    General,
    Departments,
    Teams,
    Roles,
    Organizations,
    HelpTopics,
    Forms,
    Statuses,
    Priorities,
    Resolutions,
    SlaPlans,
    Schedules,
    Filters,
    Canned,
    ApiKeys,
    EmailTemplates,
    Mailboxes,
    AlertSources,
    Webhooks,
}

impl Section {
    pub const ALL: [Section; 19] = [
        Section::General,
        Section::Departments,
        Section::Teams,
        Section::Roles,
        Section::Organizations,
        Section::HelpTopics,
        Section::Forms,
        Section::Statuses,
        Section::Priorities,
        Section::Resolutions,
        Section::SlaPlans,
        Section::Schedules,
        Section::Filters,
        Section::Canned,
        Section::ApiKeys,
        Section::EmailTemplates,
        Section::Mailboxes,
        Section::AlertSources,
        Section::Webhooks,
    ];

    /// The URL segment under `/admin/settings/`.
    pub fn slug(self) -> &'static str {
        match self {
            Section::General => "general",
            Section::Departments => "departments",
            Section::Teams => "teams",
            Section::Roles => "roles",
            Section::Organizations => "organizations",
            Section::HelpTopics => "help-topics",
            Section::Forms => "forms",
            Section::Statuses => "statuses",
            Section::Priorities => "priorities",
            Section::Resolutions => "resolutions",
            Section::SlaPlans => "sla-plans",
            Section::Schedules => "schedules",
            Section::Filters => "filters",
            Section::Canned => "canned-responses",
            Section::ApiKeys => "api-keys",
            Section::EmailTemplates => "email-templates",
            Section::Mailboxes => "mailboxes",
            Section::AlertSources => "alert-sources",
            Section::Webhooks => "webhooks",
        }
    }

    pub fn parse(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::General => "General",
            Section::Departments => "Departments",
            Section::Teams => "Teams",
            Section::Roles => "Roles",
            Section::Organizations => "Organizations",
            Section::HelpTopics => "Help topics",
            Section::Forms => "Forms",
            Section::Statuses => "Statuses",
            Section::Priorities => "Priorities",
            Section::Resolutions => "Resolution classes",
            Section::SlaPlans => "SLA plans",
            Section::Schedules => "Schedules",
            Section::Filters => "Ticket filters",
            Section::Canned => "Canned responses",
            Section::ApiKeys => "API keys",
            Section::EmailTemplates => "Email templates",
            Section::Mailboxes => "Mailboxes",
            Section::AlertSources => "Alert sources",
            Section::Webhooks => "Webhooks",
        }
    }

    /// One item, as the buttons and messages name it.
    pub fn noun(self) -> &'static str {
        match self {
            Section::General => "settings",
            Section::Departments => "department",
            Section::Teams => "team",
            Section::Roles => "role",
            Section::Organizations => "organization",
            Section::HelpTopics => "help topic",
            Section::Forms => "form",
            Section::Statuses => "status",
            Section::Priorities => "priority",
            Section::Resolutions => "resolution class",
            Section::SlaPlans => "SLA plan",
            Section::Schedules => "schedule",
            Section::Filters => "filter",
            Section::Canned => "canned response",
            Section::ApiKeys => "API key",
            Section::EmailTemplates => "email template",
            Section::Mailboxes => "mailbox",
            Section::AlertSources => "alert source",
            Section::Webhooks => "webhook",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            Section::General => {
                "Name, address, defaults, ticket numbers, sign-up, uploads and sessions."
            }
            Section::Departments => {
                "Where tickets live: nesting, manager, default SLA plan and schedule."
            }
            Section::Teams => "Groups of agents a ticket can be assigned to.",
            Section::Roles => "What agents may do in a department they belong to.",
            Section::Organizations => "Customer companies and who sees whose tickets.",
            Section::HelpTopics => {
                "What customers choose when they open a ticket, and where it goes."
            }
            Section::Forms => "Custom fields that help topics ask for.",
            Section::Statuses => "Ticket statuses, their state and whether they pause the SLA.",
            Section::Priorities => "Priorities from least to most urgent, and the default.",
            Section::Resolutions => {
                "How tickets ended, chosen on closing (required for alerts); which count as false positives."
            }
            Section::SlaPlans => "Response and resolution targets, pauses and escalations.",
            Section::Schedules => "Business hours and holidays the SLA clocks count.",
            Section::Filters => "Rules that route, tag, assign or reject new tickets.",
            Section::Canned => "Prepared replies agents insert, per department or for everyone.",
            Section::ApiKeys => {
                "Keys for the ticket API and SIEM alerts: scopes and allowed addresses."
            }
            Section::EmailTemplates => {
                "What Docket emails for each event, per department, in plain text and HTML."
            }
            Section::Mailboxes => {
                "IMAP mailboxes Docket fetches: new mail opens tickets, replies thread into them."
            }
            Section::AlertSources => {
                "How SIEM alerts become tickets: department, severity to priority, repeats, recoveries."
            }
            Section::Webhooks => {
                "Endpoints that receive signed JSON for ticket events, retried until delivered."
            }
        }
    }

    /// Sections with one item (no list, no create).
    pub fn is_single(self) -> bool {
        self == Section::General
    }

    /// Whether deactivating an item may need another to take over what uses it (tickets,
    /// help topics, departments, agents' memberships).
    pub fn offers_replacement(self) -> bool {
        matches!(
            self,
            Section::Departments
                | Section::Statuses
                | Section::Priorities
                | Section::Teams
                | Section::SlaPlans
                | Section::Roles
        )
    }
}

/// A settings item: its JSON shape is what the editor edits and the store keeps.
pub trait Item: Serialize + DeserializeOwned {
    /// The name shown in lists and audit entries.
    fn name(&self) -> &str;
    fn active(&self) -> bool;
    /// Every problem, each against its input (dotted JSON path); empty when valid. `key` is the
    /// item's own key when it already exists.
    fn validate(&self, key: Option<&str>, catalog: &Catalog) -> Vec<FieldError>;
    /// Tidies what the editor sends (trims, empty text to none) before validation.
    fn normalize(&mut self) {}
}

/// A readable key from a name: `Network Operations` → `network_operations`.
pub fn slug(name: &str) -> String {
    let mut key = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
        if key.len() >= 40 {
            break;
        }
    }
    let key = key.trim_end_matches('_').to_string();
    match key.chars().next() {
        None => "item".to_string(),
        Some(c) if c.is_ascii_digit() => format!("n{key}"),
        Some(_) => key,
    }
}

/// The checks every named item shares.
pub(crate) fn check_name(name: &str, max: usize, errors: &mut Vec<FieldError>) {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new("name", "Enter a name."));
    } else if trimmed.chars().count() > max {
        errors.push(FieldError::new(
            "name",
            format!("Use at most {max} characters."),
        ));
    } else if trimmed.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            "A name cannot contain control characters.",
        ));
    }
}

/// Checks that an optional reference names something in `list`.
pub(crate) fn check_ref(
    list: &[crate::domain::ticket::Named],
    key: Option<&str>,
    field: &str,
    message: &str,
    errors: &mut Vec<FieldError>,
) {
    if let Some(key) = key
        && !crate::domain::catalog::knows(list, key)
    {
        errors.push(FieldError::new(field, message));
    }
}

/// Checks a nested item's parent: another active item of the same kind, never itself.
pub(crate) fn check_parent(
    list: &[crate::domain::ticket::Named],
    parent: Option<&str>,
    key: Option<&str>,
    errors: &mut Vec<FieldError>,
) {
    if parent.is_some() && parent == key {
        errors.push(FieldError::new(
            "parent",
            "An item cannot be its own parent.",
        ));
    } else {
        check_ref(list, parent, "parent", "Choose an active parent.", errors);
    }
}

/// Splits a comma- or whitespace-separated list, dropping empties and duplicates.
pub fn split_list(raw: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for item in raw.split([',', ';', ' ', '\n', '\t']) {
        let item = item.trim();
        if !item.is_empty() && !items.iter().any(|i| i == item) {
            items.push(item.to_string());
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_readable_slugs_of_names() {
        assert_eq!(slug("Network Operations"), "network_operations");
        assert_eq!(slug("  Tier 2 / Escalations "), "tier_2_escalations");
        assert_eq!(slug("24x7 desk"), "n24x7_desk");
        assert_eq!(slug("!!!"), "item");
    }

    #[test]
    fn every_section_round_trips_through_its_slug() {
        for section in Section::ALL {
            assert_eq!(Section::parse(section.slug()), Some(section));
        }
    }

    #[test]
    fn lists_split_on_commas_and_spaces_without_duplicates() {
        assert_eq!(
            split_list("a.com, b.com;a.com\nc.com"),
            vec!["a.com", "b.com", "c.com"]
        );
    }
}
