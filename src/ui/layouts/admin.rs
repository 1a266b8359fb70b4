//! The admin settings' frame: side navigation of settings sections, for admins only.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use super::top_bar::TopBar;
use crate::domain::config::Section;
use crate::domain::permission::Action;
use crate::ui::components::AreaGuard;

#[component]
pub fn AdminLayout() -> impl IntoView {
    view! {
        <div class="layout layout--staff">
            <TopBar area="Admin settings" />
            <AreaGuard action=Action::Administer area="admin settings">
                <div class="workspace">
                    <nav class="side-nav" aria-label="Admin settings">
                        <A href="/admin" exact=true>"Overview"</A>
                        <A href="/admin/users">"Agents and users"</A>
                        {Section::ALL.into_iter().map(|s| view! {
                            <A href=format!("/admin/settings/{}", s.slug())>{s.title()}</A>
                        }).collect_view()}
                        <A href="/admin/email">"Email"</A>
                        <A href="/admin/integrations">"Integrations"</A>
                        <A href="/admin/audit">"Audit log"</A>
                    </nav>
                    <main id="main" class="workspace__main">
                        <Outlet />
                    </main>
                </div>
            </AreaGuard>
        </div>
    }
}
