//! Observables: the IPs, hosts, users, hashes and MITRE ATT&CK technique ids an alert is about,
//! taken from the payload's known fields and found in its text.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservableKind {
    Ip,
    Host,
    User,
    Hash,
    Technique,
    Url,
    Other,
}

impl ObservableKind {
    pub fn label(self) -> &'static str {
        match self {
            ObservableKind::Ip => "IP",
            ObservableKind::Host => "Host",
            ObservableKind::User => "User",
            ObservableKind::Hash => "Hash",
            ObservableKind::Technique => "MITRE technique",
            ObservableKind::Url => "URL",
            ObservableKind::Other => "Other",
        }
    }

    /// TheHive's dataType names (and ours).
    pub fn from_name(name: &str) -> ObservableKind {
        match name.trim().to_ascii_lowercase().as_str() {
            "ip" | "ipv4" | "ipv6" | "src_ip" | "dst_ip" => ObservableKind::Ip,
            "hostname" | "host" | "fqdn" | "domain" => ObservableKind::Host,
            "user" | "username" | "user-agent-user" | "mail" => ObservableKind::User,
            "hash" | "md5" | "sha1" | "sha256" | "filehash" => ObservableKind::Hash,
            "technique" | "mitre" | "attack-pattern" => ObservableKind::Technique,
            "url" | "uri" => ObservableKind::Url,
            _ => ObservableKind::Other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Observable {
    pub kind: ObservableKind,
    pub value: String,
}

impl Observable {
    pub fn new(kind: ObservableKind, value: impl Into<String>) -> Observable {
        Observable {
            kind,
            value: value.into(),
        }
    }
}

/// Adds `o` unless it is empty or already there.
pub fn add(list: &mut Vec<Observable>, o: Observable) {
    if !o.value.trim().is_empty() && !list.contains(&o) {
        list.push(Observable {
            value: o.value.trim().to_string(),
            ..o
        });
    }
}

/// IPv4 addresses, hashes (32, 40 or 64 hex digits) and technique ids (T1110, T1059.001) in text.
pub fn scan(text: &str, list: &mut Vec<Observable>) {
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == ':')) {
        let word = word.trim_matches(|c: char| c == '.' || c == ':');
        if is_ipv4(word) {
            add(list, Observable::new(ObservableKind::Ip, word));
        } else if matches!(word.len(), 32 | 40 | 64) && word.chars().all(|c| c.is_ascii_hexdigit())
        {
            add(
                list,
                Observable::new(ObservableKind::Hash, word.to_ascii_lowercase()),
            );
        } else if is_technique(word) {
            add(list, Observable::new(ObservableKind::Technique, word));
        }
    }
}

fn is_ipv4(word: &str) -> bool {
    word.parse::<std::net::Ipv4Addr>().is_ok() && word.split('.').count() == 4
}

fn is_technique(word: &str) -> bool {
    let Some(rest) = word.strip_prefix('T') else {
        return false;
    };
    let (main, sub) = match rest.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (rest, None),
    };
    main.len() == 4
        && main.chars().all(|c| c.is_ascii_digit())
        && sub.is_none_or(|s| s.len() == 3 && s.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_yields_ips_hashes_and_techniques_once() {
        let mut list = Vec::new();
        scan(
            "Invalid user from 198.51.100.23 port 22; again 198.51.100.23. T1110 and T1059.001, file d41d8cd98f00b204e9800998ecf8427e; not 999.1.1.1 nor T12",
            &mut list,
        );
        assert_eq!(
            list,
            [
                Observable::new(ObservableKind::Ip, "198.51.100.23"),
                Observable::new(ObservableKind::Technique, "T1110"),
                Observable::new(ObservableKind::Technique, "T1059.001"),
                Observable::new(ObservableKind::Hash, "d41d8cd98f00b204e9800998ecf8427e"),
            ]
        );
    }
}
