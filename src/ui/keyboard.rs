//! Keyboard shortcuts: telling a page's keys from typing in a form.

/// Whether a key press belongs to a text field, a select or an editable area rather than the page.
pub fn typing_in_a_field(ev: &leptos::web_sys::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}
