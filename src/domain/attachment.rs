//! Attachments: what may be uploaded and how its name is made safe to store and to send back.

use serde::{Deserialize, Serialize};

/// An attachment as a thread entry lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// Content types accepted by default: documents, images, text, archives, mail. Detected from the
/// bytes, not taken from the browser's claim.
pub const ALLOWED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "application/zip",
    "application/gzip",
    "message/rfc822",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

pub fn is_allowed(content_type: &str) -> bool {
    ALLOWED_TYPES.contains(&content_type)
}

/// A file name fit to store and to put in `Content-Disposition`: no directories, no control or
/// quoting characters, at most 120 characters, never empty.
pub fn safe_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let limited: String = if trimmed.chars().count() > 120 {
        let (stem, ext) = trimmed
            .rsplit_once('.')
            .filter(|(_, e)| e.len() <= 10)
            .unwrap_or((trimmed, ""));
        let keep = 120 - ext.len() - usize::from(!ext.is_empty());
        let stem: String = stem.chars().take(keep).collect();
        if ext.is_empty() {
            stem
        } else {
            format!("{stem}.{ext}")
        }
    } else {
        trimmed.to_string()
    };
    if limited.is_empty() {
        "attachment".to_string()
    } else {
        limited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_dangerous_characters_are_dropped() {
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(safe_filename("a\"b;c\r\n.txt"), "abc.txt");
        assert_eq!(safe_filename(".htaccess"), "htaccess");
    }

    #[test]
    fn empty_names_get_a_default_and_long_ones_keep_their_extension() {
        assert_eq!(safe_filename("  "), "attachment");
        let long = format!("{}.pdf", "x".repeat(300));
        let safe = safe_filename(&long);
        assert_eq!(safe.chars().count(), 120);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn executables_and_html_are_not_allowed() {
        assert!(is_allowed("application/pdf"));
        assert!(!is_allowed("application/x-msdownload"));
        assert!(!is_allowed("text/html"));
    }
}
