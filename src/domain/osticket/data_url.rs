//! RFC 2397 data URLs: `data:[<media type>][;base64],<data>`, the way osTicket clients send
//! messages and attachments.

use base64::Engine;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataUrl {
    /// Lower-cased, without parameters; `text/plain` when none was given.
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl DataUrl {
    /// None when it is no data URL or its base64 is broken.
    pub fn parse(url: &str) -> Option<DataUrl> {
        let rest = url.trim().strip_prefix("data:")?;
        let (meta, data) = rest.split_once(',')?;
        let mut parts = meta.split(';');
        let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let base64 = meta
            .split(';')
            .any(|p| p.trim().eq_ignore_ascii_case("base64"));
        let bytes = if base64 {
            let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(cleaned.as_bytes())
                .or_else(|_| {
                    base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(cleaned.trim_end_matches('=').as_bytes())
                })
                .ok()?
        } else {
            percent_decode(data)
        };
        Some(DataUrl {
            media_type: if media_type.is_empty() {
                "text/plain".into()
            } else {
                media_type
            },
            bytes,
        })
    }

    pub fn is_html(&self) -> bool {
        self.media_type == "text/html"
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// `%XX` escapes decoded; everything else kept as it is (clients rarely escape at all).
fn percent_decode(data: &str) -> Vec<u8> {
    let bytes = data.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_of_data_url() {
        let html = DataUrl::parse("data:text/html,<b>hi</b>").unwrap();
        assert!(html.is_html());
        assert_eq!(html.text(), "<b>hi</b>");
        let b64 = DataUrl::parse("data:text/plain;charset=utf-8;base64,aGVsbG8gd29ybGQ=").unwrap();
        assert_eq!(
            (b64.media_type.as_str(), b64.text().as_str()),
            ("text/plain", "hello world")
        );
        let plain = DataUrl::parse("data:,A%20brief%20note").unwrap();
        assert_eq!(
            (plain.media_type.as_str(), plain.text().as_str()),
            ("text/plain", "A brief note")
        );
        let gif = DataUrl::parse(
            "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
        )
        .unwrap();
        assert_eq!(&gif.bytes[..6], b"GIF89a");
        assert_eq!(DataUrl::parse("data:text/plain;base64,!!!not base64"), None);
        assert_eq!(DataUrl::parse("plain text"), None);
    }
}
