//! An on-disk datastore handled from outside Docket, as an attacker or an operator with file
//! access could: copied, tampered with through the engine itself, and verified with the binary.

/// Copies a datastore directory (or file) tree, so each tampering starts from the same trail.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// `docket audit verify` on the datastore at `url` with `env` besides: whether it passed, and
/// what it printed.
pub fn audit_verify(url: &str, env: &[(&str, &str)]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(["audit", "verify"])
        .env("DOCKET_CONFIG", "/nonexistent")
        .env("DOCKET_DATABASE_URL", url)
        .env("DOCKET_LOG", "error")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Runs `sql` on the datastore at `url` with the engine itself (committing durably). The engine
/// keeps its lock on the datastore while this process lives, so the caller verifies a copy made
/// afterwards.
pub fn tamper(url: &str, sql: &str) {
    let (url, sql) = (format!("{url}?sync=every"), sql.to_string());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let db = surrealdb::engine::any::connect(url).await.unwrap();
            db.use_ns("docket").use_db("main").await.unwrap();
            db.query(sql).await.unwrap().check().unwrap();
        });
    })
    .join()
    .unwrap();
}
