//! Managing accounts: adding staff, finding anyone, activating and deactivating, department
//! roles for staff, organizations for customers, new passwords, resetting two-factor sign-in.

mod memberships;
mod organization;
mod password;

use memberships::Memberships;
use organization::OrganizationPicker;
use password::PasswordReset;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::config::Section;
use crate::domain::ticket::Named;
use crate::domain::user::{Role, UserSummary};
use crate::server_fns::directory::{
    CreateStaff, ResetPassword, SetAccountActive, SetMemberships, SetOrganization, find_accounts,
};
use crate::server_fns::second_factor::ResetSecondFactor;
use crate::server_fns::settings::load_settings_section;
use crate::ui::components::{AccountTable, Field, FieldKind, FormAlert};
use crate::ui::session::use_session;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateStaff>::new();
    let toggle = ServerAction::<SetAccountActive>::new();
    let memberships = ServerAction::<SetMemberships>::new();
    let organization = ServerAction::<SetOrganization>::new();
    let password = ServerAction::<ResetPassword>::new();
    let second_factor = ServerAction::<ResetSecondFactor>::new();
    let (search, set_search) = signal(String::new());
    let accounts = Resource::new(
        move || {
            (
                search.get(),
                create.version().get(),
                toggle.version().get(),
                memberships.version().get(),
                organization.version().get(),
                second_factor.version().get(),
            )
        },
        |(search, ..)| find_accounts(None, search),
    );
    // The active departments, roles and organizations to choose from.
    let active = |section: Section| {
        let loaded = Resource::new(move || (), move |_| load_settings_section(section));
        Signal::derive(move || {
            loaded
                .get()
                .and_then(Result::ok)
                .map(|s| {
                    s.items
                        .into_iter()
                        .filter(|i| i.active)
                        .map(|i| Named {
                            key: i.key,
                            name: i.name,
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let departments = active(Section::Departments);
    let roles = active(Section::Roles);
    let organizations = active(Section::Organizations);
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
            .or_else(|| organization.value().get().and_then(Result::err))
            .or_else(|| password.value().get().and_then(Result::err))
            .or_else(|| second_factor.value().get().and_then(Result::err))
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
            <PasswordReset account=account.clone() action=password />
            {account.two_factor.then(|| {
                let user = account.id.clone();
                view! {
                    <button type="button" class="button button--small"
                        aria-label=format!("Reset two-factor sign-in of {}", account.email)
                        title="For someone who lost their phone and recovery codes: they set it up again"
                        on:click=move |_| { second_factor.dispatch(ResetSecondFactor { user: user.clone() }); }>
                        "Reset two-factor"
                    </button>
                }
            })}
            {if staff {
                view! { <Memberships account=account.clone() departments=departments.get_untracked() roles=roles.get_untracked() action=memberships /> }.into_any()
            } else {
                view! { <OrganizationPicker account=account.clone() organizations=organizations.get_untracked() action=organization /> }.into_any()
            }}
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
                <Field label="Initial password" name="password" kind=FieldKind::NewPassword required=false
                    hint="Leave empty to email them an invitation to choose their own (valid 7 days)." error=field("password") />
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
