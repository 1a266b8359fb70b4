//! Forms as admins build them: an ordered list of custom fields (`domain::form::FieldDef`) that
//! help topics ask for.

use serde::{Deserialize, Serialize};

use super::{Item, check_name};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Opt, Schema, Spec};
use crate::domain::form::{FieldDef, FieldKind, FieldRules};
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormDef {
    pub name: String,
    pub active: bool,
    /// In the order customers and agents see them.
    pub fields: Vec<FieldDef>,
}

const KINDS: [(FieldKind, &str, &str); 11] = [
    (FieldKind::ShortText, "short_text", "Short text"),
    (FieldKind::LongText, "long_text", "Long text"),
    (FieldKind::Number, "number", "Number"),
    (FieldKind::Date, "date", "Date"),
    (FieldKind::DateTime, "date_time", "Date and time"),
    (FieldKind::Checkbox, "checkbox", "Checkbox"),
    (FieldKind::SingleChoice, "single_choice", "Choice (one)"),
    (
        FieldKind::MultipleChoice,
        "multiple_choice",
        "Choice (several)",
    ),
    (FieldKind::Email, "email", "Email address"),
    (FieldKind::Phone, "phone", "Phone number"),
    (FieldKind::File, "file", "File upload"),
];

impl FormDef {
    pub fn blank() -> FormDef {
        FormDef {
            name: String::new(),
            active: true,
            fields: vec![FormDef::blank_field()],
        }
    }

    pub fn blank_field() -> FieldDef {
        FieldDef {
            name: String::new(),
            label: String::new(),
            hint: String::new(),
            kind: FieldKind::ShortText,
            rules: FieldRules::default(),
            choices: Vec::new(),
            customer_visible: true,
            customer_editable: true,
            customer_required: false,
            agent_required: false,
        }
    }

    pub fn schema() -> Schema {
        let choice_kinds = ["single_choice", "multiple_choice"];
        let text_kinds = ["short_text", "long_text", "email", "phone"];
        Schema(vec![
            Spec::text("name", "Name"),
            Spec::toggle("active", "Active"),
            Spec::rows(
                "fields",
                "Fields",
                vec![
                    Spec::text("label", "Label"),
                    Spec::text("name", "Key")
                        .hint("Lower-case letters, digits and _; what the API and filters use."),
                    Spec::choice(
                        "kind",
                        "Type",
                        KINDS.iter().map(|(_, v, l)| Opt::new(*v, *l)).collect(),
                    ),
                    Spec::text("hint", "Hint"),
                    Spec::rows(
                        "choices",
                        "Options",
                        vec![Spec::text("value", "Value"), Spec::text("label", "Label")],
                    )
                    .shown_when("kind", &choice_kinds),
                    Spec::number("rules.max_length", "Longest length")
                        .shown_when("kind", &text_kinds),
                    Spec::text("rules.pattern", "Pattern (regular expression)")
                        .shown_when("kind", &text_kinds),
                    Spec::text("rules.pattern_message", "Message when the pattern fails")
                        .shown_when("kind", &text_kinds),
                    Spec::number("rules.min", "Smallest").shown_when("kind", &["number"]),
                    Spec::number("rules.max", "Largest").shown_when("kind", &["number"]),
                    Spec::toggle("customer_visible", "Customers see it")
                        .default_value(serde_json::Value::Bool(true)),
                    Spec::toggle("customer_editable", "Customers fill it in")
                        .default_value(serde_json::Value::Bool(true)),
                    Spec::toggle("customer_required", "Required for customers"),
                    Spec::toggle("agent_required", "Required for agents"),
                ],
            ),
        ])
    }

    /// The kinds as the editor offers them (value, label).
    pub fn kind_options() -> Vec<Opt> {
        KINDS.iter().map(|(_, v, l)| Opt::new(*v, *l)).collect()
    }
}

fn blank_to_none(text: &mut Option<String>) {
    if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        *text = None;
    }
}

impl Item for FormDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn normalize(&mut self) {
        for field in &mut self.fields {
            field.label = field.label.trim().to_string();
            field.name = field.name.trim().to_string();
            // A new field's key follows its label unless the admin gave one.
            if field.name.is_empty() && !field.label.is_empty() {
                field.name = super::slug(&field.label);
            }
            blank_to_none(&mut field.rules.pattern);
            blank_to_none(&mut field.rules.pattern_message);
            if !matches!(
                field.kind,
                FieldKind::SingleChoice | FieldKind::MultipleChoice
            ) {
                field.choices.clear();
            }
            if !field.customer_visible {
                field.customer_editable = false;
            }
            if !field.customer_editable {
                field.customer_required = false;
            }
        }
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        if self.fields.len() > 50 {
            errors.push(FieldError::new("fields", "A form has at most 50 fields."));
        }
        for (i, field) in self.fields.iter().enumerate() {
            let at = |name: &str| format!("fields.{i}.{name}");
            let valid_key = field.name.len() <= 64
                && field.name.starts_with(|c: char| c.is_ascii_lowercase())
                && field
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid_key {
                errors.push(FieldError::new(
                    at("name"),
                    "Start with a letter; use lower-case letters, digits and _ (e.g. affected_host).",
                ));
            } else if self.fields[..i].iter().any(|f| f.name == field.name) {
                errors.push(FieldError::new(at("name"), "Another field has this key."));
            }
            if field.label.is_empty() || field.label.chars().count() > 100 {
                errors.push(FieldError::new(
                    at("label"),
                    "Enter a label of at most 100 characters.",
                ));
            }
            if field.hint.chars().count() > 300 {
                errors.push(FieldError::new(
                    at("hint"),
                    "Keep the hint under 300 characters.",
                ));
            }
            if matches!(
                field.kind,
                FieldKind::SingleChoice | FieldKind::MultipleChoice
            ) {
                if field.choices.is_empty() {
                    errors.push(FieldError::new(at("choices"), "Add at least one option."));
                }
                for (j, choice) in field.choices.iter().enumerate() {
                    if choice.value.trim().is_empty() || choice.label.trim().is_empty() {
                        errors.push(FieldError::new(
                            format!("fields.{i}.choices.{j}.value"),
                            "Give each option a value and a label.",
                        ));
                    } else if field.choices[..j].iter().any(|c| c.value == choice.value) {
                        errors.push(FieldError::new(
                            format!("fields.{i}.choices.{j}.value"),
                            "Another option has this value.",
                        ));
                    }
                }
            }
            if let Some(pattern) = &field.rules.pattern
                && let Err(e) = crate::domain::pattern::compile(pattern, false)
            {
                errors.push(FieldError::new(at("rules.pattern"), e));
            }
            if let (Some(min), Some(max)) = (field.rules.min, field.rules.max)
                && min > max
            {
                errors.push(FieldError::new(
                    at("rules.max"),
                    "Largest must not be below smallest.",
                ));
            }
            if let (Some(min), Some(max)) = (field.rules.min_length, field.rules.max_length)
                && min > max
            {
                errors.push(FieldError::new(
                    at("rules.max_length"),
                    "Longest must not be below shortest.",
                ));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::Choice;

    fn form(fields: Vec<FieldDef>) -> FormDef {
        FormDef {
            name: "Incident".into(),
            active: true,
            fields,
        }
    }

    fn field(name: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            name: name.into(),
            label: "Label".into(),
            kind,
            ..FormDef::blank_field()
        }
    }

    fn fields_with_errors(f: &FormDef) -> Vec<String> {
        f.validate(None, &Catalog::default())
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn field_keys_must_be_lower_case_identifiers_and_unique() {
        let f = form(vec![
            field("Bad Key", FieldKind::ShortText),
            field("host", FieldKind::ShortText),
            field("host", FieldKind::Number),
        ]);
        assert_eq!(
            fields_with_errors(&f),
            vec!["fields.0.name", "fields.2.name"]
        );
    }

    #[test]
    fn choice_fields_need_distinct_options() {
        let mut choice = field("impact", FieldKind::SingleChoice);
        assert_eq!(
            fields_with_errors(&form(vec![choice.clone()])),
            vec!["fields.0.choices"]
        );
        choice.choices = vec![
            Choice {
                value: "a".into(),
                label: "A".into(),
            },
            Choice {
                value: "a".into(),
                label: "B".into(),
            },
        ];
        assert_eq!(
            fields_with_errors(&form(vec![choice])),
            vec!["fields.0.choices.1.value"]
        );
    }

    #[test]
    fn an_invalid_pattern_is_refused_with_the_reason() {
        let mut f = field("host", FieldKind::ShortText);
        f.rules.pattern = Some("([a-z".into());
        let errors = form(vec![f]).validate(None, &Catalog::default());
        assert_eq!(errors[0].field, "fields.0.rules.pattern");
        assert!(
            errors[0]
                .message
                .starts_with("This is not a valid regular expression")
        );
    }

    #[test]
    fn normalizing_drops_empty_patterns_and_options_of_non_choice_fields() {
        let mut f = field("host", FieldKind::ShortText);
        f.rules.pattern = Some("  ".into());
        f.choices = vec![Choice {
            value: "a".into(),
            label: "A".into(),
        }];
        let mut def = form(vec![f]);
        def.normalize();
        assert_eq!(def.fields[0].rules.pattern, None);
        assert!(def.fields[0].choices.is_empty());
    }

    #[test]
    fn a_new_fields_key_follows_its_label_unless_given() {
        let mut def = form(vec![
            FieldDef {
                name: String::new(),
                label: " Switch name ".into(),
                ..FormDef::blank_field()
            },
            field("host", FieldKind::ShortText),
        ]);
        def.normalize();
        assert_eq!(def.fields[0].name, "switch_name");
        assert_eq!(def.fields[1].name, "host");
    }
}
