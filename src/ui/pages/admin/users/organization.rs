//! A customer's organization and whether they are one of its primary contacts (which, by the
//! organization's sharing policy, may show them their colleagues' tickets).

use leptos::prelude::*;

use crate::domain::ticket::Named;
use crate::domain::user::UserSummary;
use crate::server_fns::directory::SetOrganization;
use crate::ui::form_data::Submitted;

#[component]
pub fn OrganizationPicker(
    account: UserSummary,
    organizations: Vec<Named>,
    action: ServerAction<SetOrganization>,
) -> impl IntoView {
    let id = account.id.clone();
    let current = account.organization.clone();
    let summary = match &current {
        Some(o) if o.primary_contact => format!("{} (primary contact)", o.name),
        Some(o) => o.name.clone(),
        None => "No organization".to_string(),
    };
    let current_key = current.as_ref().map(|o| o.key.clone()).unwrap_or_default();
    let primary = current.as_ref().is_some_and(|o| o.primary_contact);
    let select_id = format!("org-{}", account.id);
    let primary_id = format!("primary-{}", account.id);
    view! {
        <details class="memberships">
            <summary aria-label=format!("Organization of {}", account.email)>{summary}</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    action.dispatch(SetOrganization {
                        id: id.clone(),
                        organization: form.text("organization"),
                        primary_contact: form.value("primary_contact").is_some(),
                    });
                }
            }>
                <div class="field field--inline">
                    <label for=select_id.clone()>"Organization"</label>
                    <select id=select_id name="organization">
                        <option value="" selected=current_key.is_empty()>"None"</option>
                        {organizations.into_iter().map(|o| {
                            let selected = o.key == current_key;
                            view! { <option value=o.key selected=selected>{o.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <label class="check">
                    <input id=primary_id type="checkbox" name="primary_contact" checked=primary />
                    " Primary contact"
                </label>
                <button type="submit" class="button button--small">"Save organization"</button>
            </form>
        </details>
    }
}
