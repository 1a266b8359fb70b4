//! Settings: built-in defaults, then `Leptos.toml`, then `DOCKET_*` environment variables.
//!
//! Every key `section.key` of the file can be overridden by `DOCKET_SECTION_KEY` (upper case); keys
//! of the `[server]` section drop the section name (`server.addr` is `DOCKET_ADDR`). A value that
//! does not parse stops start-up with a message naming the key and the expected form. Secrets have
//! no defaults. This is the only module that reads the process environment.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use chrono::Duration;

use crate::domain::audit::stream::StreamTarget;
use crate::domain::rate_limit::RateLimit;
use crate::domain::registration::RegistrationPolicy;
use crate::domain::ticket_number::NumberFormat;

/// Where the database lives: one URL, one code path (see `store::connect`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseSettings {
    pub url: String,
    pub namespace: String,
    pub database: String,
    /// Root credentials for a remote server (`ws://`/`wss://`); unused for embedded stores.
    pub username: Option<String>,
    pub password: Option<String>,
}

impl DatabaseSettings {
    /// Whether the datastore lives in this process (`surrealkv://`, `mem://`): it admits one
    /// process at a time, so nothing else can be working its queues.
    pub fn is_embedded(&self) -> bool {
        self.url.starts_with("surrealkv://") || self.url.starts_with("mem://")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub addr: SocketAddr,
    /// Public URL of the help desk, without a trailing slash; used in links and cookie flags.
    pub base_url: String,
    /// Folder holding the compiled client bundle (`pkg/`) and public files.
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    pub database: DatabaseSettings,
    pub session_lifetime: Duration,
    /// How long a session may go unused; none: until its lifetime ends.
    pub session_idle_timeout: Option<Duration>,
    pub registration: RegistrationPolicy,
    pub upload_max_file_bytes: u64,
    pub upload_max_files: u32,
    /// Proxies whose `X-Forwarded-For` is believed; empty means the socket address is the client.
    pub trusted_proxies: Vec<IpAddr>,
    pub ticket_numbers: NumberFormat,
    /// How long a guest access link works.
    pub guest_link_lifetime: Duration,
    pub mail: MailSettings,
    /// The status of an osTicket API request with missing or bad fields: 400 (Docket's default,
    /// so SIEM connectors do not retry forever) or 500 (osTicket's own).
    pub api_validation_status: u16,
    /// Signs Message-ID tokens and encrypts stored mailbox passwords; when unset, a random key
    /// kept in the database is used.
    pub secret_key: Option<String>,
    pub audit: AuditSettings,
    pub limits: LimitSettings,
}

/// Request rates allowed to API clients (429 with `Retry-After` beyond them); none: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Each API key, over all its endpoints.
    pub api_key: Option<RateLimit>,
    /// Alerts ingested from each alert source (per key and kind of source), on top of the key's.
    pub alert_source: Option<RateLimit>,
}

/// Where and how often the audit chains' heads are written down, so a deleted tail shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// The checkpoint log (JSON lines, appended); by default beside an embedded datastore
    /// (`<path>.audit-checkpoints`), none for other databases unless set.
    pub checkpoint_file: Option<PathBuf>,
    pub checkpoint_interval: Duration,
    /// How long events are kept before they may be pruned behind a signed tombstone; none keeps
    /// them forever.
    pub retain: Option<Duration>,
    /// Where the trail is streamed as it grows (SIEMs, a file, stdout); none by default.
    pub stream: Vec<StreamTarget>,
}

/// Outgoing mail: the SMTP server and the outbox's retry policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `smtp://host:port` (plain; add `?tls=required` for STARTTLS), `smtps://host:port`
    /// (implicit TLS); none: mail waits in the outbox until one is set.
    pub smtp_url: Option<String>,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// The sender when a department has no address of its own: `Name <address>`.
    pub from: String,
    /// Delivery attempts before a message becomes a dead letter.
    pub max_attempts: u32,
    /// The first retry's delay; each further retry waits twice as long (at most a day).
    pub retry_after: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read settings file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("settings file {path} is not valid TOML: {reason}")]
    Syntax { path: String, reason: String },
    #[error("unknown setting `{key}` in {path} (known: {known})")]
    UnknownKey {
        key: String,
        path: String,
        known: String,
    },
    #[error("bad value for `{key}` ({env}): expected {expected}, got {got:?}")]
    BadValue {
        key: String,
        env: String,
        expected: &'static str,
        got: String,
    },
    #[error("`{key}` ({env}) must be set: {why}")]
    Missing {
        key: String,
        env: String,
        why: &'static str,
    },
}

/// Every key the settings file knows, with its default (None for secrets and optional values).
const KEYS: &[(&str, Option<&str>)] = &[
    ("server.addr", Some("127.0.0.1:3000")),
    ("server.base_url", Some("http://127.0.0.1:3000")),
    ("server.site_root", Some("target/site")),
    ("server.log_format", Some("pretty")),
    ("database.url", Some("surrealkv://data/docket.db")),
    ("database.namespace", Some("docket")),
    ("database.database", Some("main")),
    ("database.username", None),
    ("database.password", None),
    ("sessions.lifetime", Some("14d")),
    ("sessions.idle_timeout", Some("8h")),
    ("accounts.registration", Some("open")),
    ("uploads.max_file_size_mb", Some("25")),
    ("uploads.max_files", Some("10")),
    ("security.trusted_proxies", Some("")),
    ("tickets.number_format", Some("random")),
    ("tickets.guest_link_lifetime", Some("7d")),
    ("mail.smtp_url", Some("")),
    ("mail.smtp_username", None),
    ("mail.smtp_password", None),
    ("mail.from", Some("Docket <docket@docket.localhost>")),
    ("mail.max_attempts", Some("8")),
    ("mail.retry_after", Some("1m")),
    ("security.secret_key", None),
    ("api.validation_error_status", Some("400")),
    ("audit.checkpoint_file", Some("")),
    ("audit.checkpoint_interval", Some("1m")),
    ("audit.retain", Some("")),
    ("audit.stream", Some("")),
    ("limits.api_per_minute", Some("6000")),
    ("limits.alerts_per_minute", Some("3000")),
];

/// The environment variable that overrides `key`.
pub fn env_name(key: &str) -> String {
    let (section, name) = key.split_once('.').unwrap_or(("", key));
    let joined = if section == "server" {
        name.to_string()
    } else {
        format!("{section}_{name}")
    };
    format!("DOCKET_{}", joined.to_uppercase())
}

impl Settings {
    /// Reads `DOCKET_CONFIG` (default `Leptos.toml`, optional) and the process environment.
    pub fn load() -> Result<Settings, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("DOCKET_"))
            .collect();
        let path = env
            .iter()
            .find(|(k, _)| k == "DOCKET_CONFIG")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "Leptos.toml".into());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        Settings::from_sources(&path, text.as_deref(), &env)
    }

    /// Builds settings from a file's text (if any) and `DOCKET_*` variables; pure, for tests.
    pub fn from_sources(
        path: &str,
        file: Option<&str>,
        env: &[(String, String)],
    ) -> Result<Settings, ConfigError> {
        let mut values: BTreeMap<&'static str, String> = KEYS
            .iter()
            .filter_map(|(k, default)| default.map(|d| (*k, d.to_string())))
            .collect();
        if let Some(text) = file {
            for (key, value) in flatten(path, text)? {
                let known = KEYS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(k, _)| *k)
                    .ok_or_else(|| ConfigError::UnknownKey {
                        key: key.clone(),
                        path: path.to_string(),
                        known: KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "),
                    })?;
                values.insert(known, value);
            }
        }
        for (key, _) in KEYS {
            if let Some((_, v)) = env.iter().find(|(name, _)| *name == env_name(key)) {
                values.insert(key, v.clone());
            }
        }
        Reader { values }.settings()
    }

    /// Whether cookies must carry `Secure` (the help desk is served over https).
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// `[section] key = value` as `("section.key", "value")`; arrays become comma-separated lists.
fn flatten(path: &str, text: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Syntax {
            path: path.to_string(),
            reason: e.message().to_string(),
        })?;
    let mut out = Vec::new();
    for (section, body) in table {
        let toml::Value::Table(body) = body else {
            out.push((section, String::new()));
            continue;
        };
        for (key, value) in body {
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Array(items) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            out.push((format!("{section}.{key}"), text));
        }
    }
    Ok(out)
}

struct Reader {
    values: BTreeMap<&'static str, String>,
}

impl Reader {
    fn raw(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    fn text(&self, key: &str) -> String {
        self.raw(key).unwrap_or_default().trim().to_string()
    }

    fn parse<T>(
        &self,
        key: &str,
        expected: &'static str,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        let got = self.text(key);
        f(&got).ok_or_else(|| ConfigError::BadValue {
            key: key.to_string(),
            env: env_name(key),
            expected,
            got,
        })
    }

    fn optional(&self, key: &str) -> Option<String> {
        Some(self.text(key)).filter(|s| !s.is_empty())
    }

    fn settings(&self) -> Result<Settings, ConfigError> {
        let database = DatabaseSettings {
            url: self.parse(
                "database.url",
                "surrealkv://PATH, mem:// or ws(s)://HOST:PORT",
                parse_database_url,
            )?,
            namespace: self.parse(
                "database.namespace",
                "a name of letters, digits and _",
                parse_identifier,
            )?,
            database: self.parse(
                "database.database",
                "a name of letters, digits and _",
                parse_identifier,
            )?,
            username: self.optional("database.username"),
            password: self.optional("database.password"),
        };
        if database.username.is_some() && database.password.is_none() {
            return Err(ConfigError::Missing {
                key: "database.password".into(),
                env: env_name("database.password"),
                why: "a database username needs its password (secrets have no default)",
            });
        }
        let checkpoint_file = self
            .optional("audit.checkpoint_file")
            .map(PathBuf::from)
            .or_else(|| {
                database
                    .url
                    .strip_prefix("surrealkv://")
                    .map(|path| PathBuf::from(format!("{path}.audit-checkpoints")))
            });
        let per_minute = |key: &str| {
            self.parse(
                key,
                "a whole number of requests per minute up to 1000000, or 0 for no limit",
                |s| match s.parse::<u32>().ok()? {
                    0 => Some(None),
                    // A minute's worth may come at once (a SIEM flushing its queue).
                    n if n <= 1_000_000 => Some(Some(RateLimit::per_minute(n, n))),
                    _ => None,
                },
            )
        };
        Ok(Settings {
            limits: LimitSettings {
                api_key: per_minute("limits.api_per_minute")?,
                alert_source: per_minute("limits.alerts_per_minute")?,
            },
            audit: AuditSettings {
                checkpoint_file,
                checkpoint_interval: self.parse(
                    "audit.checkpoint_interval",
                    "a duration like 30s, 1m or 1h",
                    parse_duration,
                )?,
                retain: self.parse(
                    "audit.retain",
                    "a duration like 90d or 365d, or 0 (or empty) to keep events forever",
                    |s| match s {
                        "" | "0" => Some(None),
                        s => parse_duration(s).map(Some),
                    },
                )?,
                stream: StreamTarget::parse_list(&self.text("audit.stream")).map_err(|e| {
                    ConfigError::BadValue {
                        key: "audit.stream".into(),
                        env: env_name("audit.stream"),
                        expected: "a comma-separated list of stdout, file:PATH, \
                                   syslog+udp://HOST:PORT and syslog+tcp://HOST:PORT, each once",
                        got: e.target().to_string(),
                    }
                })?,
            },
            addr: self.parse("server.addr", "host:port like 127.0.0.1:3000", |s| {
                s.parse().ok()
            })?,
            base_url: self.parse(
                "server.base_url",
                "an http:// or https:// URL",
                parse_base_url,
            )?,
            site_root: PathBuf::from(self.text("server.site_root")),
            log_format: self.parse("server.log_format", "pretty or json", |s| match s {
                "pretty" => Some(LogFormat::Pretty),
                "json" => Some(LogFormat::Json),
                _ => None,
            })?,
            database,
            session_lifetime: self.parse(
                "sessions.lifetime",
                "a duration like 30m, 12h or 14d",
                parse_duration,
            )?,
            session_idle_timeout: self.parse(
                "sessions.idle_timeout",
                "a duration like 30m or 8h, or 0 for none",
                |s| match s {
                    "0" => Some(None),
                    s => parse_duration(s).map(Some),
                },
            )?,
            registration: self.parse(
                "accounts.registration",
                "open, closed or guest-only",
                RegistrationPolicy::parse,
            )?,
            upload_max_file_bytes: self.parse(
                "uploads.max_file_size_mb",
                "a whole number of megabytes from 1 to 1024",
                |s| {
                    s.parse::<u64>()
                        .ok()
                        .filter(|n| (1..=1024).contains(n))
                        .map(|n| n * 1024 * 1024)
                },
            )?,
            upload_max_files: self.parse(
                "uploads.max_files",
                "a whole number from 1 to 100",
                |s| s.parse::<u32>().ok().filter(|n| (1..=100).contains(n)),
            )?,
            ticket_numbers: self.parse(
                "tickets.number_format",
                "random, random:N (3 to 12 digits) or a mask like SOC-####",
                |s| NumberFormat::parse(s).ok(),
            )?,
            guest_link_lifetime: self.parse(
                "tickets.guest_link_lifetime",
                "a duration like 30m, 12h or 14d",
                parse_duration,
            )?,
            mail: MailSettings {
                smtp_url: self
                    .optional("mail.smtp_url")
                    .map(|url| {
                        self.parse(
                            "mail.smtp_url",
                            "smtp://HOST:PORT, smtp://HOST:PORT?tls=required or smtps://HOST:PORT",
                            |s| {
                                (s.starts_with("smtp://") || s.starts_with("smtps://"))
                                    .then(|| url.clone())
                            },
                        )
                    })
                    .transpose()?,
                smtp_username: self.optional("mail.smtp_username"),
                smtp_password: self.optional("mail.smtp_password"),
                from: self.parse(
                    "mail.from",
                    "an address like Help Desk <help@example.com>",
                    |s| {
                        let address = s
                            .rsplit_once('<')
                            .map_or(s, |(_, a)| a.trim_end_matches('>'));
                        crate::domain::user::Email::parse(address)
                            .ok()
                            .map(|_| s.to_string())
                    },
                )?,
                max_attempts: self.parse(
                    "mail.max_attempts",
                    "a whole number from 1 to 50",
                    |s| s.parse::<u32>().ok().filter(|n| (1..=50).contains(n)),
                )?,
                retry_after: self.parse(
                    "mail.retry_after",
                    "a duration like 30s, 1m or 1h",
                    parse_duration,
                )?,
            },
            secret_key: self.optional("security.secret_key"),
            api_validation_status: self.parse(
                "api.validation_error_status",
                "400 (the default) or 500 (as osTicket answers)",
                |s| s.parse::<u16>().ok().filter(|n| *n == 400 || *n == 500),
            )?,
            trusted_proxies: self.parse(
                "security.trusted_proxies",
                "a comma-separated list of IP addresses",
                |s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(|p| p.parse().ok())
                        .collect()
                },
            )?,
        })
    }
}

fn parse_database_url(s: &str) -> Option<String> {
    let (scheme, rest) = s.split_once("://")?;
    match scheme {
        "mem" | "memory" if rest.is_empty() => Some("mem://".into()),
        "surrealkv" if !rest.is_empty() => Some(s.to_string()),
        "ws" | "wss" if rest.contains(':') && !rest.contains(' ') => Some(s.to_string()),
        _ => None,
    }
}

fn parse_identifier(s: &str) -> Option<String> {
    (!s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| s.to_string())
}

fn parse_base_url(s: &str) -> Option<String> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    (!host.is_empty() && !s.contains(char::is_whitespace))
        .then(|| s.trim_end_matches('/').to_string())
}

fn parse_duration(s: &str) -> Option<Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = s.split_at(split);
    let n: i64 = number.parse().ok().filter(|n| *n > 0)?;
    match unit {
        "s" => Some(Duration::seconds(n)),
        "m" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_on_loopback_with_an_embedded_durable_store() {
        let s = Settings::from_sources("Leptos.toml", None, &[]).unwrap();
        assert_eq!(s.addr, "127.0.0.1:3000".parse::<SocketAddr>().unwrap());
        assert_eq!(s.database.url, "surrealkv://data/docket.db");
        assert_eq!(s.session_lifetime, Duration::days(14));
        assert_eq!(s.registration, RegistrationPolicy::Open);
        assert!(!s.secure_cookies());
        assert!(s.database.is_embedded());
    }

    #[test]
    fn only_a_database_server_is_shared_with_other_processes() {
        for (url, embedded) in [
            ("mem://", true),
            ("surrealkv:///var/lib/docket", true),
            ("wss://db.internal:8000", false),
        ] {
            let env = env(&[("DOCKET_DATABASE_URL", url)]);
            let s = Settings::from_sources("Leptos.toml", None, &env).unwrap();
            assert_eq!(s.database.is_embedded(), embedded, "{url}");
        }
    }

    #[test]
    fn the_file_overrides_defaults_and_the_environment_overrides_the_file() {
        let file = "[server]\naddr = \"0.0.0.0:8080\"\n[database]\nurl = \"mem://\"\n[sessions]\nlifetime = \"12h\"\n";
        let s = Settings::from_sources(
            "Leptos.toml",
            Some(file),
            &env(&[("DOCKET_ADDR", "127.0.0.1:4000")]),
        )
        .unwrap();
        assert_eq!(s.addr, "127.0.0.1:4000".parse::<SocketAddr>().unwrap());
        assert_eq!(s.database.url, "mem://");
        assert_eq!(s.session_lifetime, Duration::hours(12));
    }

    #[test]
    fn env_names_follow_the_documented_rule() {
        assert_eq!(env_name("server.addr"), "DOCKET_ADDR");
        assert_eq!(env_name("database.url"), "DOCKET_DATABASE_URL");
        assert_eq!(
            env_name("accounts.registration"),
            "DOCKET_ACCOUNTS_REGISTRATION"
        );
    }

    #[test]
    fn a_bad_value_names_the_key_its_variable_and_the_expected_form() {
        let err =
            Settings::from_sources("Leptos.toml", None, &env(&[("DOCKET_ADDR", "localhost")]))
                .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("server.addr")
                && text.contains("DOCKET_ADDR")
                && text.contains("host:port"),
            "{text}"
        );
    }

    #[test]
    fn bad_values_are_refused_for_every_kind_of_setting() {
        for (var, value) in [
            ("DOCKET_DATABASE_URL", "rocksdb://data"),
            ("DOCKET_DATABASE_URL", "postgres://x"),
            ("DOCKET_BASE_URL", "ftp://example.com"),
            ("DOCKET_SESSIONS_LIFETIME", "forever"),
            ("DOCKET_SESSIONS_LIFETIME", "0d"),
            ("DOCKET_ACCOUNTS_REGISTRATION", "sometimes"),
            ("DOCKET_UPLOADS_MAX_FILE_SIZE_MB", "-3"),
            ("DOCKET_SECURITY_TRUSTED_PROXIES", "10.0.0.1, nope"),
            ("DOCKET_LOG_FORMAT", "xml"),
            ("DOCKET_TICKETS_NUMBER_FORMAT", "SOC-"),
        ] {
            let err =
                Settings::from_sources("Leptos.toml", None, &env(&[(var, value)])).unwrap_err();
            assert!(err.to_string().contains(var), "{var}={value}: {err}");
        }
    }

    #[test]
    fn accepted_database_urls() {
        for url in [
            "mem://",
            "surrealkv://data/docket.db",
            "surrealkv:///var/lib/docket?sync=every",
            "ws://db:8000",
        ] {
            let s =
                Settings::from_sources("Leptos.toml", None, &env(&[("DOCKET_DATABASE_URL", url)]))
                    .unwrap();
            assert_eq!(s.database.url, url);
        }
    }

    #[test]
    fn unknown_keys_in_the_file_are_typos_and_refused() {
        let err = Settings::from_sources("Leptos.toml", Some("[server]\nadr = \"x\"\n"), &[])
            .unwrap_err();
        assert!(
            matches!(err, ConfigError::UnknownKey { ref key, .. } if key == "server.adr"),
            "{err}"
        );
    }

    #[test]
    fn invalid_toml_is_refused_with_the_file_name() {
        let err = Settings::from_sources("my.toml", Some("[server\n"), &[]).unwrap_err();
        assert!(err.to_string().contains("my.toml"));
    }

    #[test]
    fn a_database_username_without_a_password_is_refused() {
        let err = Settings::from_sources(
            "Leptos.toml",
            None,
            &env(&[("DOCKET_DATABASE_USERNAME", "root")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("DOCKET_DATABASE_PASSWORD"),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_are_a_list_in_the_file_or_the_environment() {
        let s = Settings::from_sources(
            "f",
            Some("[security]\ntrusted_proxies = [\"10.0.0.1\", \"::1\"]\n"),
            &[],
        )
        .unwrap();
        assert_eq!(s.trusted_proxies.len(), 2);
        let s = Settings::from_sources(
            "f",
            None,
            &env(&[("DOCKET_SECURITY_TRUSTED_PROXIES", "127.0.0.1")]),
        )
        .unwrap();
        assert_eq!(
            s.trusted_proxies,
            vec!["127.0.0.1".parse::<IpAddr>().unwrap()]
        );
    }

    #[test]
    fn https_base_urls_make_cookies_secure() {
        let s = Settings::from_sources(
            "f",
            None,
            &env(&[("DOCKET_BASE_URL", "https://help.example.com/")]),
        )
        .unwrap();
        assert_eq!(s.base_url, "https://help.example.com");
        assert!(s.secure_cookies());
    }

    #[test]
    fn audit_events_are_kept_forever_unless_a_retention_is_set() {
        let retain = |value: &str| {
            Settings::from_sources("f", None, &env(&[("DOCKET_AUDIT_RETAIN", value)]))
                .map(|s| s.audit.retain)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            Settings::from_sources("f", None, &[]).unwrap().audit.retain,
            None
        );
        assert_eq!(retain("0"), Ok(None));
        assert_eq!(retain("365d"), Ok(Some(Duration::days(365))));
        let refused = retain("a year").unwrap_err();
        assert!(refused.contains("DOCKET_AUDIT_RETAIN"), "{refused}");
    }

    #[test]
    fn the_audit_stream_is_off_by_default_and_a_bad_target_is_named_at_start_up() {
        let default = Settings::from_sources("f", None, &[]).unwrap();
        assert!(default.audit.stream.is_empty());
        let s = Settings::from_sources(
            "f",
            Some("[audit]\nstream = [\"stdout\", \"syslog+tcp://siem:514\"]\n"),
            &[],
        )
        .unwrap();
        assert_eq!(s.audit.stream.len(), 2);
        let err = Settings::from_sources(
            "f",
            None,
            &env(&[("DOCKET_AUDIT_STREAM", "stdout, syslog://siem:514")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("DOCKET_AUDIT_STREAM")
                && err.contains("\"syslog://siem:514\"")
                && err.contains("syslog+tcp://HOST:PORT"),
            "{err}"
        );
    }
}
