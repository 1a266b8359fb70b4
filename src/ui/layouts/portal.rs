//! The customer portal's frame: open to everyone; pages decide what a visitor sees.

use leptos::prelude::*;
use leptos_router::components::Outlet;

use super::top_bar::TopBar;

#[component]
pub fn PortalLayout() -> impl IntoView {
    view! {
        <div class="layout layout--portal">
            <TopBar area="Help center" />
            <main id="main" class="portal-main">
                <Outlet />
            </main>
            <footer class="footer">"Powered by Docket"</footer>
        </div>
    }
}
