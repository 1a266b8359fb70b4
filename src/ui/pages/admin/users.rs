//! Managing accounts: adding staff, finding anyone, activating and deactivating.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::ticket::Named;
use crate::domain::user::{Role, UserSummary};
use crate::server_fns::agent_queue::load_workspace;
use crate::server_fns::directory::{CreateStaff, SetAccountActive, SetDepartments, find_accounts};
use crate::ui::components::{AccountTable, Field, FieldKind, FormAlert};
use crate::ui::form_data::Submitted;
use crate::ui::session::use_session;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateStaff>::new();
    let toggle = ServerAction::<SetAccountActive>::new();
    let memberships = ServerAction::<SetDepartments>::new();
    let (search, set_search) = signal(String::new());
    let accounts = Resource::new(
        move || {
            (
                search.get(),
                create.version().get(),
                toggle.version().get(),
                memberships.version().get(),
            )
        },
        |(search, _, _, _)| find_accounts(None, search),
    );
    let departments = Resource::new(|| (), |_| load_workspace());
    let departments = Signal::derive(move || {
        departments
            .get()
            .and_then(Result::ok)
            .map(|w| w.departments)
            .unwrap_or_default()
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let field = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    let created = move || create.value().get().and_then(Result::ok);
    let toggle_error = Signal::derive(move || {
        toggle
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| memberships.value().get().and_then(Result::err))
    });
    let me = use_session().info().and_then(|i| i.user).map(|u| u.id);

    let row_action = Callback::new(move |account: UserSummary| {
        if Some(&account.id) == me.as_ref() {
            return view! { <span class="muted">"You"</span> }.into_any();
        }
        let (label, active) = if account.active {
            ("Deactivate", false)
        } else {
            ("Activate", true)
        };
        let id = account.id.clone();
        let staff = account.role.is_staff();
        view! {
            <button type="button" class="button button--small" aria-label=format!("{label} {}", account.email)
                on:click=move |_| { toggle.dispatch(SetAccountActive { id: id.clone(), active }); }>
                {label}
            </button>
            {staff.then(|| view! { <Memberships account=account.clone() departments=departments.get_untracked() action=memberships /> })}
        }
        .into_any()
    });

    view! {
        <Title text="Users" />
        <header class="page-header">
            <h1>"Users"</h1>
        </header>
        <section class="card" aria-labelledby="add-staff-title">
            <h2 id="add-staff-title">"Add a staff member"</h2>
            <FormAlert error fields=&["name", "email", "role", "password"] />
            {move || created().map(|u| view! {
                <p class="alert alert--success" role="status">{format!("Added {} as {}.", u.email, u.role.label())}</p>
            })}
            <ActionForm action=create attr:class="form-grid">
                <Field label="Name" name="name" error=field("name") />
                <Field label="Email" name="email" kind=FieldKind::Email error=field("email") />
                <div class="field">
                    <label for="field-role">"Role"</label>
                    <select id="field-role" name="role">
                        <option value=Role::Agent.as_str()>{Role::Agent.label()}</option>
                        <option value=Role::Admin.as_str()>{Role::Admin.label()}</option>
                    </select>
                </div>
                <Field label="Initial password" name="password" kind=FieldKind::NewPassword
                    hint="Share it with them privately; they can change it later." error=field("password") />
                <button type="submit" class="button button--primary" disabled=move || create.pending().get()>"Add staff member"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="accounts-title">
            <h2 id="accounts-title">"Accounts"</h2>
            <div class="toolbar" role="search">
                <label for="users-search">"Search accounts"</label>
                <input id="users-search" type="search" placeholder="Name or email"
                    on:input=move |ev| set_search.set(event_target_value(&ev)) />
            </div>
            <FormAlert error=toggle_error fields=&[] />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || accounts.get().map(|result| match result {
                    Ok(list) => view! { <AccountTable accounts=list row_action /> }.into_any(),
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Which departments a staff member works in: their queues and the tickets they reach.
#[component]
fn Memberships(
    account: UserSummary,
    departments: Vec<Named>,
    action: ServerAction<SetDepartments>,
) -> impl IntoView {
    let id = account.id.clone();
    let names: Vec<String> = departments
        .iter()
        .filter(|d| account.departments.contains(&d.key))
        .map(|d| d.name.clone())
        .collect();
    let summary = if names.is_empty() {
        "No departments".to_string()
    } else {
        names.join(", ")
    };
    view! {
        <details class="memberships">
            <summary aria-label=format!("Departments of {}", account.email)>{summary}</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    action.dispatch(SetDepartments { id: id.clone(), departments: form.all("department") });
                }
            }>
                {departments.into_iter().map(|d| {
                    let checked = account.departments.contains(&d.key);
                    view! {
                        <label class="check">
                            <input type="checkbox" name="department" value=d.key checked=checked />
                            {format!(" {}", d.name)}
                        </label>
                    }
                }).collect_view()}
                <button type="submit" class="button button--small">"Save departments"</button>
            </form>
        </details>
    }
}
