//! The document shell and every route of the three areas: portal `/`, agent `/agent`, admin `/admin`.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::server_fns::accounts::current_session;
use crate::ui::layouts::{AdminLayout, AgentLayout, PortalLayout};
use crate::ui::pages::admin::{
    AdminAuditPage, AdminEmailPage, AdminIntegrationsPage, AdminOverviewPage, AdminSettingsPage,
    AdminUsersPage,
};
use crate::ui::pages::agent::{AgentPeoplePage, AgentQueuePage, AgentReportsPage, AgentTicketPage};
use crate::ui::pages::not_found::NotFoundPage;
use crate::ui::pages::portal::{
    AccountPage, CheckStatusPage, ForgotPasswordPage, GuestTicketPage, MyTicketsPage,
    NewTicketPage, PortalHomePage, ResetPasswordPage, SetupPage, SignInPage, SignUpPage,
    TicketPage,
};
use crate::ui::session::Session;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Session(Resource::new(|| (), |_| current_session())));
    // Lets tests and scripts wait until the page is interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="docket" href="/pkg/docket.css" />
        <Title formatter=|title: String| if title.is_empty() { "Docket".to_string() } else { format!("{title} · Docket") } />
        <Router>
            <Routes fallback=NotFoundPage>
                <ParentRoute path=path!("/agent") view=AgentLayout>
                    <Route path=path!("") view=AgentQueuePage />
                    <Route path=path!("people") view=AgentPeoplePage />
                    <Route path=path!("reports") view=AgentReportsPage />
                    <Route path=path!("tickets/:number") view=AgentTicketPage />
                </ParentRoute>
                <ParentRoute path=path!("/admin") view=AdminLayout>
                    <Route path=path!("") view=AdminOverviewPage />
                    <Route path=path!("users") view=AdminUsersPage />
                    <Route path=path!("audit") view=AdminAuditPage />
                    <Route path=path!("email") view=AdminEmailPage />
                    <Route path=path!("integrations") view=AdminIntegrationsPage />
                    <Route path=path!("settings/:section") view=AdminSettingsPage />
                </ParentRoute>
                <ParentRoute path=path!("/") view=PortalLayout>
                    <Route path=path!("") view=PortalHomePage />
                    <Route path=path!("sign-in") view=SignInPage />
                    <Route path=path!("account") view=AccountPage />
                    <Route path=path!("sign-up") view=SignUpPage />
                    <Route path=path!("forgot-password") view=ForgotPasswordPage />
                    <Route path=path!("reset-password/:token") view=ResetPasswordPage />
                    <Route path=path!("setup") view=SetupPage />
                    <Route path=path!("status") view=CheckStatusPage />
                    <Route path=path!("guest/:token") view=GuestTicketPage />
                    <Route path=path!("tickets") view=MyTicketsPage />
                    <Route path=path!("tickets/new") view=NewTicketPage />
                    <Route path=path!("tickets/:number") view=TicketPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
