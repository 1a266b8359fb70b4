//! Every page of the app (from the app's own route list), rendered on the server for each person,
//! with A's ticket where a page names a ticket. A page's data comes from the server functions,
//! called as the page's visitor, so no page may show what its visitor must not learn. This table
//! checks leaks only: a page's status is the shell's, whatever its data said.

use super::desk::{Desk, Who};
use super::{Cell, Matrix, OK, Outcome};

/// The page's path with its parameters filled in for `who`; `None` for a parameter unknown here.
fn concrete(d: &Desk, path: &str, who: Who) -> Option<String> {
    let filled: Option<Vec<String>> = path
        .split('/')
        .map(|segment| {
            let name = segment
                .strip_prefix(':')
                .or_else(|| segment.strip_prefix('{')?.strip_suffix('}'));
            Some(match name {
                None => segment.to_string(),
                Some("number") => d.ticket_a.clone(),
                Some("token") => d.guest_link_as(who).to_string(),
                Some("section") => "api_keys".to_string(),
                Some(_) => return None,
            })
        })
        .collect();
    filled.map(|segments| segments.join("/"))
}

pub async fn run(d: &Desk) -> Matrix {
    let mut matrix = Matrix::new("pages", d.people.iter().map(|c| c.label).collect());
    let mut paths: Vec<String> = leptos_axum::generate_route_list(docket::app::App)
        .iter()
        .map(|route| route.path().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let Some(urls) = d
            .people
            .iter()
            .map(|caller| concrete(d, &path, caller.who))
            .collect::<Option<Vec<String>>>()
        else {
            matrix.problems.push(format!(
                "the page {path} has a parameter pages.rs cannot fill"
            ));
            continue;
        };
        // Each person's render of the page at once: a page changes nothing another render reads.
        let renders = d.people.iter().zip(urls).map(|(caller, url)| async move {
            let response = caller.client.get(d.app.url(&url)).send().await.unwrap();
            let got = Outcome::of(response.status());
            let want = match &got {
                Outcome::Is(status) => *status,
                Outcome::Other(_) => OK,
            };
            let html = response.text().await.unwrap_or_default();
            Cell::new(caller, want, got, &html)
        });
        let cells = futures::future::join_all(renders).await;
        matrix.rows.push((format!("GET {path}"), cells));
    }
    matrix
}
