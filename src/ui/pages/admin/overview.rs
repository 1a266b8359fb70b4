//! The admin settings' landing page: where each section lives.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn AdminOverviewPage() -> impl IntoView {
    view! {
        <Title text="Administration" />
        <header class="page-header">
            <h1>"Administration"</h1>
            <p class="lead">"Shape the help desk. Every change takes effect at once and is recorded in the audit log."</p>
        </header>
        <div class="card-grid">
            <A href="/admin/users" attr:class="card card--link">
                <h2>"Users"</h2>
                <p>"Add agents and administrators, find customers, deactivate accounts."</p>
            </A>
            <A href="/admin/audit" attr:class="card card--link">
                <h2>"Audit log"</h2>
                <p>"Who did what, when and from where, on a hash chain you can verify."</p>
            </A>
        </div>
    }
}
