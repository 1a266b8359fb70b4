//! "Check a ticket's status" without an account: email and ticket number ask for a guest link.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::server_fns::guest_access::RequestGuestLink;
use crate::ui::components::{Field, FieldKind, FormAlert};

#[component]
pub fn CheckStatusPage() -> impl IntoView {
    let action = ServerAction::<RequestGuestLink>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Check a ticket's status" />
        <section class="auth-card" aria-labelledby="status-title">
            <h1 id="status-title">"Check a ticket's status"</h1>
            <p class="lead">"No account needed: we send a private link to the email address the ticket was opened with."</p>
            {move || sent().then(|| view! {
                <p class="alert alert--success" role="status">
                    "If that ticket belongs to that address, a link to it is on its way. It works for a limited time."
                </p>
            })}
            <FormAlert error fields=&["email", "number"] />
            <ActionForm action>
                <Field label="Email" name="email" kind=FieldKind::Email error=field("email") />
                <Field label="Ticket number" name="number" error=field("number") />
                <button type="submit" class="button button--primary button--wide" disabled=move || action.pending().get()>
                    "Send me a link"
                </button>
            </ActionForm>
        </section>
    }
}
