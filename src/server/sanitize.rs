//! Sanitising HTML that people send (ticket messages, email bodies) before it is stored or shown:
//! formatting survives; scripts, event handlers, styles and `javascript:` URLs do not.

use std::collections::HashSet;

/// Returns `input` with only harmless markup left. Links open safely in a new context.
pub fn sanitize_html(input: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_generic_attributes(["title"])
        .clean(input)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize_html;

    /// Payloads from the usual XSS cheat sheets; none may leave anything executable behind.
    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
        "<a href=\"&#106;avascript:alert(1)\">click</a>",
        "<a href=\" javascript:alert(1)\">click</a>",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<body onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<p>ok</p><!--<script>alert(1)</script>-->",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
    ];

    #[test]
    fn known_xss_payloads_come_out_inert() {
        for payload in PAYLOADS {
            let clean = sanitize_html(payload).to_lowercase();
            for forbidden in [
                "<script",
                "javascript:",
                "onerror",
                "onload",
                "onfocus",
                "ontoggle",
                "<iframe",
                "<object",
                "<embed",
                "<style",
                "style=",
                "<meta",
                "<form",
                "data:text/html",
            ] {
                assert!(
                    !clean.contains(forbidden),
                    "{payload:?} left {forbidden:?} in {clean:?}"
                );
            }
        }
    }

    #[test]
    fn ordinary_formatting_survives() {
        let html = "<p>Hello <strong>team</strong>, see <a href=\"https://status.example.com\">status</a>:</p><ul><li>one</li></ul><pre>code</pre>";
        let clean = sanitize_html(html);
        assert!(clean.contains("<strong>team</strong>"));
        assert!(clean.contains("<li>one</li>") && clean.contains("<pre>code</pre>"));
        assert!(clean.contains("href=\"https://status.example.com\""));
        assert!(clean.contains("rel=\"noopener noreferrer nofollow\""));
    }
}
