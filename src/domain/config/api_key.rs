//! API keys as admins issue them: what a key may do and where it may come from. The key itself
//! is shown once and only its hash is kept.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{Item, check_name, split_list};
use crate::domain::catalog::Catalog;
use crate::domain::editor::{Opt, Schema, Spec};
use crate::domain::permission::{EVENTS_READ, TICKETS_READ, TICKETS_WRITE, USERS_READ};
use crate::error::FieldError;

/// What a key may be used for.
pub const SCOPES: [(&str, &str); 7] = [
    ("tickets:create", "Create tickets (osTicket API)"),
    (
        "tickets:email",
        "Submit raw email (tickets.email, mail piping)",
    ),
    ("alerts:create", "Send SIEM alerts"),
    (TICKETS_READ, "REST: list, search and read tickets"),
    (
        TICKETS_WRITE,
        "REST: open, change and reply to tickets (and read them)",
    ),
    (USERS_READ, "REST: look up accounts"),
    (EVENTS_READ, "Read the live event stream"),
];

/// Scopes that act as a staff account (the REST API and the event stream): a key holding one
/// must name the account, and can never do more than it may.
pub fn acts_as_account(scope: &str) -> bool {
    [TICKETS_READ, TICKETS_WRITE, USERS_READ, EVENTS_READ].contains(&scope)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyDef {
    pub name: String,
    pub active: bool,
    pub scopes: Vec<String>,
    /// Addresses or CIDR ranges requests may come from, separated by commas; empty: nowhere.
    pub allowed: String,
    /// The email of the agent or admin whose permissions the REST scopes use.
    #[serde(default)]
    pub acts_as: String,
}

/// An address or a range of addresses (`10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub network: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Option<Cidr> {
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let network: IpAddr = addr.trim().parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl ApiKeyDef {
    pub fn blank() -> ApiKeyDef {
        ApiKeyDef {
            name: String::new(),
            active: true,
            scopes: vec!["tickets:create".into()],
            allowed: "127.0.0.1".into(),
            acts_as: String::new(),
        }
    }

    /// Whether any of the key's scopes acts as a staff account.
    pub fn acts(&self) -> bool {
        self.scopes.iter().any(|s| acts_as_account(s))
    }

    pub fn schema() -> Schema {
        Schema(vec![
            Spec::text("name", "Name").hint("Who uses it, e.g. “Wazuh manager”."),
            Spec::toggle("active", "Enabled"),
            Spec::choices(
                "scopes",
                "Scopes",
                SCOPES.iter().map(|(v, l)| Opt::new(*v, *l)).collect(),
            ),
            Spec::text("allowed", "Allowed addresses")
                .hint("IP addresses or CIDR ranges, e.g. 127.0.0.1, 10.0.0.0/8"),
            Spec::text("acts_as", "Acts as").hint(
                "For REST and event scopes: the email of the agent or admin whose access the key \
                 uses. It never does more than that account may, and nothing administrative.",
            ),
        ])
    }

    /// The allowed ranges (invalid entries are refused by validation, so skipped here).
    pub fn ranges(&self) -> Vec<Cidr> {
        split_list(&self.allowed)
            .iter()
            .filter_map(|r| Cidr::parse(r))
            .collect()
    }
}

impl Item for ApiKeyDef {
    fn name(&self) -> &str {
        &self.name
    }

    fn active(&self) -> bool {
        self.active
    }

    fn validate(&self, _key: Option<&str>, _catalog: &Catalog) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_name(&self.name, 60, &mut errors);
        if self.scopes.is_empty() {
            errors.push(FieldError::new("scopes", "Choose at least one scope."));
        } else if let Some(bad) = self
            .scopes
            .iter()
            .find(|s| !SCOPES.iter().any(|(k, _)| k == s))
        {
            errors.push(FieldError::new(
                "scopes",
                format!("There is no scope “{bad}”."),
            ));
        }
        let acts_as = self.acts_as.trim();
        if self.acts() && acts_as.is_empty() {
            errors.push(FieldError::new(
                "acts_as",
                "REST and event scopes act as an agent or admin: enter their email.",
            ));
        } else if !acts_as.is_empty() && !acts_as.contains('@') {
            errors.push(FieldError::new(
                "acts_as",
                format!("“{acts_as}” is not an email address."),
            ));
        }
        let allowed = split_list(&self.allowed);
        if allowed.is_empty() {
            errors.push(FieldError::new(
                "allowed",
                "Allow at least one address, e.g. 127.0.0.1 or 10.0.0.0/8.",
            ));
        }
        for range in allowed {
            if Cidr::parse(&range).is_none() {
                errors.push(FieldError::new(
                    "allowed",
                    format!("“{range}” is not an IP address or CIDR range."),
                ));
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_contain_the_addresses_inside_them() {
        let net = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(net.contains(ip("10.20.30.40")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6");
        let host = Cidr::parse("127.0.0.1").unwrap();
        assert!(host.contains(ip("127.0.0.1")));
        assert!(!host.contains(ip("127.0.0.2")));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn malformed_ranges_and_unknown_scopes_are_refused() {
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("example.com"), None);
        let key = ApiKeyDef {
            name: "SIEM".into(),
            scopes: vec!["tickets:delete".into()],
            allowed: "10.0.0.0/8, nope".into(),
            ..ApiKeyDef::blank()
        };
        let fields: Vec<_> = key
            .validate(None, &Catalog::default())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["scopes", "allowed"]);
    }

    #[test]
    fn rest_scopes_need_the_account_the_key_acts_as() {
        let key = ApiKeyDef {
            name: "SOAR".into(),
            scopes: vec!["tickets:read".into()],
            ..ApiKeyDef::blank()
        };
        let fields: Vec<_> = key
            .validate(None, &Catalog::default())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["acts_as"]);
        let named = ApiKeyDef {
            acts_as: "priya@example.com".into(),
            ..key
        };
        assert!(named.validate(None, &Catalog::default()).is_empty());
        let osticket_only = ApiKeyDef {
            name: "Wazuh".into(),
            ..ApiKeyDef::blank()
        };
        assert!(!osticket_only.acts());
    }
}
