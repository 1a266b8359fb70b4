//! A filter's conditions: what part of a new ticket they look at and how they compare it.

use serde::{Deserialize, Serialize};

use super::{FIELD_PREFIX, MAX_PATTERN, MAX_VALUE, SUBJECTS, TicketDraft};
use crate::domain::catalog::{Catalog, knows};
use crate::domain::pattern;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// "email", "name", "domain", "subject", "body", "topic", "source", "priority", "header", or
    /// "field:<custom field name>"
    pub subject: String,
    /// Header name when subject == "header" (case-insensitive match of header names); empty
    /// otherwise.
    #[serde(default)]
    pub header: String,
    pub operator: Operator,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Equal,
    NotEqual,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Matches,
    NotMatches,
}

impl Operator {
    pub const ALL: [Operator; 8] = [
        Operator::Equal,
        Operator::NotEqual,
        Operator::Contains,
        Operator::NotContains,
        Operator::StartsWith,
        Operator::EndsWith,
        Operator::Matches,
        Operator::NotMatches,
    ];

    /// The serde name.
    pub fn key(self) -> &'static str {
        match self {
            Operator::Equal => "equal",
            Operator::NotEqual => "not_equal",
            Operator::Contains => "contains",
            Operator::NotContains => "not_contains",
            Operator::StartsWith => "starts_with",
            Operator::EndsWith => "ends_with",
            Operator::Matches => "matches",
            Operator::NotMatches => "not_matches",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Operator::Equal => "equals",
            Operator::NotEqual => "does not equal",
            Operator::Contains => "contains",
            Operator::NotContains => "does not contain",
            Operator::StartsWith => "starts with",
            Operator::EndsWith => "ends with",
            Operator::Matches => "matches regex",
            Operator::NotMatches => "does not match regex",
        }
    }

    fn is_regex(self) -> bool {
        matches!(self, Operator::Matches | Operator::NotMatches)
    }
}

impl Condition {
    /// Whether the ticket meets this condition. Both sides are compared trimmed and lower-cased;
    /// a regular expression is searched for anywhere, ignoring case. An unknown subject or a
    /// regular expression that does not compile makes the condition false, for the negated
    /// operators too: a broken rule never acts.
    pub fn holds(&self, draft: &TicketDraft) -> bool {
        let Some(text) = self.text(draft) else {
            return false;
        };
        let value = self.value.trim();
        let regex = || pattern::compile(value, true).ok();
        let lower = text.trim().to_lowercase();
        let value_lower = value.to_lowercase();
        match self.operator {
            Operator::Equal => lower == value_lower,
            Operator::NotEqual => lower != value_lower,
            Operator::Contains => lower.contains(&value_lower),
            Operator::NotContains => !lower.contains(&value_lower),
            Operator::StartsWith => lower.starts_with(&value_lower),
            Operator::EndsWith => lower.ends_with(&value_lower),
            Operator::Matches => regex().is_some_and(|re| pattern::is_match(&re, text)),
            Operator::NotMatches => regex().is_some_and(|re| !pattern::is_match(&re, text)),
        }
    }

    /// The ticket's text this condition looks at: empty when the ticket has none, `None` for
    /// an unknown subject.
    fn text<'a>(&self, draft: &'a TicketDraft) -> Option<&'a str> {
        let text = match self.subject.as_str() {
            "email" => &draft.email,
            "name" => &draft.name,
            "domain" => draft
                .email
                .rsplit_once('@')
                .map_or("", |(_, domain)| domain),
            "subject" => &draft.subject,
            "body" => &draft.body,
            "topic" => draft.topic.as_deref().unwrap_or(""),
            "source" => &draft.source,
            "priority" => draft.priority.as_deref().unwrap_or(""),
            "header" => draft
                .headers
                .iter()
                .find(|(name, _)| name.trim().eq_ignore_ascii_case(self.header.trim()))
                .map_or("", |(_, value)| value),
            subject => {
                let field = subject.strip_prefix(FIELD_PREFIX)?;
                draft.fields.get(field).map_or("", String::as_str)
            }
        };
        Some(text)
    }

    /// Problems by the field's name within the condition.
    pub(super) fn problems(&self, catalog: &Catalog) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        match self.subject.strip_prefix(FIELD_PREFIX) {
            Some(field) if !knows(&catalog.fields, field) => problems.push((
                "subject",
                format!("There is no custom field “{field}”; choose another."),
            )),
            Some(_) => {}
            None if !SUBJECTS.iter().any(|(key, _)| *key == self.subject) => {
                problems.push(("subject", "Choose what to compare.".to_string()));
            }
            None => {}
        }

        if self.subject == "header" {
            let header = self.header.trim();
            if header.is_empty() {
                problems.push((
                    "header",
                    "Enter the header name, like X-Spam-Flag.".to_string(),
                ));
            } else if !header.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                problems.push((
                    "header",
                    "A header name has no spaces, colons or accented letters.".to_string(),
                ));
            }
        }

        let value = self.value.trim();
        let may_be_empty = matches!(self.operator, Operator::Equal | Operator::NotEqual);
        if value.is_empty() && !may_be_empty {
            problems.push(("value", "Enter a value to compare with.".to_string()));
        } else if self.operator.is_regex() {
            if value.chars().count() > MAX_PATTERN {
                problems.push((
                    "value",
                    format!("A regular expression can be at most {MAX_PATTERN} characters."),
                ));
            } else if let Err(e) = pattern::compile(value, true) {
                problems.push(("value", e));
            }
        } else if value.chars().count() > MAX_VALUE {
            problems.push((
                "value",
                format!("A value can be at most {MAX_VALUE} characters."),
            ));
        }
        problems
    }
}
