//! Quote stripping: the new part of a reply, without the quoted conversation under it.

/// The marker Docket puts at the top of its mail.
pub const REPLY_ABOVE: &str = "-- reply above this line --";

/// The text above the first quote marker: our "reply above this line" marker, a client's
/// "On ... wrote:" attribution (also wrapped over two lines), Outlook's "-----Original Message-----"
/// or "From: ... Sent:" block, a run of `>` quoted lines at the end, or a signature separator
/// before quoted text. When stripping would leave nothing, the whole text is kept.
pub fn strip_quotes(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let lower = trimmed.to_ascii_lowercase();
        let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
        let attribution =
            (lower.starts_with("on ") || lower.starts_with("am ") || lower.starts_with("le "))
                && (lower.ends_with("wrote:")
                    || (lower.contains(" schrieb") && lower.ends_with(':'))
                    || (lower.contains(" a écrit") && lower.ends_with(':'))
                    || (next.to_ascii_lowercase().ends_with("wrote:") && !next.starts_with('>')));
        let outlook = lower.starts_with("-----original message-----")
            || (lower.starts_with("from:")
                && lines[i + 1..]
                    .iter()
                    .take(4)
                    .any(|l| l.trim().to_ascii_lowercase().starts_with("sent:")));
        if lower.contains(REPLY_ABOVE) || attribution || outlook {
            cut = i;
            break;
        }
    }
    // A trailing block of quoted lines (with blank lines among them) goes too.
    let mut end = cut;
    while end > 0 {
        let line = lines[end - 1].trim();
        if line.starts_with('>') || line.is_empty() {
            end -= 1;
        } else {
            break;
        }
    }
    let kept = lines[..end].join("\n");
    let kept = kept.trim_end();
    if kept.trim().is_empty() {
        text.trim().to_string()
    } else {
        kept.to_string()
    }
}

/// An HTML body without the quoted conversation: cut where a mail client's quote begins (Gmail's
/// `gmail_quote`, Apple Mail's and Thunderbird's `<blockquote type="cite">` and `moz-cite-prefix`,
/// Outlook's `divRplyFwdMsg` / `appendonsend`) or at our own reply marker. The result may end in
/// unclosed tags; the sanitiser closes them.
pub fn strip_html_quotes(html: &str) -> String {
    const MARKERS: [&str; 7] = [
        "class=\"gmail_quote",
        "<blockquote type=\"cite\"",
        "class=\"moz-cite-prefix\"",
        "id=\"divrplyfwdmsg\"",
        "id=\"appendonsend\"",
        "class=\"outlookmessageheader\"",
        REPLY_ABOVE,
    ];
    let lower = html.to_ascii_lowercase();
    let cut = MARKERS
        .iter()
        .filter_map(|marker| {
            lower.find(marker).map(|at| {
                // Cut at the start of the tag carrying the marker (or at the text marker).
                if marker.starts_with('<') || *marker == REPLY_ABOVE {
                    at
                } else {
                    lower[..at].rfind('<').unwrap_or(at)
                }
            })
        })
        .min();
    match cut {
        Some(at) if !html_to_text(&html[..at]).trim().is_empty() => html[..at].to_string(),
        _ => html.to_string(),
    }
}

/// An HTML body as plain text: block elements become line breaks, `script`, `style` and `head`
/// vanish with their content, entities are decoded, runs of blank lines collapse.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    while let Some(start) = rest.find('<') {
        if skip_until.is_none() {
            out.push_str(&decode_entities(&rest[..start]));
        }
        let after = &rest[start + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = after[..end].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let closing = tag.starts_with('/');
        match skip_until {
            Some(until) if closing && name == until => skip_until = None,
            Some(_) => {}
            None if !closing && matches!(name.as_str(), "script" | "style" | "head" | "title") => {
                skip_until = Some(match name.as_str() {
                    "script" => "script",
                    "style" => "style",
                    "head" => "head",
                    _ => "title",
                });
            }
            None if matches!(
                name.as_str(),
                "br" | "p"
                    | "div"
                    | "li"
                    | "tr"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "blockquote"
                    | "pre"
                    | "table"
                    | "ul"
                    | "ol"
            ) =>
            {
                out.push('\n');
            }
            None => {}
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    if skip_until.is_none() {
        out.push_str(&decode_entities(rest));
    }
    let mut text = String::new();
    let mut blank = 0;
    for line in out.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            if blank > 1 || text.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.trim().to_string()
}

pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|end| {
            let entity = &after[..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                    u32::from_str_radix(&entity[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if entity.starts_with('#') => {
                    entity[1..].parse::<u32>().ok().and_then(char::from_u32)
                }
                _ => None,
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_quotes_are_cut_where_the_client_starts_them() {
        let gmail = "<div dir=\"ltr\">Works now</div><br><div class=\"gmail_quote\"><div>On Mon wrote:</div><blockquote>old</blockquote></div>";
        assert_eq!(
            strip_html_quotes(gmail),
            "<div dir=\"ltr\">Works now</div><br>"
        );
        let apple = "<p>Thanks</p><blockquote type=\"cite\"><p>old</p></blockquote>";
        assert_eq!(strip_html_quotes(apple), "<p>Thanks</p>");
        let outlook = "<p>Fixed</p><div id=\"divRplyFwdMsg\"><b>From:</b> Help</div>";
        assert_eq!(strip_html_quotes(outlook), "<p>Fixed</p>");
        // Nothing above the quote: the whole message stays.
        let only_quote = "<blockquote type=\"cite\">everything</blockquote>";
        assert_eq!(strip_html_quotes(only_quote), only_quote);
    }

    #[test]
    fn html_becomes_readable_text() {
        assert_eq!(
            html_to_text(
                "<html><head><title>t</title><style>p{}</style></head><body><p>Hi&nbsp;<b>you</b> &amp; &#233;&#x41;</p><p></p><p></p><div>next<br>line</div><script>alert(1)</script>end</body></html>"
            ),
            "Hi you & éA\n\nnext\nline\nend"
        );
    }

    #[test]
    fn quotes_are_cut_at_common_markers() {
        let cases = [
            (
                "Thanks, fixed.\n\n-- reply above this line --\nOld text",
                "Thanks, fixed.",
            ),
            (
                "Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Help <help@example.com> wrote:\n> earlier",
                "Thanks!",
            ),
            (
                "Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Help Desk\n<help@example.com> wrote:\n> earlier",
                "Thanks!",
            ),
            (
                "Danke\n\nAm 02.03.2026 um 10:00 schrieb Help:\n> alt",
                "Danke",
            ),
            (
                "Works now.\n\n-----Original Message-----\nFrom: Help\nSent: Monday",
                "Works now.",
            ),
            (
                "Works now.\n\nFrom: Help Desk <help@example.com>\nSent: Monday, March 2, 2026\nTo: Alice\nSubject: Re: VPN",
                "Works now.",
            ),
            ("Still broken\n\n> quoted line\n> another\n", "Still broken"),
            (
                "Inline answer:\n> question one\nanswer one",
                "Inline answer:\n> question one\nanswer one",
            ),
            ("> only a quote", "> only a quote"),
            (
                "Plain message\nwith two lines",
                "Plain message\nwith two lines",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_quotes(input), expected, "input: {input:?}");
        }
    }
}
