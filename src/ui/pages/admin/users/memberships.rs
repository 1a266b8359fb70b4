//! A staff member's departments and their role in each: their queues, the tickets they reach and
//! what they may do with them.

use leptos::prelude::*;

use crate::domain::ticket::Named;
use crate::domain::user::UserSummary;
use crate::server_fns::directory::{MembershipInput, SetMemberships};
use crate::ui::form_data::Submitted;

#[component]
pub fn Memberships(
    account: UserSummary,
    departments: Vec<Named>,
    roles: Vec<Named>,
    action: ServerAction<SetMemberships>,
) -> impl IntoView {
    let id = account.id.clone();
    let role_name = |key: &str| {
        roles
            .iter()
            .find(|r| r.key == key)
            .map_or_else(|| key.to_string(), |r| r.name.clone())
    };
    let held: Vec<String> = account
        .memberships
        .iter()
        .filter_map(|m| {
            departments
                .iter()
                .find(|d| d.key == m.department)
                .map(|d| format!("{} ({})", d.name, role_name(&m.role)))
        })
        .collect();
    let summary = if held.is_empty() {
        "No departments".to_string()
    } else {
        held.join(", ")
    };
    let keys: Vec<String> = departments.iter().map(|d| d.key.clone()).collect();
    view! {
        <details class="memberships">
            <summary aria-label=format!("Departments of {}", account.email)>{summary}</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    let memberships = keys
                        .iter()
                        .filter_map(|d| {
                            form.value(&format!("role-{d}"))
                                .map(|role| MembershipInput { department: d.clone(), role })
                        })
                        .collect();
                    action.dispatch(SetMemberships { id: id.clone(), memberships });
                }
            }>
                {departments.into_iter().map(|d| {
                    let current = account
                        .memberships
                        .iter()
                        .find(|m| m.department == d.key)
                        .map(|m| m.role.clone())
                        .unwrap_or_default();
                    let select_id = format!("role-{}-{}", account.id, d.key);
                    view! {
                        <div class="field field--inline">
                            <label for=select_id.clone()>{format!("Role in {}", d.name)}</label>
                            <select id=select_id name=format!("role-{}", d.key)>
                                <option value="" selected=current.is_empty()>"Not a member"</option>
                                {roles.iter().map(|r| view! {
                                    <option value=r.key.clone() selected=r.key == current>{r.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
                <button type="submit" class="button button--small">"Save departments"</button>
            </form>
        </details>
    }
}
