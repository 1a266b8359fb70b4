//! Canned responses: reusable replies with variables filled from the ticket.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    pub key: String,
    pub title: String,
    /// Text with `{ticket.number}`, `{ticket.subject}`, `{requester.name}`,
    /// `{requester.first_name}` and `{agent.name}` placeholders.
    pub body: String,
    /// The department whose tickets it is for; none: every department.
    pub department: Option<String>,
}

impl CannedResponse {
    pub fn offered_in(&self, department: &str) -> bool {
        self.department.as_deref().is_none_or(|d| d == department)
    }
}

/// The values a canned response's placeholders take.
pub struct CannedVars<'a> {
    pub ticket_number: &'a str,
    pub ticket_subject: &'a str,
    pub requester_name: &'a str,
    pub agent_name: &'a str,
}

/// The body with its placeholders filled; unknown placeholders stay as written.
pub fn render(body: &str, vars: &CannedVars<'_>) -> String {
    let first_name = vars.requester_name.split_whitespace().next().unwrap_or("");
    [
        ("{ticket.number}", vars.ticket_number),
        ("{ticket.subject}", vars.ticket_subject),
        ("{requester.name}", vars.requester_name),
        ("{requester.first_name}", first_name),
        ("{agent.name}", vars.agent_name),
    ]
    .into_iter()
    .fold(body.to_string(), |text, (placeholder, value)| {
        text.replace(placeholder, value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_from_the_ticket() {
        let vars = CannedVars {
            ticket_number: "100200",
            ticket_subject: "VPN down",
            requester_name: "Alice Liddell",
            agent_name: "Priya",
        };
        assert_eq!(
            render(
                "Hi {requester.first_name}, about #{ticket.number} ({ticket.subject}): {x}. {agent.name}",
                &vars
            ),
            "Hi Alice, about #100200 (VPN down): {x}. Priya"
        );
    }
}
