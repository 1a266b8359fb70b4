//! Ticket numbers: what people quote. Six random digits by default, or a mask with a sequence
//! (`SOC-####` gives SOC-0001, SOC-0002, ...). Ids stay internal.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberFormat {
    /// `digits` random digits, the first never zero.
    Random { digits: u8 },
    /// `prefix`, the sequence zero-padded to `width` (wider when it outgrows it), `suffix`.
    Sequence {
        prefix: String,
        width: u8,
        suffix: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberFormatError {
    #[error("A mask needs one run of # for the sequence, like SOC-####.")]
    NoPlaceholder,
    #[error("A mask can have only one run of #.")]
    SeveralPlaceholders,
    #[error("Use between 3 and 12 # or random digits.")]
    Width,
    #[error("A mask may contain letters, digits, - and _ around the #.")]
    Characters,
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat::Random { digits: 6 }
    }
}

impl NumberFormat {
    /// Parses `random`, `random:N` or a mask such as `SOC-####`.
    pub fn parse(raw: &str) -> Result<NumberFormat, NumberFormatError> {
        let raw = raw.trim();
        if raw == "random" {
            return Ok(NumberFormat::default());
        }
        if let Some(n) = raw.strip_prefix("random:") {
            let digits: u8 = n.parse().map_err(|_| NumberFormatError::Width)?;
            return if (3..=12).contains(&digits) {
                Ok(NumberFormat::Random { digits })
            } else {
                Err(NumberFormatError::Width)
            };
        }
        let Some(start) = raw.find('#') else {
            return Err(NumberFormatError::NoPlaceholder);
        };
        let width = raw[start..].chars().take_while(|c| *c == '#').count();
        let (prefix, suffix) = (&raw[..start], &raw[start + width..]);
        if suffix.contains('#') {
            return Err(NumberFormatError::SeveralPlaceholders);
        }
        if !(3..=12).contains(&width) {
            return Err(NumberFormatError::Width);
        }
        let allowed = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !allowed(prefix) || !allowed(suffix) || prefix.len() + suffix.len() > 16 {
            return Err(NumberFormatError::Characters);
        }
        Ok(NumberFormat::Sequence {
            prefix: prefix.to_string(),
            width: width as u8,
            suffix: suffix.to_string(),
        })
    }

    /// Whether numbers come from a sequence (the store must supply the next value).
    /// The format as [`NumberFormat::parse`] reads it (`random:6`, `SOC-####`).
    pub fn as_setting(&self) -> String {
        match self {
            NumberFormat::Random { digits } => format!("random:{digits}"),
            NumberFormat::Sequence {
                prefix,
                width,
                suffix,
            } => format!("{prefix}{}{suffix}", "#".repeat(usize::from(*width))),
        }
    }

    pub fn uses_sequence(&self) -> bool {
        matches!(self, NumberFormat::Sequence { .. })
    }

    /// The number for sequence value `sequence` or random `draw` (only one applies per format).
    pub fn render(&self, sequence: u64, draw: u64) -> String {
        match self {
            NumberFormat::Random { digits } => {
                let span = 9 * 10u64.pow(u32::from(*digits) - 1);
                (10u64.pow(u32::from(*digits) - 1) + draw % span).to_string()
            }
            NumberFormat::Sequence {
                prefix,
                width,
                suffix,
            } => {
                format!(
                    "{prefix}{sequence:0width$}{suffix}",
                    width = usize::from(*width)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_numbers_tickets_in_sequence_with_zero_padding() {
        let f = NumberFormat::parse("SOC-####").unwrap();
        assert_eq!(f.render(1, 0), "SOC-0001");
        assert_eq!(f.render(2, 0), "SOC-0002");
        assert_eq!(f.render(10_000, 0), "SOC-10000");
    }

    #[test]
    fn random_numbers_have_exactly_the_configured_digits() {
        let f = NumberFormat::default();
        for draw in [0, 1, 899_999, 900_000, u64::MAX] {
            let n = f.render(0, draw);
            assert_eq!(n.len(), 6, "{n}");
            assert!(!n.starts_with('0'));
        }
    }

    #[test]
    fn bad_masks_are_refused_with_a_reason() {
        assert_eq!(
            NumberFormat::parse("SOC-"),
            Err(NumberFormatError::NoPlaceholder)
        );
        assert_eq!(
            NumberFormat::parse("A###-###"),
            Err(NumberFormatError::SeveralPlaceholders)
        );
        assert_eq!(NumberFormat::parse("A##"), Err(NumberFormatError::Width));
        assert_eq!(
            NumberFormat::parse("A B####"),
            Err(NumberFormatError::Characters)
        );
        assert_eq!(
            NumberFormat::parse("random:2"),
            Err(NumberFormatError::Width)
        );
    }

    #[test]
    fn only_masks_need_the_sequence() {
        assert!(NumberFormat::parse("T-####-X").unwrap().uses_sequence());
        assert!(!NumberFormat::parse("random:8").unwrap().uses_sequence());
    }
}
