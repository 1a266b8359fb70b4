//! Addressing a value inside a settings item's JSON: object keys and list indexes.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the item's root; a spec's dotted name adds one key per part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn key(&self, dotted: &str) -> Path {
        let mut segs = self.0.clone();
        segs.extend(dotted.split('.').map(|k| Seg::Key(k.to_string())));
        Path(segs)
    }

    pub fn index(&self, i: usize) -> Path {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(i));
        Path(segs)
    }

    /// As the server names fields in errors: `conditions.0.value`.
    pub fn dotted(&self) -> String {
        self.0
            .iter()
            .map(|s| match s {
                Seg::Key(k) => k.clone(),
                Seg::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// A unique, id-safe name for the input.
    pub fn id(&self) -> String {
        format!("setting-{}", self.dotted().replace(['.', '_'], "-"))
    }

    pub fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.0.iter().try_fold(root, |v, seg| match seg {
            Seg::Key(k) => v.get(k),
            Seg::Index(i) => v.get(i),
        })
    }

    /// Sets the value, creating objects on the way.
    pub fn set(&self, root: &mut Value, value: Value) {
        let mut current = root;
        for seg in &self.0 {
            current = match seg {
                Seg::Key(k) => {
                    if !current.is_object() {
                        *current = Value::Object(Default::default());
                    }
                    current
                        .as_object_mut()
                        .map(|o| o.entry(k.clone()).or_insert(Value::Null))
                        .expect("an object")
                }
                Seg::Index(i) => match current.get_mut(*i) {
                    Some(v) => v,
                    None => return,
                },
            };
        }
        *current = value;
    }

    /// The list at this path, to change in place (created when missing).
    pub fn with_list(&self, root: &mut Value, change: impl FnOnce(&mut Vec<Value>)) {
        if !self.get(root).is_some_and(Value::is_array) {
            self.set(root, Value::Array(Vec::new()));
        }
        let mut current = root;
        for seg in &self.0 {
            current = match seg {
                Seg::Key(k) => current.get_mut(k.as_str()),
                Seg::Index(i) => current.get_mut(*i),
            }
            .expect("created above");
        }
        if let Value::Array(list) = current {
            change(list);
        }
    }

    /// The sibling `name` of the value at this path (same object).
    pub fn sibling(&self, name: &str) -> Path {
        let mut segs = self.0.clone();
        segs.pop();
        Path(segs).key(name)
    }
}

/// A value as text for comparisons (`shown_when`, dependent choices).
pub fn as_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_and_write_nested_values() {
        let mut item = json!({ "fields": [{ "rules": {} }] });
        let path = Path::default()
            .key("fields")
            .index(0)
            .key("rules.max_length");
        path.set(&mut item, json!(40));
        assert_eq!(path.get(&item), Some(&json!(40)));
        assert_eq!(path.dotted(), "fields.0.rules.max_length");
        assert_eq!(path.sibling("pattern").dotted(), "fields.0.rules.pattern");
    }

    #[test]
    fn lists_are_created_when_missing() {
        let mut item = json!({});
        Path::default()
            .key("holidays")
            .with_list(&mut item, |l| l.push(json!({ "date": "2026-12-25" })));
        assert_eq!(item, json!({ "holidays": [{ "date": "2026-12-25" }] }));
    }
}
