//! A message as it arrives, parsed: what threading, loop protection and ticket creation read.

/// One address from a header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// Lower-cased.
    pub email: String,
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown in the body (`Content-ID`) rather than attached.
    pub inline: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncomingMail {
    /// Without angle brackets; may be missing on broken mail.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: Address,
    pub reply_to: Option<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    /// The plain text body (from the text part, or the HTML part turned into text).
    pub text: String,
    /// The HTML body as sent (to be sanitised before it is shown), if there was one.
    pub html: Option<String>,
    pub attachments: Vec<IncomingAttachment>,
    /// Every header, names lower-cased, values decoded, for loop detection and filters.
    pub headers: Vec<(String, String)>,
    /// A delivery status notification (`multipart/report; report-type=delivery-status`).
    pub is_report: bool,
}

impl IncomingMail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The address replies go to: Reply-To when given, else From.
    pub fn sender(&self) -> &Address {
        self.reply_to.as_ref().unwrap_or(&self.from)
    }

    /// The Message-IDs this one answers, nearest first: In-Reply-To, then References newest first.
    pub fn parents(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for id in &self.in_reply_to {
            out.push(("In-Reply-To", id.clone()));
        }
        for id in self.references.iter().rev() {
            if !out.iter().any(|(_, seen)| seen == id) {
                out.push(("References", id.clone()));
            }
        }
        out
    }
}
