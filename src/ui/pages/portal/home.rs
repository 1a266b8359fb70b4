//! The portal's front page: a welcome for visitors, the account's home once signed in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::ui::session::use_session;

#[component]
pub fn PortalHomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text="Help center" />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                session
                    .info()
                    .map(|info| match info.user {
                        Some(user) => view! {
                            <section class="hero" aria-labelledby="home-title">
                                <h1 id="home-title">{format!("Welcome, {}", user.name)}</h1>
                                <p class="lead">"This is your help center. Your requests and their progress appear here."</p>
                            </section>
                            <section class="card" aria-labelledby="requests-title">
                                <h2 id="requests-title">"Your requests"</h2>
                                <p class="empty">"You have no open requests."</p>
                            </section>
                            <section class="card" aria-labelledby="account-title">
                                <h2 id="account-title">"Your account"</h2>
                                <dl class="facts">
                                    <dt>"Name"</dt>
                                    <dd>{user.name.clone()}</dd>
                                    <dt>"Email"</dt>
                                    <dd>{user.email.clone()}</dd>
                                    <dt>"Role"</dt>
                                    <dd>{user.role.label()}</dd>
                                </dl>
                            </section>
                        }
                            .into_any(),
                        None => view! {
                            <section class="hero" aria-labelledby="home-title">
                                <h1 id="home-title">"How can we help?"</h1>
                                <p class="lead">"Sign in to open a request and follow its progress, or create an account if you are new here."</p>
                                <div class="actions">
                                    <A href="/sign-in" attr:class="button button--primary">"Sign in"</A>
                                    {info
                                        .registration_open
                                        .then(|| view! { <A href="/sign-up" attr:class="button">"Create an account"</A> })}
                                </div>
                                {info.setup_pending.then(|| view! {
                                    <p class="alert alert--info" role="status">
                                        "Docket is not set up yet: the operator's console shows a one-time setup link."
                                    </p>
                                })}
                            </section>
                        }
                            .into_any(),
                    })
            }}
        </Suspense>
    }
}
