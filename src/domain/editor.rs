//! How an admin edits one settings item: a schema of labelled inputs laid over the item's JSON
//! shape (its serde form). The settings page renders any schema; the server parses the JSON back
//! into the typed item and validates it, so the schema never decides what is valid.

use serde::{Deserialize, Serialize};

/// The inputs of one settings item, in display order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema(pub Vec<Spec>);

/// One input. `name` is the item's JSON key; a dotted name (`rules.max_length`) reaches into a
/// nested object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub kind: SpecKind,
    /// Shown only while a sibling input has one of these values (e.g. a header name only for
    /// header conditions).
    pub shown_when: Option<ShownWhen>,
    /// The value a new row starts with (otherwise empty, off, none or the first option).
    pub default: Option<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownWhen {
    pub sibling: String,
    pub values: Vec<String>,
}

/// One option of a choice: the stored value and what people read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Opt {
        Opt {
            value: value.into(),
            label: label.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SpecKind {
    /// A JSON string on one line.
    Text,
    /// A JSON string over several lines.
    LongText,
    /// A JSON number (integer unless the item says otherwise).
    Number,
    /// A JSON boolean.
    Toggle,
    /// A JSON string `HH:MM`.
    Time,
    /// A JSON string `YYYY-MM-DD`.
    Date,
    /// One of the options; `optional` allows none (JSON null).
    Choice { options: Vec<Opt>, optional: bool },
    /// Any number of the options (JSON array of strings).
    Choices(Vec<Opt>),
    /// A choice whose options depend on a sibling's value (an action's target depends on the
    /// action). No entry for the sibling's value: free text. An empty entry: no input at all.
    ChoiceBy {
        sibling: String,
        options: Vec<(String, Vec<Opt>)>,
    },
    /// A list of objects, each edited with these inputs; rows can be added, removed and moved.
    Rows(Vec<Spec>),
}

impl Spec {
    pub fn new(name: &str, label: &str, kind: SpecKind) -> Spec {
        Spec {
            name: name.to_string(),
            label: label.to_string(),
            hint: String::new(),
            kind,
            shown_when: None,
            default: None,
        }
    }

    pub fn text(name: &str, label: &str) -> Spec {
        Spec::new(name, label, SpecKind::Text)
    }

    pub fn long_text(name: &str, label: &str) -> Spec {
        Spec::new(name, label, SpecKind::LongText)
    }

    pub fn number(name: &str, label: &str) -> Spec {
        Spec::new(name, label, SpecKind::Number)
    }

    pub fn toggle(name: &str, label: &str) -> Spec {
        Spec::new(name, label, SpecKind::Toggle)
    }

    pub fn choice(name: &str, label: &str, options: Vec<Opt>) -> Spec {
        Spec::new(
            name,
            label,
            SpecKind::Choice {
                options,
                optional: false,
            },
        )
    }

    /// A choice that may be left empty (JSON null).
    pub fn optional_choice(name: &str, label: &str, options: Vec<Opt>) -> Spec {
        Spec::new(
            name,
            label,
            SpecKind::Choice {
                options,
                optional: true,
            },
        )
    }

    pub fn choices(name: &str, label: &str, options: Vec<Opt>) -> Spec {
        Spec::new(name, label, SpecKind::Choices(options))
    }

    pub fn rows(name: &str, label: &str, inputs: Vec<Spec>) -> Spec {
        Spec::new(name, label, SpecKind::Rows(inputs))
    }

    pub fn hint(mut self, hint: &str) -> Spec {
        self.hint = hint.to_string();
        self
    }

    pub fn default_value(mut self, value: serde_json::Value) -> Spec {
        self.default = Some(value);
        self
    }

    pub fn shown_when(mut self, sibling: &str, values: &[&str]) -> Spec {
        self.shown_when = Some(ShownWhen {
            sibling: sibling.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        });
        self
    }
}
