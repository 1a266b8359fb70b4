//! Hostile input, CI-sized: every fuzz target (`targets.rs`) on `DOCKET_FUZZ_CASES` mutants
//! (default 3,000 per target). The long run is `examples/fuzz.rs` (README, "Hostile input").

pub mod targets;

use targets::{TARGETS, Target};

fn cases() -> usize {
    std::env::var("DOCKET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

/// Runs the named targets; a panic or a hang fails the test with the case that caused it.
fn run(names: &[&str]) {
    for name in names {
        let (_, target): &Target = TARGETS
            .iter()
            .find(|(n, _)| n == name)
            .expect("a known target");
        let report = target(cases(), 1);
        eprintln!(
            "fuzz {name}: {} cases, 0 panics, slowest {:?} ({} bytes)",
            report.cases, report.slowest, report.slowest_bytes
        );
    }
}

#[test]
fn osticket_json_and_xml_parsers() {
    run(&["osticket json", "osticket xml"]);
}

#[test]
fn email_parser() {
    run(&["email"]);
}

#[test]
fn alert_mappers_and_fingerprints() {
    run(&["alert mappers", "observables", "fingerprint rules"]);
}

#[test]
fn filter_regular_expressions_run_in_linear_time() {
    run(&["filter regexes"]);
}

#[test]
fn the_html_sanitiser_never_lets_anything_run() {
    run(&["html sanitiser"]);
}

/// A new target is in a test above, not only in the long run.
#[test]
fn every_target_runs_in_ci() {
    let source = include_str!("mod.rs");
    for (name, _) in TARGETS {
        assert!(
            source.contains(&format!("\"{name}\"")),
            "fuzz target {name} is not run by a test"
        );
    }
}
