//! The `docket` command line: serve (the default) and operator commands.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::server::clock::Clock;
use crate::server::config::{LogFormat, Settings};
use crate::server::{build_state, shutdown_signal, start, use_cases};

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
    init_tracing(settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Admin {
            command: AdminCommand::Create { email, name },
        } => create_admin(settings, &email, &name).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("docket: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("DOCKET_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.init(),
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
    match running.task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("server stopped: {e}")),
        Err(e) => Err(format!("server task failed: {e}")),
    }
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
        .map_err(|e| match e {
            crate::error::AppError::Invalid { fields } => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        })?;
    println!("Created administrator {} <{}>", user.name, user.email);
    Ok(())
}
