//! The regular expressions admins write (filter conditions, custom field patterns), compiled
//! with limits so that no rule can make matching slow. `regex-lite` never backtracks: matching
//! takes the compiled pattern's size times the text's length. The limits bound the first; only
//! the start of a long text is matched, which bounds the second.

use regex_lite::{Regex, RegexBuilder};

/// The largest compiled pattern: ample for real rules; `a{1000}{1000}` and its like are refused.
const MAX_PROGRAM_BYTES: usize = 16 * 1024;
const MAX_NESTING: u32 = 32;
/// How much of a text a pattern is matched against (a mail body can be megabytes).
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Compiles `pattern` within the limits; the error says what is wrong with it.
pub fn compile(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(MAX_PROGRAM_BYTES)
        .nest_limit(MAX_NESTING)
        .build()
        .map_err(|e| {
            let reason = e.to_string();
            if reason.contains("size limit") || reason.contains("nest limit") {
                "This regular expression is too complex: use fewer or smaller repetitions."
                    .to_string()
            } else {
                format!("This is not a valid regular expression: {reason}")
            }
        })
}

/// Whether `regex` matches within the first 64 KiB of `text`.
pub fn is_match(regex: &Regex, text: &str) -> bool {
    let mut end = text.len().min(MAX_TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    regex.is_match(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_patterns_compile_and_match() {
        let re = compile(r"srv-[0-9]+\.example\.com$", true).unwrap();
        assert!(is_match(&re, "Disk full on SRV-12.example.com"));
        assert!(!is_match(&re, "srv-x.example.com"));
    }

    #[test]
    fn patterns_that_would_make_matching_slow_are_refused_with_a_reason() {
        for pattern in [r"a{1000}{1000}", r"(x{100}){100}", &"(".repeat(40)] {
            let error = compile(pattern, true).unwrap_err();
            assert!(
                error.contains("too complex") || error.contains("not a valid"),
                "{pattern}: {error}"
            );
        }
        assert!(
            compile("(unclosed", false)
                .unwrap_err()
                .contains("not a valid")
        );
    }

    #[test]
    fn only_the_start_of_a_long_text_is_matched() {
        let re = compile("needle", false).unwrap();
        let text = format!("{}needle", "é".repeat(40_000));
        assert!(!is_match(&re, &text), "beyond 64 KiB");
        assert!(is_match(&re, &text[text.len() - 100..]));
    }
}
