//! Hostile input: a mutation fuzzer (libFuzzer's idea, no extra tooling) over the parsers and
//! rules that take input from outside: the osTicket JSON and XML parsers, the email parser, the
//! SIEM alert mappers and fingerprints, the filters' regular expressions and the HTML sanitiser.
//! Each target starts from the seed corpus in `tests/fixtures` and mutates it: bit flips, random
//! bytes, cut, repeated and spliced ranges, and tokens that break parsers (entities, deep
//! nesting, NULs, script tags). It must never panic, never take more than a second on one case,
//! and the sanitiser must never let anything run.
//!
//! Shared by the CI-sized test (`fuzz::*`) and the long run (`examples/fuzz.rs`), so both fuzz
//! exactly the same targets.

use std::time::{Duration, Instant};

use docket::domain::alerts::AlertSource;
use docket::domain::alerts::{fingerprint, mapping, observables};
use docket::domain::osticket::{json, xml};
use docket::domain::routing::{Channel, Condition, Operator, TicketDraft};
use docket::server::mail::parse;
use docket::server::sanitize::sanitize_html;

/// A case slower than this counts as a hang.
const SLOWEST: Duration = Duration::from_secs(1);

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Tokens that break parsers and sanitisers.
const TOKENS: &[&str] = &[
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>",
    "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">",
    "&xxe;",
    "&b;",
    "<![CDATA[",
    "]]>",
    "\u{0}",
    "\u{feff}",
    "\"",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "1e999999",
    "-0",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">",
    "<svg onload=alert(1)>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<style>@import 'x'</style>",
    "=?utf-8?B?",
    "=?utf-8?Q?=FF=FE?=",
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n",
    "\r\n--b\r\n",
    "Content-Transfer-Encoding: base64\r\n",
    "(a+)+$",
    "((a|a)*)*",
    "\\p{L}{1000}",
    "a{1000}{1000}",
    "(?i)",
    "[^\\x00-\\x{10FFFF}]",
];

/// xorshift64*: a small deterministic generator, so a failure reproduces from its case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `input`, using `corpus` for splices.
fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            2 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            3 if at < out.len() => {
                // Repeat a range many times: deep nesting, huge tokens.
                let end = (at + 1 + rng.below(16)).min(out.len());
                let piece = out[at..end].to_vec();
                let most = if rng.below(8) == 0 { 2_000 } else { 8 };
                let times = 1 + rng.below(most);
                let repeated = piece.repeat(times);
                out.splice(at..at, repeated);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(256)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            5 => {
                let bytes: Vec<u8> = (0..rng.below(16)).map(|_| rng.next() as u8).collect();
                out.splice(at..at, bytes);
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out.truncate(256 * 1024);
    out
}

/// What one run of a target did (a panic or a hang never returns: it fails the run).
pub struct Report {
    pub cases: usize,
    /// The slowest case and its size in bytes.
    pub slowest: Duration,
    pub slowest_bytes: usize,
}

/// A target: its name and how to run it for `cases` mutants from a seed.
pub type Target = (&'static str, fn(cases: usize, seed: u64) -> Report);

/// Every target, in a fixed order.
pub const TARGETS: [Target; 8] = [
    ("osticket json", osticket_json),
    ("osticket xml", osticket_xml),
    ("email", email),
    ("alert mappers", alert_mappers),
    ("observables", alert_observables),
    ("fingerprint rules", fingerprint_rules),
    ("filter regexes", filter_regexes),
    ("html sanitiser", html_sanitiser),
];

/// Runs `target` on the corpus itself and then on `total` mutants of it.
fn fuzz(
    name: &str,
    seed: u64,
    corpus: &[Vec<u8>],
    total: usize,
    mut target: impl FnMut(&[u8]),
) -> Report {
    let mut rng = Rng(seed);
    let mut slowest = Duration::ZERO;
    let mut slowest_bytes = 0;
    for seed_input in corpus {
        target(seed_input);
    }
    for case in 0..total {
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base, corpus);
        let started = Instant::now();
        target(&input);
        let took = started.elapsed();
        assert!(
            took < SLOWEST,
            "{name}: case {case} took {took:?} ({} bytes): {:?}",
            input.len(),
            String::from_utf8_lossy(&input[..input.len().min(300)])
        );
        if took > slowest {
            slowest = took;
            slowest_bytes = input.len();
        }
    }
    Report {
        cases: total,
        slowest,
        slowest_bytes,
    }
}

fn osticket_json(cases: usize, seed: u64) -> Report {
    fuzz("osticket json", seed, &corpus("osticket"), cases, |input| {
        let _ = json::parse(input);
    })
}

fn osticket_xml(cases: usize, seed: u64) -> Report {
    fuzz("osticket xml", seed, &corpus("osticket"), cases, |input| {
        if let Ok(submission) = xml::parse(input) {
            // Entities are never expanded into the data (no XXE, no billion laughs).
            let text = format!("{submission:?}");
            assert!(!text.contains("root:"), "an external entity was read");
            assert!(text.len() < 2 * 1024 * 1024, "an entity expanded");
        }
    })
}

fn email(cases: usize, seed: u64) -> Report {
    fuzz("email", seed, &corpus("osticket"), cases, |input| {
        let _ = parse::parse(input);
    })
}

fn alert_mappers(cases: usize, seed: u64) -> Report {
    let mut rng = Rng(seed ^ 0x5eed);
    fuzz("alert mappers", seed, &corpus("alerts"), cases, |input| {
        let Ok(payload) = serde_json::from_slice::<serde_json::Value>(input) else {
            return;
        };
        let source = AlertSource::ALL[rng.below(AlertSource::ALL.len())];
        if let Ok(mut alerts) = mapping::map(source, &payload) {
            fingerprint::apply("rule.id,agent.name,labels.*", source, &payload, &mut alerts);
        }
    })
}

fn alert_observables(cases: usize, seed: u64) -> Report {
    fuzz("observables", seed, &corpus("alerts"), cases, |input| {
        let mut found = Vec::new();
        observables::scan(&String::from_utf8_lossy(input), &mut found);
    })
}

fn fingerprint_rules(cases: usize, seed: u64) -> Report {
    fuzz(
        "fingerprint rules",
        seed,
        &corpus("alerts"),
        cases,
        |input| {
            let rule = String::from_utf8_lossy(&input[..input.len().min(300)]).to_string();
            let _ = fingerprint::check(&rule);
            let _ = fingerprint::fields(&rule);
        },
    )
}

/// Filter conditions' regular expressions run in linear time on long, adversarial text.
fn filter_regexes(cases: usize, seed: u64) -> Report {
    let patterns: Vec<Vec<u8>> = TOKENS
        .iter()
        .map(|t| t.as_bytes().to_vec())
        .chain(
            [
                "^urgent",
                "(?i)ransom(ware)?",
                "\\d{3}-\\d{4}",
                "srv-[0-9]+\\.example\\.com$",
            ]
            .iter()
            .map(|p| p.as_bytes().to_vec()),
        )
        .collect();
    let mut rng = Rng(seed ^ 0x5eed);
    // The text a rule meets: long and adversarial for backtracking engines.
    let text = format!("{}!{}", "a".repeat(20_000), "ab".repeat(5_000));
    fuzz("filter regexes", seed, &patterns, cases, |input| {
        // Patterns are capped at 500 characters when a filter is saved.
        let value = String::from_utf8_lossy(&input[..input.len().min(500)]).to_string();
        let operator = [Operator::Matches, Operator::NotMatches][rng.below(2)];
        let condition = Condition {
            subject: "subject".into(),
            header: String::new(),
            operator,
            value,
        };
        let draft = TicketDraft {
            channel: Channel::Email,
            email: "a@example.com".into(),
            name: "A".into(),
            subject: text.clone(),
            body: String::new(),
            topic: None,
            source: "email".into(),
            priority: None,
            fields: Default::default(),
            headers: Vec::new(),
        };
        let _ = condition.holds(&draft);
    })
}

/// The quoted attribute values of a tag (the sanitiser quotes every value it writes).
fn attribute_values(tag: &str) -> Vec<&str> {
    tag.split('"').skip(1).step_by(2).collect()
}

/// A tag with its quoted attribute values taken out (they may say anything).
fn without_quoted(tag: &str) -> String {
    let mut out = String::new();
    let mut quote = None;
    for c in tag.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => out.push(c),
        }
    }
    out
}

/// Nothing in the sanitiser's output may run.
fn html_sanitiser(cases: usize, seed: u64) -> Report {
    let mut seeds: Vec<Vec<u8>> = TOKENS.iter().map(|t| t.as_bytes().to_vec()).collect();
    seeds.extend(corpus("osticket"));
    seeds.push(b"<p>Hello <b>there</b><a href=\"https://example.com\">link</a></p>".to_vec());
    fuzz("html sanitiser", seed, &seeds, cases, |input| {
        let out = sanitize_html(&String::from_utf8_lossy(input)).to_lowercase();
        // Text comes out escaped (`&lt;`), so every `<` left opens a real element.
        let tags: Vec<&str> = out
            .split('<')
            .skip(1)
            .filter_map(|tag| tag.split('>').next())
            .collect();
        for tag in &tags {
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("");
            assert!(
                ![
                    "script", "iframe", "svg", "style", "object", "embed", "math", "base"
                ]
                .contains(&name),
                "a <{name}> element survived: {out}"
            );
            // A link may say anything after its scheme; its scheme may not be one that runs.
            for value in attribute_values(tag) {
                // As a browser reads a URL: leading controls and spaces dropped, tabs and line
                // breaks removed anywhere (other controls stay and spoil the scheme).
                let scheme: String = value
                    .replace("&amp;", "&")
                    .trim_start_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .take(16)
                    .collect();
                for bad in ["javascript:", "vbscript:", "data:text/html"] {
                    assert!(!scheme.starts_with(bad), "{bad} survived in <{tag}>: {out}");
                }
            }
        }
        // No event handler attribute survives (`<x onerror=`), however it is spaced.
        let handler = tags.iter().map(|tag| without_quoted(tag)).any(|tag| {
            tag.split(|c: char| c.is_whitespace() || c == '/')
                .skip(1)
                .any(|attr| attr.starts_with("on") && attr.contains('='))
        });
        assert!(!handler, "an event handler survived: {out}");
    })
}
