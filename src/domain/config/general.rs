//! The help desk's general settings: one item, edited under Settings › General. Until an admin
//! saves them, they are the values of `Leptos.toml` / `DOCKET_*`.

use serde::{Deserialize, Serialize};

use super::{Item, check_ref, split_list};
use crate::domain::catalog::{Catalog, knows, options};
use crate::domain::editor::{Opt, Schema, Spec};
use crate::domain::registration::RegistrationPolicy;
use crate::domain::second_factor::TwoFactorPolicy;
use crate::domain::ticket_number::NumberFormat;
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct General {
    pub helpdesk_name: String,
    /// Where people reach Docket, used in links (emails, guest links).
    pub public_url: String,
    /// IANA zone for dates shown and reports.
    pub time_zone: String,
    /// Where tickets go when neither a help topic nor a filter decides (email, API).
    pub default_department: String,
    pub default_priority: String,
    /// Preselected on the portal's new-ticket form.
    pub default_topic: Option<String>,
    /// The SLA plan of tickets whose filter, help topic and department name none.
    #[serde(default)]
    pub default_sla_plan: Option<String>,
    /// `random:6` (six random digits) or a mask such as `SOC-####`.
    pub ticket_numbers: String,
    pub registration: RegistrationPolicy,
    pub max_upload_mb: i64,
    pub max_files: i64,
    /// File extensions customers and agents may attach, separated by commas; empty: any safe type.
    pub allowed_extensions: String,
    /// How long a sign-in lasts.
    pub session_minutes: i64,
    /// How long a sign-in lasts unused; 0: until `session_minutes` ends it. Saved settings from
    /// before it existed keep sessions for their lifetime.
    #[serde(default)]
    pub session_idle_minutes: i64,
    /// Which staff must sign in with a second factor (they enrol at their next sign-in).
    #[serde(default)]
    pub two_factor: TwoFactorPolicy,
}

impl General {
    pub fn schema(catalog: &Catalog) -> Schema {
        Schema(vec![
            Spec::text("helpdesk_name", "Help desk name"),
            Spec::text("public_url", "Public URL").hint("e.g. https://help.example.com"),
            Spec::text("time_zone", "Time zone").hint("IANA name, e.g. Europe/Berlin"),
            Spec::choice(
                "default_department",
                "Default department",
                options(&catalog.departments),
            ),
            Spec::choice("default_priority", "Default priority", options(&catalog.priorities)),
            Spec::optional_choice("default_topic", "Default help topic", options(&catalog.topics)),
            Spec::optional_choice("default_sla_plan", "Default SLA plan", options(&catalog.sla_plans))
                .hint("For tickets whose filter, help topic and department name no plan."),
            Spec::text("ticket_numbers", "Ticket number format")
                .hint("random:6 for six random digits, or a mask with # for a sequence, e.g. SOC-####"),
            Spec::choice(
                "registration",
                "Customer registration",
                vec![
                    Opt::new("open", "Anyone may sign up"),
                    Opt::new("closed", "Only staff create customer accounts"),
                    Opt::new("guest-only", "No accounts: guest links only"),
                ],
            ),
            Spec::number("max_upload_mb", "Largest attachment (MB)"),
            Spec::number("max_files", "Files per message"),
            Spec::text("allowed_extensions", "Allowed file types")
                .hint("Extensions separated by commas, e.g. pdf, png, txt, log; empty allows any safe type."),
            Spec::number("session_minutes", "Session lifetime (minutes)")
                .hint("How long a sign-in lasts, e.g. 720 for 12 hours."),
            Spec::number("session_idle_minutes", "Sign out after inactivity (minutes)")
                .hint("A session unused this long ends, e.g. 480 for 8 hours; 0 keeps it for its whole lifetime."),
            Spec::choice(
                "two_factor",
                "Two-factor sign-in",
                vec![
                    Opt::new("optional", "Optional: each person chooses"),
                    Opt::new("admins", "Required for admins"),
                    Opt::new("staff", "Required for agents and admins"),
                ],
            )
            .hint("Who must enter a code from an authenticator app after their password. Those without one set it up at their next sign-in; their current sessions end within a minute."),
        ])
    }

    pub fn number_format(&self) -> NumberFormat {
        NumberFormat::parse(&self.ticket_numbers).unwrap_or_default()
    }

    /// The allowed extensions, lower-case without dots; empty: any safe type.
    pub fn extensions(&self) -> Vec<String> {
        split_list(&self.allowed_extensions.to_lowercase())
            .into_iter()
            .map(|e| e.trim_start_matches('.').to_string())
            .collect()
    }

    /// Whether a file of this name may be attached.
    pub fn allows_file(&self, file_name: &str) -> bool {
        let allowed = self.extensions();
        allowed.is_empty()
            || file_name
                .rsplit_once('.')
                .is_some_and(|(_, ext)| allowed.contains(&ext.to_lowercase()))
    }
}

impl Item for General {
    fn name(&self) -> &str {
        "General settings"
    }

    fn active(&self) -> bool {
        true
    }

    fn normalize(&mut self) {
        self.helpdesk_name = self.helpdesk_name.trim().to_string();
        self.public_url = self.public_url.trim().trim_end_matches('/').to_string();
        self.time_zone = self.time_zone.trim().to_string();
        self.ticket_numbers = self.ticket_numbers.trim().to_string();
    }

    fn validate(&self, _key: Option<&str>, catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.helpdesk_name.is_empty() || self.helpdesk_name.chars().count() > 80 {
            errors.push(FieldError::new(
                "helpdesk_name",
                "Enter a name of at most 80 characters.",
            ));
        }
        let url_ok = (self.public_url.starts_with("http://")
            || self.public_url.starts_with("https://"))
            && self.public_url.len() > "https://".len()
            && !self.public_url.contains(char::is_whitespace);
        if !url_ok {
            errors.push(FieldError::new(
                "public_url",
                "Enter the address people use, starting with https:// or http://.",
            ));
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            errors.push(FieldError::new(
                "time_zone",
                "Choose a time zone such as Europe/Berlin or UTC.",
            ));
        }
        if !knows(&catalog.departments, &self.default_department) {
            errors.push(FieldError::new(
                "default_department",
                "Choose an active department.",
            ));
        }
        if !knows(&catalog.priorities, &self.default_priority) {
            errors.push(FieldError::new("default_priority", "Choose a priority."));
        }
        check_ref(
            &catalog.topics,
            self.default_topic.as_deref(),
            "default_topic",
            "Choose an active help topic.",
            &mut errors,
        );
        check_ref(
            &catalog.sla_plans,
            self.default_sla_plan.as_deref(),
            "default_sla_plan",
            "Choose an active SLA plan.",
            &mut errors,
        );
        if let Err(e) = NumberFormat::parse(&self.ticket_numbers) {
            errors.push(FieldError::new("ticket_numbers", e.to_string()));
        }
        if !(1..=1024).contains(&self.max_upload_mb) {
            errors.push(FieldError::new("max_upload_mb", "Choose 1 to 1024 MB."));
        }
        if !(1..=20).contains(&self.max_files) {
            errors.push(FieldError::new("max_files", "Choose 1 to 20 files."));
        }
        if self
            .extensions()
            .iter()
            .any(|e| e.is_empty() || e.len() > 10 || !e.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            errors.push(FieldError::new(
                "allowed_extensions",
                "List extensions of letters and digits, e.g. pdf, png, txt.",
            ));
        }
        if !(5..=60 * 24 * 90).contains(&self.session_minutes) {
            errors.push(FieldError::new(
                "session_minutes",
                "Choose 5 minutes to 90 days (129600 minutes).",
            ));
        }
        let idle = self.session_idle_minutes;
        if idle != 0 && !(5..=self.session_minutes.max(5)).contains(&idle) {
            errors.push(FieldError::new(
                "session_idle_minutes",
                "Choose 0 (no limit) or 5 minutes up to the session lifetime.",
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::Named;

    fn general() -> General {
        General {
            helpdesk_name: "Docket".into(),
            public_url: "https://help.example.com".into(),
            time_zone: "Europe/Berlin".into(),
            default_department: "support".into(),
            default_priority: "normal".into(),
            default_topic: None,
            default_sla_plan: None,
            ticket_numbers: "SOC-####".into(),
            registration: RegistrationPolicy::Open,
            max_upload_mb: 10,
            max_files: 5,
            allowed_extensions: "pdf, .PNG".into(),
            session_minutes: 720,
            session_idle_minutes: 60,
            two_factor: TwoFactorPolicy::Staff,
        }
    }

    fn catalog() -> Catalog {
        let named = |k: &str| Named {
            key: k.into(),
            name: k.into(),
        };
        Catalog {
            departments: vec![named("support")],
            priorities: vec![named("normal")],
            ..Catalog::default()
        }
    }

    #[test]
    fn typical_settings_are_valid() {
        assert_eq!(general().validate(None, &catalog()), vec![]);
    }

    #[test]
    fn a_bad_time_zone_number_mask_and_url_are_refused() {
        let g = General {
            time_zone: "Mars/Olympus".into(),
            ticket_numbers: "SOC-#".into(),
            public_url: "help.example.com".into(),
            ..general()
        };
        let fields: Vec<_> = g
            .validate(None, &catalog())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["public_url", "time_zone", "ticket_numbers"]);
    }

    #[test]
    fn the_idle_timeout_is_off_or_within_the_lifetime() {
        let with_idle = |minutes| General {
            session_idle_minutes: minutes,
            ..general()
        };
        for ok in [0, 5, 720] {
            assert_eq!(with_idle(ok).validate(None, &catalog()), vec![], "{ok}");
        }
        for bad in [-1, 4, 721] {
            let fields: Vec<_> = with_idle(bad)
                .validate(None, &catalog())
                .into_iter()
                .map(|e| e.field)
                .collect();
            assert_eq!(fields, vec!["session_idle_minutes"], "{bad}");
        }
    }

    #[test]
    fn allowed_extensions_are_case_insensitive() {
        let g = general();
        assert!(g.allows_file("report.PDF"));
        assert!(g.allows_file("shot.png"));
        assert!(!g.allows_file("tool.exe"));
        assert!(!g.allows_file("noextension"));
    }
}
