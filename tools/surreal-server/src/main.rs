//! `surreal start`, built from the registry's `surrealdb-server` crate: the same server as the
//! official binary, with in-memory and SurrealKV storage only. Docket's test tooling starts it for
//! the scale-out tests (several Docket processes on one database) and the two-replica benchmark.

// The server's async state machines are deep.
#![recursion_limit = "256"]

use std::process::ExitCode;

fn main() -> ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
