//! Issue #12, "0 leaks": every server function (from the registry, so a new one fails until it
//! has a row) and every HTTP route (the router's own routes, read from its source, and the REST
//! routes, read from the OpenAPI document) is called as anonymous, customers A and B, the holder
//! of a guest link to A's ticket, agents of departments X and Y, an agent with a limited role, the
//! admin, and API keys with each scope; each outcome is compared with the table written in
//! `server_fns` and `routes`, and no answer may contain what its caller must not learn (the other
//! customer's tickets, internal notes, other people's sessions, API key secrets, the guest link);
//! neither may any page of the app (`pages`) nor the live event stream.

mod desk;
mod pages;
mod routes;
mod server_fns;

use std::fmt;
use std::time::Instant;

use reqwest::StatusCode;

use desk::{Caller, Desk};

/// What the table expects of one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Ok,
    /// 401: sign in (or present a valid key) first.
    SignIn,
    /// 403: known to the caller, not theirs to do.
    Forbidden,
    /// 404: what the caller may not know exists, answered as if it did not.
    NotFound,
    /// 400 or 422: the caller reached validation.
    Invalid,
    /// 409: the state does not allow it (a used link, setup already done).
    Conflict,
}

pub const OK: Want = Want::Ok;
pub const U: Want = Want::SignIn;
pub const F: Want = Want::Forbidden;
pub const NF: Want = Want::NotFound;
pub const V: Want = Want::Invalid;
pub const C: Want = Want::Conflict;

/// What a call answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Is(Want),
    Other(String),
}

impl Outcome {
    pub fn of(status: StatusCode) -> Outcome {
        Outcome::Is(match status.as_u16() {
            200..=299 => Want::Ok,
            401 => Want::SignIn,
            403 => Want::Forbidden,
            404 => Want::NotFound,
            400 | 422 => Want::Invalid,
            409 => Want::Conflict,
            other => return Outcome::Other(other.to_string()),
        })
    }
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Want::Ok => "ok",
            Want::SignIn => "401",
            Want::Forbidden => "403",
            Want::NotFound => "404",
            Want::Invalid => "4xx",
            Want::Conflict => "409",
        })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Is(want) => want.fmt(f),
            Outcome::Other(what) => f.write_str(what),
        }
    }
}

/// One call: the caller, what the table wants, what came back, and what leaked in it.
pub struct Cell {
    pub want: Want,
    pub got: Outcome,
    pub leaked: Vec<String>,
}

impl Cell {
    pub fn new(caller: &Caller, want: Want, got: Outcome, body: &str) -> Cell {
        let leaked = caller
            .secrets
            .iter()
            .filter(|secret| body.contains(secret.as_str()))
            .map(|secret| secret.chars().take(16).collect())
            .collect();
        Cell { want, got, leaked }
    }

    fn right(&self) -> bool {
        self.got == Outcome::Is(self.want) && self.leaked.is_empty()
    }
}

/// A table's results: a row of cells per function or route, and whatever could not be run.
pub struct Matrix {
    pub title: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<(String, Vec<Cell>)>,
    /// Functions or routes without a row, rows for ones that do not exist.
    pub problems: Vec<String>,
}

impl Matrix {
    pub fn new(title: &'static str, columns: Vec<&'static str>) -> Matrix {
        Matrix {
            title,
            columns,
            rows: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub fn cells(&self) -> usize {
        self.rows.iter().map(|(_, cells)| cells.len()).sum()
    }

    /// The rows with a wrong cell, every cell shown (`got≠want` where they differ, `LEAK` where
    /// the answer held a secret), the leaks spelled out below; empty when all is right.
    pub fn failures(&self) -> String {
        let failing: Vec<&(String, Vec<Cell>)> = self
            .rows
            .iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.right()))
            .collect();
        if failing.is_empty() && self.problems.is_empty() {
            return String::new();
        }
        let wrong: usize = failing
            .iter()
            .map(|(_, cells)| cells.iter().filter(|c| !c.right()).count())
            .sum();
        let mut out = format!(
            "\n{}: {wrong} of {} cells differ from the table\n",
            self.title,
            self.cells()
        );
        let label_width = failing.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let shown = |cell: &Cell| match (&cell.got, cell.leaked.is_empty()) {
            (Outcome::Is(got), true) if *got == cell.want => got.to_string(),
            (got, true) => format!("{got}≠{}", cell.want),
            (got, false) => format!("{got}+LEAK"),
        };
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                failing
                    .iter()
                    .map(|(_, cells)| shown(&cells[i]).chars().count())
                    .chain([c.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        out.push_str(&format!("{:label_width$}", ""));
        for (column, width) in self.columns.iter().zip(widths.iter().copied()) {
            out.push_str(&format!(" {column:>width$}"));
        }
        out.push('\n');
        for (label, cells) in &failing {
            out.push_str(&format!("{label:label_width$}"));
            for (cell, width) in cells.iter().zip(widths.iter().copied()) {
                out.push_str(&format!(" {:>width$}", shown(cell)));
            }
            out.push('\n');
        }
        for (label, cells) in &failing {
            for (cell, column) in cells.iter().zip(&self.columns) {
                if !cell.leaked.is_empty() {
                    out.push_str(&format!(
                        "LEAK {label} as {column}: the answer contains {:?}\n",
                        cell.leaked
                    ));
                }
            }
        }
        for problem in &self.problems {
            out.push_str(&format!("{problem}\n"));
        }
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_and_route_answers_each_caller_as_the_table_says() {
    let started = Instant::now();
    let desk = Desk::open().await;
    let set_up = started.elapsed();
    // Routes first: the server functions end with revoking the guest link and signing out.
    let mut lap = Instant::now();
    let mut timed = |table: Matrix| {
        let took = lap.elapsed();
        lap = Instant::now();
        (table, took)
    };
    let routes = timed(routes::run(&desk).await);
    let pages = timed(pages::run(&desk).await);
    let functions = timed(server_fns::run(&desk).await);
    let tables = [&routes, &pages, &functions];
    println!("set up in {set_up:.1?}");
    for (table, took) in tables {
        println!(
            "{}: {} rows x {} callers, {} calls in {took:.1?}",
            table.title,
            table.rows.len(),
            table.columns.len(),
            table.cells()
        );
    }
    let failures: String = tables.iter().map(|(t, _)| t.failures()).collect();
    assert!(failures.is_empty(), "{failures}");
}
