//! The agent dashboard's frame: side navigation, for agents and admins only.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use super::top_bar::TopBar;
use crate::domain::permission::Action;
use crate::ui::components::AreaGuard;
use crate::ui::live::{ConnectionBadge, live_feed};

#[component]
pub fn AgentLayout() -> impl IntoView {
    // One stream for the whole area, shared by its pages (`use_feed`).
    let feed = live_feed("/api/v1/events".to_string());
    provide_context(feed);
    view! {
        <div class="layout layout--staff">
            <TopBar area="Agent dashboard" />
            <AreaGuard action=Action::WorkQueue area="agent dashboard">
                <div class="workspace">
                    <nav class="side-nav" aria-label="Agent dashboard">
                        <A href="/agent" exact=true>"Queue"</A>
                        <A href="/agent/people">"People"</A>
                        <A href="/agent/reports">"Reports"</A>
                        <ConnectionBadge feed />
                    </nav>
                    <main id="main" class="workspace__main">
                        <Outlet />
                    </main>
                </div>
            </AreaGuard>
        </div>
    }
}
