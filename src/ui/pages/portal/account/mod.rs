//! "Your account": two-factor sign-in, and where the signed-in person is signed in, with a way
//! to sign out any of those sessions or all but this one.

mod two_factor;

use two_factor::TwoFactor;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::permission::Action;
use crate::server_fns::sessions::{EndMyOtherSessions, EndMySession, MySession, my_sessions};
use crate::ui::components::AreaGuard;
use crate::ui::session::reload_to;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <AreaGuard action=Action::UsePortal area="account page">
            <header class="page-header">
                <h1>"Your account"</h1>
            </header>
            <TwoFactor />
            <Sessions />
        </AreaGuard>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let end_one = ServerAction::<EndMySession>::new();
    let end_others = ServerAction::<EndMyOtherSessions>::new();
    let sessions = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| my_sessions(),
    );
    // Signing out this browser's own session leaves the account.
    let ending_own = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = end_one.value().get()
            && ending_own.get_value()
        {
            reload_to("/sign-in");
        }
    });
    let error = move || {
        end_one
            .value()
            .get()
            .or_else(|| end_others.value().get())
            .and_then(Result::err)
            .map(|e| view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> })
    };
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Where you are signed in"</h2>
            <div class="toolbar">
                <button type="button" class="button"
                    on:click=move |_| { end_others.dispatch(EndMyOtherSessions {}); }>
                    "Sign out all other sessions"
                </button>
            </div>
            {error}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || sessions.get().map(|result| match result {
                    Ok(list) => view! { <SessionTable list end_one ending_own /> }.into_any(),
                    Err(e) => view! { <div class="alert alert--error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionTable(
    list: Vec<MySession>,
    end_one: ServerAction<EndMySession>,
    ending_own: StoredValue<bool>,
) -> impl IntoView {
    let time = |t: chrono::DateTime<chrono::Utc>| {
        view! { <time datetime=t.to_rfc3339()>{t.format("%Y-%m-%d %H:%M UTC").to_string()}</time> }
    };
    view! {
        <div class="table-wrap">
            <table class="table" aria-label="Sessions">
                <thead>
                    <tr>
                        <th scope="col">"Browser"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Signed in"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Ends"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let agent = s.user_agent.clone().unwrap_or_else(|| "Unknown".into());
                        let short: String = agent.chars().take(60).collect();
                        let (key, current) = (s.key.clone(), s.current);
                        view! {
                            <tr>
                                <td title=agent>
                                    {short}
                                    {s.current.then(|| view! { " " <span class="badge">"This browser"</span> })}
                                </td>
                                <td>{s.ip.clone().unwrap_or_default()}</td>
                                <td class="nowrap">{time(s.started_at)}</td>
                                <td class="nowrap">{time(s.last_used_at)}</td>
                                <td class="nowrap">{time(s.expires_at)}</td>
                                <td>
                                    <button type="button" class="button button--quiet"
                                        on:click=move |_| {
                                            ending_own.set_value(current);
                                            end_one.dispatch(EndMySession { key: key.clone() });
                                        }>
                                        "Sign out"
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
