//! An in-process SMTP server on loopback that accepts every message and keeps it for the test to
//! read. Plain SMTP only (no TLS), enough for lettre's SMTP transport: EHLO/HELO, MAIL, RCPT,
//! DATA (dot-unstuffing), RSET, NOOP, QUIT, and optionally AUTH PLAIN/LOGIN.
//!
//! `stop()` closes the listener and every open connection, as if the mail server went down;
//! `restart()` listens again on the same port and keeps what was already received.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// The name the sink gives itself in its greeting and EHLO reply.
const HOSTNAME: &str = "smtp-sink.test";

/// One accepted message: the envelope and the raw RFC 5322 text (CRLF line ends, unstuffed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// The SMTP server. Dropping it stops it.
pub struct SmtpSink {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: Mutex<Option<JoinHandle<()>>>,
}

struct Shared {
    credentials: Option<(String, String)>,
    /// How long the sink takes to answer a message's data (after keeping the message).
    answer_delay: Duration,
    messages: Mutex<Vec<Received>>,
    /// The number of messages received so far, for `wait_for`.
    count: watch::Sender<usize>,
}

impl SmtpSink {
    /// Starts a sink on 127.0.0.1 and a free port, accepting mail without authentication.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_inner(None, Duration::ZERO).await
    }

    /// Starts a sink that keeps each message at once but answers its data only after `delay`,
    /// as a busy server does: a client that dies meanwhile has delivered mail without knowing.
    pub async fn start_slow(delay: Duration) -> SmtpSink {
        SmtpSink::start_inner(None, delay).await
    }

    /// Starts a sink that advertises AUTH PLAIN LOGIN and accepts mail only after a client
    /// authenticated with this user and password.
    pub async fn start_with_auth(user: &str, password: &str) -> SmtpSink {
        SmtpSink::start_inner(Some((user.to_owned(), password.to_owned())), Duration::ZERO).await
    }

    async fn start_inner(
        credentials: Option<(String, String)>,
        answer_delay: Duration,
    ) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("SMTP sink: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("SMTP sink: local address");
        let shared = Arc::new(Shared {
            credentials,
            answer_delay,
            messages: Mutex::new(Vec::new()),
            count: watch::channel(0).0,
        });
        let server = tokio::spawn(serve(listener, Arc::clone(&shared)));
        SmtpSink {
            shared,
            addr,
            server: Mutex::new(Some(server)),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP, no TLS (lettre's `from_url` reads it that way).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        self.shared.messages.lock().expect("messages lock").clone()
    }

    /// Waits until at least `n` messages have arrived and returns all of them; panics if they
    /// have not after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let mut count = self.shared.count.subscribe();
        let arrived = tokio::time::timeout(timeout, count.wait_for(|&have| have >= n)).await;
        if arrived.is_err() {
            let messages = self.messages();
            panic!(
                "SMTP sink {}: waited {timeout:?} for {n} message(s), got {}: {:#?}",
                self.addr,
                messages.len(),
                messages
            );
        }
        self.messages()
    }

    /// The plain text of the first message containing `needle`, waiting (at most 20 s) for it.
    pub async fn text_containing(&self, needle: &str) -> String {
        let mut seen = 0;
        loop {
            let messages = self.wait_for(seen + 1, Duration::from_secs(20)).await;
            if let Some(mail) = messages.iter().find(|m| m.text().contains(needle)) {
                return mail.text();
            }
            seen = messages.len();
        }
    }

    /// Closes the listener and drops every open connection: the server is down until
    /// `restart()`. Received messages are kept.
    pub async fn stop(&self) {
        let server = self.server.lock().expect("server lock").take();
        if let Some(server) = server {
            server.abort();
            // Once the aborted task is joined its listener and connections have been dropped.
            let _ = server.await;
        }
    }

    /// Listens again on the same port (after `stop()`; does nothing if it is running).
    pub async fn restart(&self) {
        if self.server.lock().expect("server lock").is_some() {
            return;
        }
        let listener = bind_again(self.addr).await;
        let server = tokio::spawn(serve(listener, Arc::clone(&self.shared)));
        *self.server.lock().expect("server lock") = Some(server);
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Ok(server) = self.server.get_mut()
            && let Some(server) = server.take()
        {
            server.abort();
        }
    }
}

/// Binds `addr` again, retrying briefly in case the old socket is still being released.
async fn bind_again(addr: SocketAddr) -> TcpListener {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(e) if tokio::time::Instant::now() < deadline => {
                eprintln!("SMTP sink: rebinding {addr}: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("SMTP sink: cannot listen on {addr} again: {e}"),
        }
    }
}

/// Accepts connections until aborted; the connections live in a `JoinSet`, so aborting this
/// task drops the listener and aborts every connection with it.
async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(session(stream, Arc::clone(&shared)));
                }
                Err(e) => eprintln!("SMTP sink: accept failed: {e}"),
            },
            Some(_) = connections.join_next() => {}
        }
    }
}

/// The envelope of the transaction in progress.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

/// Runs one SMTP conversation; I/O errors just end it.
async fn session(stream: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let _ = converse(&mut read, &mut write, &shared).await;
}

async fn converse(
    read: &mut BufReader<OwnedReadHalf>,
    write: &mut OwnedWriteHalf,
    shared: &Shared,
) -> std::io::Result<()> {
    let mut authenticated = shared.credentials.is_none();
    let mut greeted = false;
    let mut envelope = Envelope::default();
    reply(write, &format!("220 {HOSTNAME} ESMTP test sink ready")).await?;
    loop {
        let Some(line) = read_line(read).await? else {
            return Ok(());
        };
        let (verb, arg) = match line.split_once(' ') {
            Some((verb, arg)) => (verb.to_ascii_uppercase(), arg.trim()),
            None => (line.to_ascii_uppercase(), ""),
        };
        match verb.as_str() {
            "EHLO" => {
                greeted = true;
                envelope = Envelope::default();
                let mut lines = vec![HOSTNAME, "8BITMIME", "SMTPUTF8"];
                if shared.credentials.is_some() {
                    lines.push("AUTH PLAIN LOGIN");
                }
                let last = lines.len() - 1;
                let text: Vec<String> = lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("250{}{l}", if i == last { ' ' } else { '-' }))
                    .collect();
                reply(write, &text.join("\r\n")).await?;
            }
            "HELO" => {
                greeted = true;
                envelope = Envelope::default();
                reply(write, &format!("250 {HOSTNAME}")).await?;
            }
            "AUTH" => {
                let Some((user, password)) = &shared.credentials else {
                    reply(write, "502 5.5.1 AUTH not supported").await?;
                    continue;
                };
                if authenticated {
                    reply(write, "503 5.5.1 Already authenticated").await?;
                    continue;
                }
                let given = match authenticate(read, write, arg).await? {
                    Ok(given) => given,
                    Err(message) => {
                        reply(write, message).await?;
                        continue;
                    }
                };
                if given.0 == *user && given.1 == *password {
                    authenticated = true;
                    reply(write, "235 2.7.0 Authentication successful").await?;
                } else {
                    reply(write, "535 5.7.8 Authentication credentials invalid").await?;
                }
            }
            "MAIL" => {
                if !greeted {
                    reply(write, "503 5.5.1 Say EHLO first").await?;
                } else if !authenticated {
                    reply(write, "530 5.7.0 Authentication required").await?;
                } else if envelope.from.is_some() {
                    reply(write, "503 5.5.1 Nested MAIL command").await?;
                } else if let Some(from) = path_arg(arg, "FROM:") {
                    envelope.from = Some(from);
                    reply(write, "250 2.1.0 OK").await?;
                } else {
                    reply(write, "501 5.5.4 Syntax: MAIL FROM:<address>").await?;
                }
            }
            "RCPT" => {
                if envelope.from.is_none() {
                    reply(write, "503 5.5.1 Need MAIL first").await?;
                } else if let Some(to) = path_arg(arg, "TO:").filter(|to| !to.is_empty()) {
                    envelope.to.push(to);
                    reply(write, "250 2.1.5 OK").await?;
                } else {
                    reply(write, "501 5.5.4 Syntax: RCPT TO:<address>").await?;
                }
            }
            "DATA" => {
                if envelope.to.is_empty() {
                    reply(write, "503 5.5.1 Need RCPT first").await?;
                    continue;
                }
                reply(write, "354 End data with <CR><LF>.<CR><LF>").await?;
                let Some(data) = read_data(read).await? else {
                    return Ok(());
                };
                let envelope = std::mem::take(&mut envelope);
                let number = shared.record(Received {
                    from: envelope.from.unwrap_or_default(),
                    to: envelope.to,
                    data,
                });
                tokio::time::sleep(shared.answer_delay).await;
                reply(write, &format!("250 2.0.0 OK queued as {number}")).await?;
            }
            "RSET" => {
                envelope = Envelope::default();
                reply(write, "250 2.0.0 OK").await?;
            }
            "NOOP" => reply(write, "250 2.0.0 OK").await?,
            "VRFY" => reply(write, "252 2.1.5 Cannot verify, will accept").await?,
            "QUIT" => {
                reply(write, "221 2.0.0 Bye").await?;
                return Ok(());
            }
            _ => reply(write, "500 5.5.2 Command not recognized").await?,
        }
    }
}

impl Shared {
    /// Keeps a message and wakes the waiters; returns its 1-based number.
    fn record(&self, message: Received) -> usize {
        let mut messages = self.messages.lock().expect("messages lock");
        messages.push(message);
        let count = messages.len();
        self.count.send_replace(count);
        count
    }
}

/// Runs the AUTH exchange (PLAIN or LOGIN, with or without an initial response) and returns
/// the user and password given, or the error reply to send.
async fn authenticate(
    read: &mut BufReader<OwnedReadHalf>,
    write: &mut OwnedWriteHalf,
    arg: &str,
) -> std::io::Result<Result<(String, String), &'static str>> {
    const SYNTAX: &str = "501 5.5.2 Cannot decode AUTH response";
    let (mechanism, initial) = match arg.split_once(' ') {
        Some((mechanism, initial)) => (mechanism.to_ascii_uppercase(), Some(initial.trim())),
        None => (arg.to_ascii_uppercase(), None),
    };
    match mechanism.as_str() {
        "PLAIN" => {
            let response = match initial {
                Some(initial) => initial.to_owned(),
                None => {
                    reply(write, "334 ").await?;
                    read_line(read).await?.unwrap_or_default()
                }
            };
            // authzid NUL authcid NUL password
            let decoded = base64_decode(&response).and_then(|b| String::from_utf8(b).ok());
            let Some(decoded) = decoded else {
                return Ok(Err(SYNTAX));
            };
            let mut fields = decoded.split('\0');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(_), Some(user), Some(password), None) => {
                    Ok(Ok((user.to_owned(), password.to_owned())))
                }
                _ => Ok(Err(SYNTAX)),
            }
        }
        "LOGIN" => {
            let user = match initial {
                Some(initial) => initial.to_owned(),
                None => {
                    reply(write, "334 VXNlcm5hbWU6").await?; // "Username:"
                    read_line(read).await?.unwrap_or_default()
                }
            };
            reply(write, "334 UGFzc3dvcmQ6").await?; // "Password:"
            let password = read_line(read).await?.unwrap_or_default();
            let decode = |s: &str| base64_decode(s).and_then(|b| String::from_utf8(b).ok());
            match (decode(&user), decode(&password)) {
                (Some(user), Some(password)) => Ok(Ok((user, password))),
                _ => Ok(Err(SYNTAX)),
            }
        }
        _ => Ok(Err("504 5.5.4 Unrecognized authentication mechanism")),
    }
}

/// Reads one command line without its line end; `None` at end of stream.
async fn read_line(read: &mut (impl AsyncBufReadExt + Unpin)) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    if read.read_until(b'\n', &mut line).await? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&line);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// Reads a DATA section up to the lone "." line, undoing dot-stuffing; `None` if the stream
/// ended first. Line ends are kept as sent (CRLF).
async fn read_data(read: &mut (impl AsyncBufReadExt + Unpin)) -> std::io::Result<Option<String>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(Some(String::from_utf8_lossy(&data).into_owned()));
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(unstuffed);
    }
}

/// Sends a (possibly multi-line) reply; `text` has no final line end.
async fn reply(write: &mut (impl AsyncWrite + Unpin), text: &str) -> std::io::Result<()> {
    write.write_all(format!("{text}\r\n").as_bytes()).await?;
    write.flush().await
}

/// The address in `FROM:<a@b> PARAMS` / `TO:<a@b>` (`prefix` is "FROM:" or "TO:").
fn path_arg(arg: &str, prefix: &str) -> Option<String> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

/// Standard base64 (with or without padding); `None` if malformed.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let digits: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let digits = digits
        .strip_suffix(b"==")
        .or_else(|| digits.strip_suffix(b"="))
        .unwrap_or(&digits);
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | value(c)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        out.extend_from_slice(&acc.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

impl Received {
    /// The first header called `name` (any case), unfolded and trimmed; encoded words are left
    /// as sent (see `header_decoded`).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }

    /// Every header called `name`, in order.
    pub fn headers(&self, name: &str) -> Vec<String> {
        header_fields(split_head(&self.data).0)
            .into_iter()
            .filter(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
            .collect()
    }

    /// The header with RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?utf-8?Q?...?=`) decoded,
    /// e.g. a non-ASCII Subject.
    pub fn header_decoded(&self, name: &str) -> Option<String> {
        self.header(name).map(|value| decode_words(&value))
    }

    /// The raw body: everything after the blank line that ends the header.
    pub fn body(&self) -> &str {
        split_head(&self.data).1
    }

    /// The plain-text body, transfer-decoding (quoted-printable, base64) applied; for a
    /// multipart message, the first text/plain part. Line ends are CRLF, as sent.
    pub fn text(&self) -> String {
        text_of(&self.data).unwrap_or_default()
    }
}

/// Splits a message or MIME part into its header block and body.
fn split_head(data: &str) -> (&str, &str) {
    if let Some(at) = data.find("\r\n\r\n") {
        (&data[..at + 2], &data[at + 4..])
    } else if let Some(at) = data.find("\n\n") {
        (&data[..at + 1], &data[at + 2..])
    } else {
        (data, "")
    }
}

/// The (name, unfolded value) pairs of a header block.
fn header_fields(head: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            // A continuation: unfolding removes only the line break.
            if let Some((_, value)) = fields.last_mut() {
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_owned(), value.to_owned()));
        }
    }
    for (_, value) in &mut fields {
        *value = value.trim().to_owned();
    }
    fields
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(field, _)| field.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The value of `param` in a header like `multipart/alternative; boundary="x"`.
fn header_param(value: &str, param: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|part| {
        let (key, val) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(param)
            .then(|| val.trim().trim_matches('"').to_owned())
    })
}

/// The decoded text/plain content of a message or part, descending into multiparts.
fn text_of(part: &str) -> Option<String> {
    let (head, body) = split_head(part);
    let fields = header_fields(head);
    let content_type = field(&fields, "Content-Type").unwrap_or("text/plain");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if mime.to_ascii_lowercase().starts_with("multipart/") {
        let boundary = format!("--{}", header_param(content_type, "boundary")?);
        return body
            .split(boundary.as_str())
            .skip(1) // the preamble
            .take_while(|section| !section.starts_with("--"))
            .find_map(|section| {
                let section = section.strip_prefix("\r\n").unwrap_or(section);
                text_of(section.strip_suffix("\r\n").unwrap_or(section))
            });
    }
    if !mime.eq_ignore_ascii_case("text/plain") {
        return None;
    }
    let encoding = field(&fields, "Content-Transfer-Encoding").unwrap_or("7bit");
    let bytes = match encoding.to_ascii_lowercase().as_str() {
        "base64" => base64_decode(body)?,
        "quoted-printable" => quoted_printable_decode(body, false),
        _ => body.as_bytes().to_vec(),
    };
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Quoted-printable (RFC 2045), or the Q encoding of RFC 2047 when `q` (`_` is a space).
fn quoted_printable_decode(text: &str, q: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3, // soft line break
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 2,
            b'=' => match bytes.get(i + 1..i + 3).and_then(hex_byte) {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b'_' if q => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

fn hex_byte(digits: &[u8]) -> Option<u8> {
    let digit = |d: u8| (d as char).to_digit(16);
    Some((digit(digits[0])? * 16 + digit(digits[1])?) as u8)
}

/// Decodes the RFC 2047 encoded words in a header value (any charset is read as UTF-8).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let decoded = rest[start + 2..].split_once("?=").and_then(|(word, _)| {
            let mut parts = word.splitn(3, '?');
            let (_charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
            let bytes = match encoding {
                "B" | "b" => base64_decode(text)?,
                "Q" | "q" => quoted_printable_decode(text, true),
                _ => return None,
            };
            Some((String::from_utf8_lossy(&bytes).into_owned(), word.len()))
        });
        let Some((text, len)) = decoded else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            after_word = false;
            continue;
        };
        // Whitespace between two adjacent encoded words is not part of the text.
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        out.push_str(&text);
        rest = &rest[start + 2 + len + 2..];
        after_word = true;
    }
    out.push_str(rest);
    out
}
