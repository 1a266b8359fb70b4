//! Shows an area only to visitors allowed in; others get a clear page saying why. The server
//! checks every call again: this guard is for the visitor's benefit, not for security.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::permission::{Action, Denied};
use crate::ui::session::{Session, use_session};

#[component]
pub fn AreaGuard(action: Action, area: &'static str, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                session
                    .info()
                    .map(|info| match Session::may(&info, action) {
                        Ok(()) => children.read_value()().into_any(),
                        Err(Denied::Unauthenticated) => view! { <SignInRequired area /> }.into_any(),
                        Err(Denied::Forbidden) => view! { <NotAllowed area /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn SignInRequired(area: &'static str) -> impl IntoView {
    view! {
        <section class="notice" aria-labelledby="notice-title">
            <h1 id="notice-title">"Sign in required"</h1>
            <p>{format!("The {area} is for signed-in staff. Sign in to continue.")}</p>
            <A href="/sign-in" attr:class="button">"Sign in"</A>
        </section>
    }
}

#[component]
fn NotAllowed(area: &'static str) -> impl IntoView {
    view! {
        <section class="notice notice--denied" aria-labelledby="notice-title">
            <h1 id="notice-title">"Not allowed"</h1>
            <p>{format!("Your account does not have access to the {area}. If you think it should, ask an administrator.")}</p>
            <A href="/" attr:class="button">"Back to the portal"</A>
        </section>
    }
}
