//! The agent dashboard's frame: side navigation, for agents and admins only.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use super::top_bar::TopBar;
use crate::domain::metrics::access::report_scopes;
use crate::domain::permission::{Action, Actor};
use crate::ui::components::AreaGuard;
use crate::ui::live::{ConnectionBadge, live_feed};
use crate::ui::session::use_session;

#[component]
pub fn AgentLayout() -> impl IntoView {
    // One stream for the whole area, shared by its pages (`use_feed`).
    let feed = live_feed("/api/v1/events".to_string());
    let session = use_session();
    provide_context(feed);
    view! {
        <div class="layout layout--staff">
            <TopBar area="Agent dashboard" />
            <AreaGuard action=Action::WorkQueue area="agent dashboard">
                <div class="workspace">
                    <nav class="side-nav" aria-label="Agent dashboard">
                        <A href="/agent" exact=true>"Queue"</A>
                        <A href="/agent/people">"People"</A>
                        <Transition fallback=|| ()>
                            {move || session.info().and_then(|info| info.user).filter(|user| {
                                report_scopes(&Actor::User(user.clone()), None).is_ok()
                            }).map(|_| view! { <A href="/agent/reports">"Reports"</A> })}
                        </Transition>
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
