//! Looking up customers and colleagues.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::user::Role;
use crate::server_fns::directory::find_accounts;
use crate::ui::components::AccountTable;

#[component]
pub fn AgentPeoplePage() -> impl IntoView {
    let (search, set_search) = signal(String::new());
    let (role, set_role) = signal(None::<Role>);
    let accounts = Resource::new(
        move || (role.get(), search.get()),
        |(role, search)| find_accounts(role, search),
    );
    view! {
        <Title text="People" />
        <header class="page-header">
            <h1>"People"</h1>
        </header>
        <div class="toolbar" role="search">
            <label for="people-search">"Search people"</label>
            <input id="people-search" type="search" placeholder="Name or email"
                on:input=move |ev| set_search.set(event_target_value(&ev)) />
            <label for="people-role">"Role"</label>
            <select id="people-role" on:change=move |ev| set_role.set(Role::parse(&event_target_value(&ev)))>
                <option value="">"Everyone"</option>
                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
            </select>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || accounts.get().map(|result| match result {
                Ok(list) => view! { <AccountTable accounts=list /> }.into_any(),
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}
