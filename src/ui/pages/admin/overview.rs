//! The admin settings' landing page: where each section lives.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::config::Section;

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
                <h2>"Agents and users"</h2>
                <p>"Add agents and administrators, their roles per department, customers' organizations, passwords."</p>
            </A>
            {Section::ALL.into_iter().map(|s| view! {
                <A href=format!("/admin/settings/{}", s.slug()) attr:class="card card--link">
                    <h2>{s.title()}</h2>
                    <p>{s.summary()}</p>
                </A>
            }).collect_view()}
            <A href="/admin/audit" attr:class="card card--link">
                <h2>"Audit log"</h2>
                <p>"Who did what, when and from where, on a hash chain you can verify."</p>
            </A>
        </div>
    }
}
