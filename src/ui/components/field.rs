//! A labelled form control with its hint and error, wired for screen readers.

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Email,
    Password,
    NewPassword,
    Search,
    /// A code from an authenticator app (or a recovery code).
    OneTimeCode,
}

impl FieldKind {
    fn input_type(self) -> &'static str {
        match self {
            FieldKind::Text | FieldKind::OneTimeCode => "text",
            FieldKind::Email => "email",
            FieldKind::Password | FieldKind::NewPassword => "password",
            FieldKind::Search => "search",
        }
    }

    fn autocomplete(self, name: &str) -> &'static str {
        match (self, name) {
            (FieldKind::Email, _) => "email",
            (FieldKind::Password, _) => "current-password",
            (FieldKind::NewPassword, _) => "new-password",
            (FieldKind::OneTimeCode, _) => "one-time-code",
            (FieldKind::Text, "name") => "name",
            _ => "off",
        }
    }
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = FieldKind::Text)] kind: FieldKind,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind.input_type()
                autocomplete=kind.autocomplete(name)
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {move || error.get().map(|message| view! { <p class="field__error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}
