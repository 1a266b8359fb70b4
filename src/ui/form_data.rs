//! Reading a submitted form's values in the browser (for forms that build structured requests).

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement, SubmitEvent};

/// The submitted form's data; call from a submit handler only.
pub struct Submitted(FormData);

impl Submitted {
    pub fn of(ev: &SubmitEvent) -> Option<Submitted> {
        let form = ev.target()?.dyn_into::<HtmlFormElement>().ok()?;
        FormData::new_with_form(&form).ok().map(Submitted)
    }

    /// The trimmed value of `name`, empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.0
            .get(name)
            .as_string()
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// The value of `name` unless empty.
    pub fn value(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|s| !s.is_empty())
    }

    /// Every value of `name` (checkboxes, multi-selects).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .get_all(name)
            .iter()
            .filter_map(|v| v.as_string())
            .collect()
    }
}
