//! The `docket` command line: serve (the default) and operator commands.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::server::clock::Clock;
use crate::server::config::{LogFormat, Settings};
use crate::server::{backup, build_state, shutdown_signal, start, use_cases};

#[derive(Parser)]
#[command(
    name = "docket",
    version,
    about = "Docket: the help desk and SOC ticket portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the help desk (the default).
    Serve,
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a backup of the whole database to FILE (SurrealQL, consistent as of one moment).
    /// While a server holds the embedded datastore, that server writes it (the command reads the
    /// token the server left beside the datastore, readable by its owner alone).
    Backup { file: std::path::PathBuf },
    /// Restore a backup made by `docket backup` into the configured database, which must be
    /// empty (a new data directory); then check it with `docket audit verify`.
    Restore { file: std::path::PathBuf },
    /// Read one email message (RFC 5322) on standard input and turn it into a ticket or a reply,
    /// for an MTA pipe. Exits with osTicket's codes: 0 done, 66 bad message, 77 refused key,
    /// 75 try again later.
    MailPipe {
        /// A running Docket to post to (`/api/tickets.email`); without it the configured database
        /// is opened directly (not possible while a server holds an embedded datastore).
        #[arg(long, env = "DOCKET_PIPE_URL")]
        url: Option<String>,
        /// The API key (scope tickets:email) for --url.
        #[arg(long, env = "DOCKET_PIPE_KEY", hide_env_values = true)]
        key: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every hash chain (from its signed tombstone when pruned) and the checkpoint log:
    /// exit 0 with the count when intact, 1 naming the first broken event of each broken chain
    /// and why (changed, missing, reordered, forged tombstone).
    /// Opens the configured database (stop a server that holds an embedded datastore first).
    Verify,
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key and print it once (only its hash is kept). Works on the configured database;
    /// while a server holds an embedded datastore, create keys on its admin page instead.
    Create {
        #[arg(long)]
        name: String,
        /// An address or CIDR range requests may come from (repeat for more).
        #[arg(long = "allow", required = true)]
        allow: Vec<String>,
        /// What the key may do (repeat): tickets:create, tickets:email, alerts:create, and the
        /// REST scopes tickets:read, tickets:write, users:read, events:read.
        #[arg(long = "scope", required = true)]
        scope: Vec<String>,
        /// For REST scopes: the email of the agent or admin whose access the key uses.
        #[arg(long = "acts-as")]
        acts_as: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator; the password is read from the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("docket: settings error: {e}");
            return ExitCode::from(2);
        }
    };
    // A command's standard output is its answer (a ticket number, a key): logs go to stderr.
    let to_stderr = !matches!(cli.command, None | Some(Command::Serve));
    init_tracing(settings.log_format, to_stderr);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::MailPipe { url, key } => return mail_pipe(settings, url, key).await,
        Command::Serve => serve(settings).await,
        Command::ApiKey {
            command:
                ApiKeyCommand::Create {
                    name,
                    allow,
                    scope,
                    acts_as,
                },
        } => create_api_key(settings, &name, &allow, &scope, acts_as.as_deref()).await,
        Command::Admin {
            command: AdminCommand::Create { email, name },
        } => create_admin(settings, &email, &name).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify_audit(settings).await,
        Command::Backup { file } => backup::backup(&settings, &file).await.map(say),
        Command::Restore { file } => backup::restore(&settings, &file).await.map(say),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("docket: {message}");
            ExitCode::FAILURE
        }
    }
}

fn say(line: String) {
    println!("{line}");
}

fn init_tracing(format: LogFormat, to_stderr: bool) {
    let filter = EnvFilter::try_from_env("DOCKET_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match (format, to_stderr) {
        (LogFormat::Json, false) => builder.json().init(),
        (LogFormat::Pretty, false) => builder.init(),
        (LogFormat::Json, true) => builder.json().with_writer(std::io::stderr).init(),
        (LogFormat::Pretty, true) => builder.with_writer(std::io::stderr).init(),
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let base_url = settings.base_url.clone();
    let started = std::time::Instant::now();
    let running = start(settings, Clock::System, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    if let Some(link) = &running.setup_link {
        tracing::warn!(%link, "no administrator exists yet: open the one-time setup link");
        println!(
            "\nNo administrator exists yet. Create one with this one-time link:\n\n    {link}\n"
        );
    }
    tracing::info!(addr = %running.addr, elapsed_ms = started.elapsed().as_millis() as u64, "Docket is ready");
    println!("Docket is ready at {base_url}");
    let result = match running.task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("server stopped: {e}")),
        Err(e) => Err(format!("server task failed: {e}")),
    };
    // The chain heads as they are at the end, for the next `docket audit verify`.
    let mut written = std::collections::HashMap::new();
    if let Err(e) = use_cases::audit_trail::write_checkpoints(&running.state, &mut written).await {
        tracing::warn!(error = %e, "could not write the final audit checkpoints");
    }
    result
}

async fn verify_audit(settings: Settings) -> Result<(), String> {
    let state = build_state(settings, Clock::System)
        .await
        .map_err(|e| e.to_string())?;
    let verification = use_cases::audit_trail::verify_from_console(&state)
        .await
        .map_err(console_error)?;
    if verification.breaks.is_empty() {
        let pruned = match verification.pruned {
            0 => String::new(),
            n => format!(", {n} pruned events covered by signed tombstones"),
        };
        println!(
            "The audit trail is intact: {} events verified, {} checkpoints matched{pruned}.",
            verification.events, verification.checkpoints
        );
        return Ok(());
    }
    for broken in &verification.breaks {
        println!("BROKEN: {broken}");
    }
    Err(format!(
        "the audit trail was altered: {} chain(s) broken",
        verification.breaks.len()
    ))
}

/// An error's fields as one line for the console.
fn console_error(error: crate::error::AppError) -> String {
    match error {
        crate::error::AppError::Invalid { fields } => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

async fn create_api_key(
    settings: Settings,
    name: &str,
    allow: &[String],
    scopes: &[String],
    acts_as: Option<&str>,
) -> Result<(), String> {
    let state = build_state(settings, Clock::System)
        .await
        .map_err(|e| e.to_string())?;
    let item = serde_json::json!({
        "name": name, "active": true, "scopes": scopes, "allowed": allow.join(", "),
        "acts_as": acts_as.unwrap_or_default(),
    });
    let saved = use_cases::settings::save_from_console(
        &state,
        crate::domain::config::Section::ApiKeys,
        &item,
    )
    .await
    .map_err(console_error)?;
    let secret = saved.secret.unwrap_or_default();
    eprintln!(
        "Created API key {} (“{name}”). It is shown only now:",
        saved.key
    );
    println!("{secret}");
    Ok(())
}

async fn create_admin(settings: Settings, email: &str, name: &str) -> Result<(), String> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let state = build_state(settings, Clock::System)
        .await
        .map_err(|e| e.to_string())?;
    let user = use_cases::setup::create_admin_from_console(&state, email, name, password)
        .await
        .map_err(console_error)?;
    println!("Created administrator {} <{}>", user.name, user.email);
    Ok(())
}

/// sysexits codes an MTA understands, as osTicket's pipe uses them.
mod exit {
    pub const OK: u8 = 0;
    pub const DATA_ERROR: u8 = 65;
    pub const NO_INPUT: u8 = 66;
    pub const UNAVAILABLE: u8 = 69;
    pub const TEMP_FAIL: u8 = 75;
    pub const NO_PERMISSION: u8 = 77;
}

/// The exit code for an HTTP status, as osTicket's pipe maps them.
fn pipe_exit(status: u16) -> u8 {
    match status {
        200..=299 => exit::OK,
        400 | 413 => exit::NO_INPUT,
        // Refused for good (a key, a filter, a deactivated sender): the MTA must not retry.
        401 | 403 | 409 => exit::NO_PERMISSION,
        415..=417 | 501 => exit::DATA_ERROR,
        503 => exit::UNAVAILABLE,
        _ => exit::TEMP_FAIL,
    }
}

async fn mail_pipe(settings: Settings, url: Option<String>, key: Option<String>) -> ExitCode {
    use tokio::io::AsyncReadExt;
    let limit = use_cases::inbound_mail::MAX_MESSAGE_BYTES;
    let mut raw = Vec::new();
    if let Err(e) = tokio::io::stdin()
        .take(limit as u64 + 1)
        .read_to_end(&mut raw)
        .await
    {
        eprintln!("docket mail-pipe: cannot read the message: {e}");
        return ExitCode::from(exit::TEMP_FAIL);
    }
    if raw.len() > limit {
        eprintln!("docket mail-pipe: the message is larger than 40 MB");
        return ExitCode::from(exit::NO_INPUT);
    }
    match url {
        Some(url) => pipe_to_server(&url, key.as_deref(), raw).await,
        None => pipe_to_database(settings, &raw).await,
    }
}

async fn pipe_to_server(url: &str, key: Option<&str>, raw: Vec<u8>) -> ExitCode {
    let endpoint = format!("{}/api/tickets.email", url.trim_end_matches('/'));
    let mut request = reqwest::Client::new()
        .post(&endpoint)
        .header("content-type", "message/rfc822")
        .body(raw);
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            if (200..300).contains(&status) {
                println!("{}", body.trim());
            } else {
                eprintln!(
                    "docket mail-pipe: {endpoint} answered {status}: {}",
                    body.trim()
                );
            }
            ExitCode::from(pipe_exit(status))
        }
        Err(e) => {
            eprintln!("docket mail-pipe: cannot reach {endpoint}: {e}");
            ExitCode::from(exit::TEMP_FAIL)
        }
    }
}

async fn pipe_to_database(settings: Settings, raw: &[u8]) -> ExitCode {
    use crate::domain::audit::{ActorKind, AuditActor, Origin};
    use crate::server::request::Caller;
    let state = match build_state(settings, Clock::System).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!(
                "docket mail-pipe: {e}\nWhile Docket serves an embedded datastore, pipe to it with --url http://127.0.0.1:3000 --key KEY."
            );
            return ExitCode::from(exit::TEMP_FAIL);
        }
    };
    let caller = Caller::machine(
        AuditActor {
            kind: ActorKind::System,
            id: Some("mail-pipe".into()),
            label: "mail pipe".into(),
        },
        Origin {
            ip: None,
            user_agent: Some("docket mail-pipe".into()),
        },
    );
    let inbound = use_cases::inbound_mail::Inbound::Pipe;
    match use_cases::inbound_mail::receive(&state, &caller, raw, inbound).await {
        Ok(received) => {
            println!("{}", received.number().unwrap_or("-"));
            ExitCode::from(exit::OK)
        }
        Err(e) => {
            eprintln!("docket mail-pipe: {e}");
            ExitCode::from(pipe_exit(e.status()))
        }
    }
}
