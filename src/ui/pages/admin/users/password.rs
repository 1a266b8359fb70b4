//! Giving an account a new password to hand over privately (its sessions end).

use leptos::prelude::*;

use crate::domain::user::UserSummary;
use crate::server_fns::directory::ResetPassword;
use crate::ui::form_data::Submitted;

#[component]
pub fn PasswordReset(account: UserSummary, action: ServerAction<ResetPassword>) -> impl IntoView {
    let id = account.id.clone();
    let input_id = format!("password-{}", account.id);
    let done = move || {
        action
            .value()
            .get()
            .is_some_and(|r| r.is_ok())
            .then(|| view! { <p class="muted" role="status">"Password changed; their sessions ended."</p> })
    };
    view! {
        <details class="memberships">
            <summary aria-label=format!("Reset the password of {}", account.email)>"Reset password"</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    action.dispatch(ResetPassword { id: id.clone(), password: form.text("password") });
                }
            }>
                <div class="field field--inline">
                    <label for=input_id.clone()>"New password"</label>
                    <input id=input_id type="password" name="password" autocomplete="new-password" />
                </div>
                <button type="submit" class="button button--small">"Set password"</button>
                {done}
            </form>
        </details>
    }
}
