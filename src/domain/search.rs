//! Full-text search: what a query may be, and turning the database's marked-up matches into
//! plain text segments the page highlights (no HTML from the database reaches the browser).

use serde::{Deserialize, Serialize};

/// Marks the start and end of a match in highlighted text.
pub const MATCH_START: char = '\u{1}';
pub const MATCH_END: char = '\u{2}';

/// A run of text, matched or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub matched: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("Search for at least 2 characters.")]
    TooShort,
    #[error("Search for at most 200 characters.")]
    TooLong,
}

/// A search query: trimmed, control characters dropped, 2 to 200 characters.
pub fn parse_query(raw: &str) -> Result<String, QueryError> {
    let query: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match query.chars().count() {
        0..=1 => Err(QueryError::TooShort),
        201.. => Err(QueryError::TooLong),
        _ => Ok(query),
    }
}

/// An excerpt of `marked` (text with match markers) around its first match, at most about
/// `width` characters, split into segments.
pub fn excerpt(marked: &str, width: usize) -> Vec<Segment> {
    let chars: Vec<char> = marked.chars().collect();
    let first = chars.iter().position(|c| *c == MATCH_START).unwrap_or(0);
    let start = first.saturating_sub(width / 3);
    let end = (start + width).min(chars.len());
    let mut segments = Vec::new();
    let mut current = Segment {
        text: String::new(),
        matched: false,
    };
    if start > 0 {
        current.text.push('…');
    }
    for &c in &chars[start..end] {
        match c {
            MATCH_START | MATCH_END => {
                let matched = c == MATCH_START;
                if !current.text.is_empty() {
                    segments.push(std::mem::replace(
                        &mut current,
                        Segment {
                            text: String::new(),
                            matched,
                        },
                    ));
                }
                current.matched = matched;
            }
            _ => current.text.push(c),
        }
    }
    if end < chars.len() {
        current.text.push('…');
    }
    if !current.text.is_empty() {
        segments.push(current);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_bounded() {
        assert_eq!(parse_query("  vpn\tdown \u{0} "), Ok("vpn down".into()));
        assert_eq!(parse_query(" a "), Err(QueryError::TooShort));
        assert_eq!(parse_query(&"x".repeat(201)), Err(QueryError::TooLong));
    }

    #[test]
    fn an_excerpt_marks_the_matches_around_the_first_one() {
        let marked = format!("The {MATCH_START}printer{MATCH_END} on floor 3 jams");
        assert_eq!(
            excerpt(&marked, 100),
            vec![
                Segment {
                    text: "The ".into(),
                    matched: false
                },
                Segment {
                    text: "printer".into(),
                    matched: true
                },
                Segment {
                    text: " on floor 3 jams".into(),
                    matched: false
                },
            ]
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_match() {
        let marked = format!(
            "{}{MATCH_START}needle{MATCH_END}{}",
            "a".repeat(500),
            "b".repeat(500)
        );
        let segments = excerpt(&marked, 60);
        assert!(segments[0].text.starts_with('…'));
        assert!(segments.iter().any(|s| s.matched && s.text == "needle"));
        assert!(segments.last().unwrap().text.ends_with('…'));
        let length: usize = segments.iter().map(|s| s.text.chars().count()).sum();
        assert!(length <= 62, "{length}");
    }
}
