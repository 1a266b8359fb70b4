//! A table of accounts, with an optional action per row.

use leptos::prelude::*;

use crate::domain::user::UserSummary;

#[component]
pub fn AccountTable(
    accounts: Vec<UserSummary>,
    /// Renders the last cell of a row (e.g. an activate/deactivate button).
    #[prop(optional, into)]
    row_action: Option<Callback<UserSummary, AnyView>>,
) -> impl IntoView {
    if accounts.is_empty() {
        return view! { <p class="empty">"No accounts match."</p> }.into_any();
    }
    let has_action = row_action.is_some();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        {has_action.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {accounts
                        .into_iter()
                        .map(|account| {
                            let action = row_action.map(|f| f.run(account.clone()));
                            view! {
                                <tr>
                                    <td>{account.name.clone()}</td>
                                    <td>{account.email.clone()}</td>
                                    <td>{account.role.label()}</td>
                                    <td>
                                        <span class="badge" class:badge--muted=!account.active>
                                            {if account.active { "Active" } else { "Inactive" }}
                                        </span>
                                    </td>
                                    {action.map(|cell| view! { <td class="table__action">{cell}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
