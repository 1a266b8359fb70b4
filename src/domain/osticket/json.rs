//! `tickets.json` bodies: one JSON object; `attachments` is an array of one-key objects
//! `{"name.txt": "data:..."}`.

use serde_json::Value;

use super::{ApiFile, DataUrl, Submission};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Empty or not JSON: osTicket's `Syntax error, malformed JSON`.
    Malformed,
    NotAnObject,
}

impl JsonError {
    pub fn body(&self) -> &'static str {
        match self {
            JsonError::Malformed => "Syntax error, malformed JSON",
            JsonError::NotAnObject => "Syntax error, the JSON body must be an object",
        }
    }
}

pub fn parse(body: &[u8]) -> Result<Submission, JsonError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| JsonError::Malformed)?;
    let Value::Object(object) = value else {
        return Err(JsonError::NotAnObject);
    };
    let mut submission = Submission::default();
    for (key, value) in object {
        if key.eq_ignore_ascii_case("attachments") {
            for item in value.as_array().into_iter().flatten() {
                for (name, url) in item.as_object().into_iter().flatten() {
                    match url.as_str().and_then(DataUrl::parse) {
                        Some(url) => submission.attachments.push(ApiFile {
                            name: name.clone(),
                            content_type: url.media_type,
                            bytes: url.bytes,
                        }),
                        None => submission.dropped_attachments += 1,
                    }
                }
            }
            continue;
        }
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        submission.values.insert(key, text);
    }
    Ok(submission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_only_and_attachments_by_data_url() {
        assert_eq!(parse(b""), Err(JsonError::Malformed));
        assert_eq!(parse(b"{\"email\": "), Err(JsonError::Malformed));
        assert_eq!(parse(b"[1, 2]"), Err(JsonError::NotAnObject));
        let s = parse(
            br#"{"email": "a@example.org", "priority": 3, "alert": false, "x": null,
                "attachments": [{"a.txt": "data:text/plain,hello"}, {"b.bin": "data:application/pdf;base64,@@@"}]}"#,
        )
        .unwrap();
        assert_eq!(s.values["priority"], "3");
        assert_eq!(s.values["alert"], "false");
        assert!(!s.values.contains_key("x"));
        assert_eq!(s.attachments.len(), 1);
        assert_eq!(
            (
                s.attachments[0].name.as_str(),
                s.attachments[0].bytes.as_slice()
            ),
            ("a.txt", &b"hello"[..])
        );
        assert_eq!(s.dropped_attachments, 1);
    }
}
