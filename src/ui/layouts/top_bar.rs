//! The bar on top of every page: brand, the areas this visitor may enter, and their account.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::permission::Action;
use crate::server_fns::accounts::SignOut;
use crate::ui::session::{Session, reload_to, use_session};

#[component]
pub fn TopBar(area: &'static str) -> impl IntoView {
    let session = use_session();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            reload_to("/");
        }
    });
    view! {
        <header class="top-bar">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <A href="/" attr:class="brand">
                <span class="brand__mark" aria-hidden="true">"D"</span>
                <span class="brand__name">
                    <Transition fallback=|| "Docket">
                        {move || session.info().map(|info| info.helpdesk_name)}
                    </Transition>
                </span>
            </A>
            <span class="top-bar__area">{area}</span>
            <Transition fallback=|| ()>
                {move || {
                    session
                        .info()
                        .map(|info| {
                            let staff = Session::may(&info, Action::WorkQueue).is_ok();
                            let admin = Session::may(&info, Action::Administer).is_ok();
                            view! {
                                <nav class="top-bar__nav" aria-label="Areas">
                                    {staff.then(|| view! { <A href="/agent">"Agent dashboard"</A> })}
                                    {admin.then(|| view! { <A href="/admin">"Admin settings"</A> })}
                                    {staff.then(|| view! { <A href="/">"Portal"</A> })}
                                </nav>
                                {match info.user {
                                    Some(user) => view! {
                                        <div class="top-bar__account">
                                            <A href="/account" attr:class="top-bar__user" attr:title=format!("{}: your account and sessions", user.email)>{user.name.clone()}</A>
                                            <ActionForm action=sign_out>
                                                <button type="submit" class="button button--quiet">"Sign out"</button>
                                            </ActionForm>
                                        </div>
                                    }
                                        .into_any(),
                                    None => view! {
                                        <div class="top-bar__account">
                                            <A href="/sign-in" attr:class="button button--quiet">"Sign in"</A>
                                        </div>
                                    }
                                        .into_any(),
                                }}
                            }
                        })
                }}
            </Transition>
        </header>
    }
}
