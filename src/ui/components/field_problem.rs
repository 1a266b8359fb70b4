//! The message a server refusal gives one field of a GET filter form (the audit log, reports).
//! `error` reads the page's resource: it is read inside a Transition, or the page would wait.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn FieldProblem(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || match error.get() {
                Some(AppError::Invalid { fields }) => fields
                    .into_iter()
                    .find(|f| f.field == field)
                    .map(|f| view! { <p class="field__error" role="alert">{f.message}</p> }),
                _ => None,
            }}
        </Transition>
    }
}
