//! A real Dovecot IMAP server on loopback for the email tests, run by `scripts/dovecot.sh` in a
//! tempdir of its own (config, sockets, logs, Maildirs), killed on drop. Tests put mail in by
//! writing into the Maildir (as a delivery agent would) and check what the code under test did
//! (moved, deleted) by reading the Maildir back.
#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tempfile::TempDir;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The mailboxes that `scripts/dovecot.sh` creates, both with password [`PASSWORD`].
pub const SUPPORT: &str = "support@example.test";
pub const ALERTS: &str = "alerts@example.test";
pub const PASSWORD: &str = "mailpass";

/// How long Dovecot may take to start answering.
const START_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Dovecot {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Dovecot {
    /// Starts Dovecot on a free loopback port and waits until it greets with `* OK`.
    pub async fn start() -> Dovecot {
        // The free port is found by binding port 0 and letting go of it, so another process
        // can take it before Dovecot does: then Dovecot fails to bind and we try another.
        let mut attempt = 1;
        loop {
            match Dovecot::try_start().await {
                Ok(dovecot) => return dovecot,
                Err(failure) if failure.port_taken && attempt < 5 => attempt += 1,
                Err(failure) => panic!("{}", failure.message),
            }
        }
    }

    async fn try_start() -> Result<Dovecot, StartFailure> {
        let dir = tempfile::Builder::new()
            .prefix("dovecot-")
            .tempdir()
            .expect("Dovecot: create tempdir");
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/dovecot.sh");
        let output = fs::File::create(dir.path().join("script.out")).expect("Dovecot: script.out");
        let child = Command::new(&script)
            .arg(dir.path())
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("Dovecot: script.out"))
            .stderr(output)
            // Its own process group, so that drop can kill Dovecot's children too.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("Dovecot: cannot run {}: {e}", script.display()));
        let mut dovecot = Dovecot { child, port, dir };

        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if dovecot.greets().await {
                return Ok(dovecot);
            }
            let exited = dovecot.child.try_wait().expect("Dovecot: try_wait");
            if exited.is_some() || tokio::time::Instant::now() >= deadline {
                let log = dovecot.log();
                let why = match exited {
                    Some(status) => format!("exited ({status})"),
                    None => format!("did not greet within {START_TIMEOUT:?}"),
                };
                return Err(StartFailure {
                    port_taken: exited.is_some() && log.contains("Address already in use"),
                    message: format!("Dovecot on port {port} {why}:\n{log}"),
                });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Whether the server accepts a connection and greets with `* OK`.
    async fn greets(&self) -> bool {
        let greeting = async {
            let mut stream = TcpStream::connect((self.host(), self.port)).await.ok()?;
            let mut buf = [0u8; 4];
            stream.read_exact(&mut buf).await.ok()?;
            Some(buf)
        };
        let greeting = tokio::time::timeout(Duration::from_secs(2), greeting).await;
        matches!(greeting, Ok(Some(buf)) if &buf == b"* OK")
    }

    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The instance's directory: dovecot.conf, dovecot.log, users, mail/.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything Dovecot and its start script logged so far (for failure messages).
    pub fn log(&self) -> String {
        let read = |name: &str| fs::read_to_string(self.dir().join(name)).unwrap_or_default();
        format!("{}{}", read("script.out"), read("dovecot.log"))
    }

    /// The Maildir of `folder` ("INBOX", any case, or e.g. "Archive") of `user`.
    pub fn maildir(&self, user: &str, folder: &str) -> PathBuf {
        let root = self.dir().join("mail").join(user);
        if folder.eq_ignore_ascii_case("INBOX") {
            root
        } else {
            root.join(format!(".{folder}"))
        }
    }

    /// Delivers a raw RFC 5322 message into `user`'s INBOX, the way a delivery agent does
    /// (write in tmp/, rename into new/); Dovecot serves it from then on. Returns its file.
    pub fn deliver(&self, user: &str, raw_message: &str) -> PathBuf {
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        let inbox = self.maildir(user, "INBOX");
        self.ensure_maildir(&inbox);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970");
        let name = format!(
            "{}.M{}P{}Q{}.docket-test",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        );
        let (tmp, new) = (inbox.join("tmp").join(&name), inbox.join("new").join(&name));
        fs::write(&tmp, raw_message).expect("Dovecot: write message");
        self.give_to_mail_user(&tmp);
        fs::rename(&tmp, &new).expect("Dovecot: move message into new/");
        new
    }

    /// How many messages `folder` of `user` holds on disk (cur/ and new/). A message flagged
    /// \Deleted but not yet expunged still counts.
    pub fn count(&self, user: &str, folder: &str) -> usize {
        self.message_files(user, folder).len()
    }

    /// The raw messages in `folder` of `user`, in file-name (roughly arrival) order.
    pub fn messages(&self, user: &str, folder: &str) -> Vec<String> {
        self.message_files(user, folder)
            .iter()
            .map(|path| fs::read_to_string(path).expect("Dovecot: read message"))
            .collect()
    }

    fn message_files(&self, user: &str, folder: &str) -> Vec<PathBuf> {
        let maildir = self.maildir(user, folder);
        let mut files: Vec<PathBuf> = ["cur", "new"]
            .iter()
            .filter_map(|sub| fs::read_dir(maildir.join(sub)).ok())
            .flatten()
            .filter_map(|entry| entry.ok())
            .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
            .map(|entry| entry.path())
            .collect();
        files.sort_by_key(|path| path.file_name().map(|name| name.to_owned()));
        files
    }

    /// Creates cur/new/tmp under `maildir` if missing, owned by the mail user.
    fn ensure_maildir(&self, maildir: &Path) {
        for sub in ["", "cur", "new", "tmp"] {
            let dir = maildir.join(sub);
            if !dir.is_dir() {
                fs::create_dir_all(&dir).expect("Dovecot: create Maildir");
                self.give_to_mail_user(&dir);
            }
        }
    }

    /// Dovecot reads and renames mail as the user owning DIR/mail (the script set it up).
    fn give_to_mail_user(&self, path: &Path) {
        let owner = fs::metadata(self.dir().join("mail")).expect("Dovecot: DIR/mail");
        std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid()))
            .expect("Dovecot: chown to the mail user");
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGKILL to the whole process group: the master alone would leave open IMAP
        // sessions running. Then reap the master so no zombie is left.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct StartFailure {
    port_taken: bool,
    message: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("Dovecot: find a free port")
        .port()
}
