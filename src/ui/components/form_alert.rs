//! The message above a form for errors that belong to no single field.

use leptos::prelude::*;

use crate::error::AppError;

/// Shows `error` unless it only concerns the fields the form displays itself. A name in `fields`
/// ending in `*` stands for every field starting with what comes before it (`field.*`).
#[component]
pub fn FormAlert(
    #[prop(into)] error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    let shown = move |name: &str| {
        fields.iter().any(|f| match f.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => *f == name,
        })
    };
    let message = move || {
        error.get().and_then(|e| match &e {
            AppError::Invalid { fields: problems } if problems.iter().all(|p| shown(&p.field)) => {
                None
            }
            other => Some(other.to_string()),
        })
    };
    view! { {move || message().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })} }
}
