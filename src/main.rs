//! The `docket` binary: see `server::cli`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    docket::server::cli::run().await
}
