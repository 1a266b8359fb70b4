//! Custom forms: the fields a help topic asks for, and the validation of what people type into them.
//! Raw input arrives as text (a form post); a validated value is typed.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    ShortText,
    LongText,
    Number,
    Date,
    DateTime,
    Checkbox,
    SingleChoice,
    MultipleChoice,
    Email,
    Phone,
    File,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Who is filling the form: customers see and must fill other fields than agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    Customer,
    Agent,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldRules {
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    /// A regular expression the whole value must match (text kinds).
    pub pattern: Option<String>,
    /// What to say when `pattern` does not match.
    pub pattern_message: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Stable key, e.g. `affected_host`; what the API and filters use.
    pub name: String,
    pub label: String,
    pub hint: String,
    pub kind: FieldKind,
    pub rules: FieldRules,
    pub choices: Vec<Choice>,
    pub customer_visible: bool,
    pub customer_editable: bool,
    pub customer_required: bool,
    pub agent_required: bool,
}

/// A validated value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Flag(bool),
    Choice(String),
    Choices(Vec<String>),
    /// Ids of uploaded attachments.
    Files(Vec<String>),
}

impl FieldValue {
    /// The value as people read it; choices show their labels when the field is known.
    pub fn display(&self, def: Option<&FieldDef>) -> String {
        let label = |value: &str| {
            def.and_then(|d| d.choices.iter().find(|c| c.value == value))
                .map_or_else(|| value.to_string(), |c| c.label.clone())
        };
        match self {
            FieldValue::Text(text) => text.clone(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            FieldValue::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            FieldValue::Flag(b) => if *b { "Yes" } else { "No" }.to_string(),
            FieldValue::Choice(c) => label(c),
            FieldValue::Choices(cs) => cs.iter().map(|c| label(c)).collect::<Vec<_>>().join(", "),
            FieldValue::Files(ids) => format!("{} file(s)", ids.len()),
        }
    }
}

impl FieldValue {
    /// The value as a form submits it (the inverse of [`FieldDef::validate`]), to prefill an
    /// edit form.
    pub fn inputs(&self) -> Vec<String> {
        match self {
            FieldValue::Text(t) | FieldValue::Choice(t) => vec![t.clone()],
            FieldValue::Number(n) => vec![n.to_string()],
            FieldValue::Date(d) => vec![d.format("%Y-%m-%d").to_string()],
            FieldValue::DateTime(t) => vec![t.format("%Y-%m-%dT%H:%M").to_string()],
            FieldValue::Flag(true) => vec!["on".to_string()],
            FieldValue::Flag(false) => Vec::new(),
            FieldValue::Choices(cs) => cs.clone(),
            FieldValue::Files(_) => Vec::new(),
        }
    }
}

/// The outcome of [`edit_fields`].
#[derive(Clone, Debug, PartialEq)]
pub struct FieldEdit {
    pub values: BTreeMap<String, FieldValue>,
    /// Names of the fields whose value changed.
    pub changed: Vec<String>,
}

/// Applies staff edits of some fields (`raw`, by name) to `current`, validated as agents fill
/// them; fields not named keep their values, and file fields are not edited this way.
pub fn edit_fields(
    definitions: &[FieldDef],
    current: &BTreeMap<String, FieldValue>,
    raw: &BTreeMap<String, Vec<String>>,
) -> Result<FieldEdit, Vec<FieldError>> {
    let edited: Vec<FieldDef> = definitions
        .iter()
        .filter(|d| d.kind != FieldKind::File && raw.contains_key(&d.name))
        .cloned()
        .collect();
    if let Some(unknown) = raw.keys().find(|k| !edited.iter().any(|d| &d.name == *k)) {
        return Err(vec![FieldError::new(
            format!("field.{unknown}"),
            "This ticket's form has no such field.",
        )]);
    }
    let values = validate_form(&edited, raw, Audience::Agent)?;
    let mut updated = current.clone();
    let mut changed = Vec::new();
    for def in &edited {
        let new = values.get(&def.name);
        if current.get(&def.name) != new {
            changed.push(def.name.clone());
            match new {
                Some(v) => updated.insert(def.name.clone(), v.clone()),
                None => updated.remove(&def.name),
            };
        }
    }
    Ok(FieldEdit {
        values: updated,
        changed,
    })
}

/// The longest text any field accepts, whatever its own rules say.
pub const MAX_TEXT: usize = 20_000;

impl FieldDef {
    pub fn applies_to(&self, audience: Audience) -> bool {
        match audience {
            Audience::Customer => self.customer_visible && self.customer_editable,
            Audience::Agent => true,
        }
    }

    fn required_for(&self, audience: Audience) -> bool {
        match audience {
            Audience::Customer => self.customer_required,
            Audience::Agent => self.agent_required,
        }
    }

    /// Validates the raw inputs for this field (several for multiple choice and files).
    /// Returns `None` for an optional field left empty.
    pub fn validate(
        &self,
        raw: &[String],
        audience: Audience,
    ) -> Result<Option<FieldValue>, String> {
        let values: Vec<&str> = raw
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let empty = values.is_empty()
            || (self.kind == FieldKind::Checkbox && values.iter().all(|v| is_false(v)));
        if empty {
            return if self.required_for(audience) {
                Err(match self.kind {
                    FieldKind::Checkbox => format!("Tick “{}” to continue.", self.label),
                    FieldKind::SingleChoice | FieldKind::MultipleChoice => {
                        format!("Choose {}.", self.label.to_lowercase())
                    }
                    FieldKind::File => format!("Attach {}.", self.label.to_lowercase()),
                    _ => format!("Enter {}.", self.label.to_lowercase()),
                })
            } else if self.kind == FieldKind::Checkbox {
                Ok(Some(FieldValue::Flag(false)))
            } else {
                Ok(None)
            };
        }
        let single = || -> Result<&str, String> {
            match values.as_slice() {
                [one] => Ok(*one),
                _ => Err("Give one value.".to_string()),
            }
        };
        let value = match self.kind {
            FieldKind::ShortText | FieldKind::LongText => {
                FieldValue::Text(self.check_text(single()?)?)
            }
            FieldKind::Email => {
                let text = self.check_text(single()?)?;
                crate::domain::user::Email::parse(&text).map_err(|e| e.to_string())?;
                FieldValue::Text(text)
            }
            FieldKind::Phone => {
                let text = self.check_text(single()?)?;
                let digits = text.chars().filter(char::is_ascii_digit).count();
                let allowed = text
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().x".contains(c));
                if !allowed || !(5..=20).contains(&digits) {
                    return Err("Enter a phone number of digits, spaces, + - ( ).".into());
                }
                FieldValue::Text(text)
            }
            FieldKind::Number => {
                let n: f64 = single()?
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite())
                    .ok_or("Enter a number.")?;
                self.check_range(n)?;
                FieldValue::Number(n)
            }
            FieldKind::Date => FieldValue::Date(
                NaiveDate::parse_from_str(single()?, "%Y-%m-%d")
                    .map_err(|_| "Enter a date as YYYY-MM-DD.".to_string())?,
            ),
            FieldKind::DateTime => {
                let text = single()?;
                let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
                    .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
                    .map_err(|_| "Enter a date and time as YYYY-MM-DDTHH:MM.".to_string())?;
                FieldValue::DateTime(parsed)
            }
            FieldKind::Checkbox => FieldValue::Flag(true),
            FieldKind::SingleChoice => FieldValue::Choice(self.check_choice(single()?)?),
            FieldKind::MultipleChoice => {
                let mut chosen = values
                    .iter()
                    .map(|v| self.check_choice(v))
                    .collect::<Result<Vec<_>, _>>()?;
                chosen.dedup();
                FieldValue::Choices(chosen)
            }
            FieldKind::File => FieldValue::Files(values.iter().map(|v| v.to_string()).collect()),
        };
        Ok(Some(value))
    }

    fn check_text(&self, text: &str) -> Result<String, String> {
        let length = text.chars().count();
        let max = self
            .rules
            .max_length
            .map_or(MAX_TEXT, |m| (m as usize).min(MAX_TEXT));
        if length > max {
            return Err(format!("Use at most {max} characters."));
        }
        if let Some(min) = self.rules.min_length
            && length < min as usize
        {
            return Err(format!("Use at least {min} characters."));
        }
        if self.kind == FieldKind::ShortText && text.contains(['\n', '\r']) {
            return Err("Keep this to one line.".into());
        }
        if let Some(pattern) = &self.rules.pattern {
            let matches = crate::domain::pattern::compile(&format!("^(?:{pattern})$"), false)
                .map(|re| crate::domain::pattern::is_match(&re, text))
                .unwrap_or(false);
            if !matches {
                return Err(self
                    .rules
                    .pattern_message
                    .clone()
                    .unwrap_or_else(|| "This is not in the expected format.".into()));
            }
        }
        Ok(text.to_string())
    }

    fn check_range(&self, n: f64) -> Result<(), String> {
        match (self.rules.min, self.rules.max) {
            (Some(min), _) if n < min => Err(format!("Enter {min} or more.")),
            (_, Some(max)) if n > max => Err(format!("Enter {max} or less.")),
            _ => Ok(()),
        }
    }

    fn check_choice(&self, value: &str) -> Result<String, String> {
        self.choices
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.value.clone())
            .ok_or_else(|| {
                format!(
                    "Choose one of the listed options for {}.",
                    self.label.to_lowercase()
                )
            })
    }
}

fn is_false(v: &str) -> bool {
    matches!(v, "false" | "0" | "off" | "no")
}

/// Validates a whole form: every field that applies to `audience`, with one message per bad field.
/// Inputs for fields that do not apply (or do not exist) are ignored.
pub fn validate_form(
    fields: &[FieldDef],
    raw: &BTreeMap<String, Vec<String>>,
    audience: Audience,
) -> Result<BTreeMap<String, FieldValue>, Vec<FieldError>> {
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    for field in fields.iter().filter(|f| f.applies_to(audience)) {
        let input = raw.get(&field.name).map(Vec::as_slice).unwrap_or_default();
        match field.validate(input, audience) {
            Ok(Some(value)) => {
                values.insert(field.name.clone(), value);
            }
            Ok(None) => {}
            Err(message) => errors.push(FieldError::new(format!("field.{}", field.name), message)),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> FieldDef {
        FieldDef {
            name: "f".into(),
            label: "Affected host".into(),
            hint: String::new(),
            kind,
            rules: FieldRules::default(),
            choices: vec![
                Choice {
                    value: "low".into(),
                    label: "Low".into(),
                },
                Choice {
                    value: "high".into(),
                    label: "High".into(),
                },
            ],
            customer_visible: true,
            customer_editable: true,
            customer_required: true,
            agent_required: false,
        }
    }

    fn raw(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_required_field_left_empty_says_what_to_enter() {
        let f = field(FieldKind::ShortText);
        assert_eq!(
            f.validate(&raw(&["  "]), Audience::Customer),
            Err("Enter affected host.".into())
        );
        assert_eq!(
            f.validate(&raw(&[]), Audience::Agent),
            Ok(None),
            "not required for agents"
        );
    }

    #[test]
    fn text_length_and_pattern_rules_apply() {
        let mut f = field(FieldKind::ShortText);
        f.rules = FieldRules {
            min_length: Some(3),
            max_length: Some(10),
            pattern: Some("[a-z0-9-]+".into()),
            pattern_message: Some("Use a host name.".into()),
            ..FieldRules::default()
        };
        assert_eq!(
            f.validate(&raw(&["ab"]), Audience::Customer),
            Err("Use at least 3 characters.".into())
        );
        assert_eq!(
            f.validate(&raw(&["abcdefghijk"]), Audience::Customer),
            Err("Use at most 10 characters.".into())
        );
        assert_eq!(
            f.validate(&raw(&["Web 01"]), Audience::Customer),
            Err("Use a host name.".into())
        );
        assert_eq!(
            f.validate(&raw(&["web-01"]), Audience::Customer),
            Ok(Some(FieldValue::Text("web-01".into())))
        );
    }

    #[test]
    fn short_text_is_one_line() {
        assert!(
            field(FieldKind::ShortText)
                .validate(&raw(&["a\nb"]), Audience::Customer)
                .is_err()
        );
        assert!(
            field(FieldKind::LongText)
                .validate(&raw(&["a\nb"]), Audience::Customer)
                .is_ok()
        );
    }

    #[test]
    fn numbers_respect_min_and_max() {
        let mut f = field(FieldKind::Number);
        f.rules.min = Some(1.0);
        f.rules.max = Some(5.0);
        assert_eq!(
            f.validate(&raw(&["x"]), Audience::Customer),
            Err("Enter a number.".into())
        );
        assert_eq!(
            f.validate(&raw(&["0"]), Audience::Customer),
            Err("Enter 1 or more.".into())
        );
        assert_eq!(
            f.validate(&raw(&["6"]), Audience::Customer),
            Err("Enter 5 or less.".into())
        );
        assert_eq!(
            f.validate(&raw(&["2.5"]), Audience::Customer),
            Ok(Some(FieldValue::Number(2.5)))
        );
        assert!(f.validate(&raw(&["NaN"]), Audience::Customer).is_err());
    }

    #[test]
    fn dates_and_times_parse_from_browser_inputs() {
        let d = field(FieldKind::Date);
        assert!(matches!(
            d.validate(&raw(&["2026-02-28"]), Audience::Customer),
            Ok(Some(FieldValue::Date(_)))
        ));
        assert!(
            d.validate(&raw(&["2026-02-30"]), Audience::Customer)
                .is_err()
        );
        let t = field(FieldKind::DateTime);
        assert!(matches!(
            t.validate(&raw(&["2026-02-28T13:45"]), Audience::Customer),
            Ok(Some(FieldValue::DateTime(_)))
        ));
        assert!(
            t.validate(&raw(&["yesterday"]), Audience::Customer)
                .is_err()
        );
    }

    #[test]
    fn choices_must_be_listed_options() {
        let single = field(FieldKind::SingleChoice);
        assert_eq!(
            single.validate(&raw(&["high"]), Audience::Customer),
            Ok(Some(FieldValue::Choice("high".into())))
        );
        assert!(
            single
                .validate(&raw(&["urgent"]), Audience::Customer)
                .is_err()
        );
        assert!(
            single
                .validate(&raw(&["low", "high"]), Audience::Customer)
                .is_err()
        );
        let multiple = field(FieldKind::MultipleChoice);
        assert_eq!(
            multiple.validate(&raw(&["low", "high"]), Audience::Customer),
            Ok(Some(FieldValue::Choices(vec!["low".into(), "high".into()])))
        );
    }

    #[test]
    fn a_required_checkbox_must_be_ticked() {
        let f = field(FieldKind::Checkbox);
        assert!(f.validate(&raw(&["false"]), Audience::Customer).is_err());
        assert_eq!(
            f.validate(&raw(&["on"]), Audience::Customer),
            Ok(Some(FieldValue::Flag(true)))
        );
    }

    #[test]
    fn emails_and_phones_are_checked() {
        assert!(
            field(FieldKind::Email)
                .validate(&raw(&["nope"]), Audience::Customer)
                .is_err()
        );
        assert!(
            field(FieldKind::Email)
                .validate(&raw(&["a@example.com"]), Audience::Customer)
                .is_ok()
        );
        assert!(
            field(FieldKind::Phone)
                .validate(&raw(&["+44 (20) 7946-0958"]), Audience::Customer)
                .is_ok()
        );
        assert!(
            field(FieldKind::Phone)
                .validate(&raw(&["call me"]), Audience::Customer)
                .is_err()
        );
    }

    #[test]
    fn a_form_reports_every_bad_field_and_ignores_hidden_ones() {
        let mut hidden = field(FieldKind::ShortText);
        hidden.name = "internal".into();
        hidden.customer_visible = false;
        let mut host = field(FieldKind::ShortText);
        host.name = "host".into();
        let mut count = field(FieldKind::Number);
        count.name = "count".into();
        let input = BTreeMap::from([
            ("count".to_string(), raw(&["many"])),
            ("internal".to_string(), raw(&["x"])),
        ]);
        let errors = validate_form(&[hidden, host, count], &input, Audience::Customer).unwrap_err();
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["field.host", "field.count"]);
    }

    #[test]
    fn agents_edit_only_the_fields_they_name_and_see_what_changed() {
        let host = FieldDef {
            name: "host".into(),
            ..field(FieldKind::ShortText)
        };
        let seen = FieldDef {
            name: "seen".into(),
            ..field(FieldKind::Date)
        };
        let current = BTreeMap::from([
            ("host".to_string(), FieldValue::Text("web-01".into())),
            (
                "seen".to_string(),
                FieldValue::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
            ),
        ]);
        let raw = BTreeMap::from([("host".to_string(), vec!["web-02".to_string()])]);
        let FieldEdit {
            values: updated,
            changed,
        } = edit_fields(&[host.clone(), seen.clone()], &current, &raw).unwrap();
        assert_eq!(changed, ["host"]);
        assert_eq!(updated["host"], FieldValue::Text("web-02".into()));
        assert_eq!(updated["seen"], current["seen"]);

        let same = BTreeMap::from([("seen".to_string(), current["seen"].inputs())]);
        assert_eq!(
            edit_fields(&[host.clone(), seen.clone()], &current, &same)
                .unwrap()
                .changed,
            Vec::<String>::new()
        );

        let unknown = BTreeMap::from([("nope".to_string(), vec!["x".to_string()])]);
        assert!(edit_fields(&[host, seen], &current, &unknown).is_err());
    }
}
