//! Sends an attempt to an academy's server (`smp-academy`), which rescores it and files it for
//! the instructor. The trainer's results screen and `smp-trainer submit` share it.
//!
//! The academy is an `http://` address and a device token; [`AcademySettings`] keeps both in
//! `academy.ron` in the data folder (`(server: "http://…", token: "smpd_…")`, readable by its
//! owner only). The attempt is checked first (a file that is not an attempt is not sent), then
//! posted whole to `POST /api/attempts` over HTTP/1.1 with the standard library alone. Plain
//! `http://` only: an academy on the internet sits behind a proxy or tunnel that speaks TLS.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Why an attempt was not stored by the academy.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// Something given here is wrong (the file, the address, the token, the settings file):
    /// nothing was sent.
    #[error("{0}")]
    Input(String),
    /// The academy could not be reached, or its answer broke off.
    #[error("{0}")]
    Unreachable(String),
    /// The academy answered and did not store the attempt.
    #[error("the academy refused {name} ({status}): {why}")]
    Refused {
        /// The file's name as sent.
        name: String,
        /// The HTTP status.
        status: u16,
        /// The academy's reason.
        why: String,
    },
}

impl SubmitError {
    /// The command line's exit code: 2 for bad input, 1 for a refusal or an unreachable academy.
    pub fn exit_code(&self) -> u8 {
        match self {
            SubmitError::Input(_) => 2,
            SubmitError::Unreachable(_) | SubmitError::Refused { .. } => 1,
        }
    }
}

impl From<smp_core::files::FileError> for SubmitError {
    fn from(e: smp_core::files::FileError) -> Self {
        SubmitError::Input(e.to_string())
    }
}

/// `academy.ron` in the data folder: where this computer submits, and its device token.
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AcademySettings {
    /// The academy's address, `http://HOST[:PORT][/PREFIX]`; empty for none. Plain strings,
    /// so the file reads as written by hand: `(server: "http://…", token: "smpd_…")`.
    #[serde(default)]
    pub server: String,
    /// The device token the academy's admin made for this trainee (`smpd_…`); empty for none.
    #[serde(default)]
    pub token: String,
}

impl AcademySettings {
    /// Where the settings live: `academy.ron` in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("academy.ron")
    }

    /// The settings in `data_dir`; empty when there is no file.
    pub fn load(data_dir: &Path) -> Result<Self, SubmitError> {
        let path = Self::path(data_dir);
        if !path.is_file() {
            return Ok(Self::default());
        }
        let text = smp_core::files::read_bounded(&path, smp_core::files::FileKind::Keys)?;
        Ok(smp_core::files::parse_ron(&path, &text)?)
    }

    /// Writes the settings to `data_dir`, readable by their owner only (the token is a secret),
    /// safely: the old file stays until the new one is whole.
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf, SubmitError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| SubmitError::Input(format!("cannot make {}: {e}", data_dir.display())))?;
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| SubmitError::Input(e.to_string()))?;
        let path = Self::path(data_dir);
        smp_core::files::write_privately(&path, format!("{text}\n").as_bytes())?;
        Ok(path)
    }
}

/// An academy to submit to: a checked address and token.
#[derive(Clone, Debug, PartialEq)]
pub struct Academy {
    server: Server,
    token: String,
}

impl Academy {
    /// The academy at `server` (`http://HOST[:PORT][/PREFIX]`) with device `token`.
    pub fn new(server: &str, token: &str) -> Result<Self, SubmitError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(SubmitError::Input(
                "no device token (the academy's admin makes one: smp-academy admin token --user NAME)".into(),
            ));
        }
        if token.contains(|c: char| c.is_control() || c == ' ') {
            return Err(SubmitError::Input(
                "the token holds spaces or control characters".into(),
            ));
        }
        Ok(Academy {
            server: parse_server(server).map_err(SubmitError::Input)?,
            token: token.to_string(),
        })
    }

    /// The academy named by `server` and `token` when given, else the environment
    /// (`SMP_ACADEMY_SERVER`, `SMP_ACADEMY_TOKEN`), else `saved` (from `academy.ron` at
    /// `saved_at`, named in the errors).
    pub fn resolve(
        server: Option<String>,
        token: Option<String>,
        saved: &AcademySettings,
        saved_at: &Path,
    ) -> Result<Self, SubmitError> {
        let server =
            setting(server, "SMP_ACADEMY_SERVER", Some(saved.server.clone())).ok_or_else(|| {
                SubmitError::Input(format!(
                    "which academy? give --server URL, or SMP_ACADEMY_SERVER, or server in {}",
                    saved_at.display()
                ))
            })?;
        let token = setting(token, "SMP_ACADEMY_TOKEN", Some(saved.token.clone())).ok_or_else(|| {
            SubmitError::Input(format!(
                "no device token: give --token, or SMP_ACADEMY_TOKEN, or token in {} (the academy's admin makes one: smp-academy admin token --user NAME)",
                saved_at.display()
            ))
        })?;
        Academy::new(&server, &token)
    }

    /// Sends the attempt file at `file` (checked first: a file that is not an attempt is not
    /// sent), for `assignment` if given. Blocks until the academy answers (up to minutes for a
    /// large file on a slow link): call it off the window's thread.
    pub fn submit(&self, file: &Path, assignment: Option<u64>) -> Result<Receipt, SubmitError> {
        let text = smp_core::files::read_bounded(file, smp_core::files::FileKind::Attempt)?;
        smp_core::Attempt::parse(file, &text)?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.submit_text(&name, text.as_bytes(), assignment)
    }

    /// Sends an attempt's text as the file `name` (not checked here: see [`Academy::submit`]).
    pub fn submit_text(
        &self,
        name: &str,
        text: &[u8],
        assignment: Option<u64>,
    ) -> Result<Receipt, SubmitError> {
        let mut path = format!("/api/attempts?name={}", encode(name));
        if let Some(a) = assignment {
            path.push_str(&format!("&assignment={a}"));
        }
        let (status, body) =
            post(&self.server, &path, &self.token, text).map_err(SubmitError::Unreachable)?;
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        if !(200..300).contains(&status) {
            let why = v["error"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(300).collect());
            return Err(SubmitError::Refused {
                name: name.to_string(),
                status,
                why,
            });
        }
        Ok(Receipt {
            id: v["id"].as_u64().ok_or_else(|| {
                SubmitError::Unreachable(format!(
                    "the academy answered {status} without an attempt id"
                ))
            })?,
            duplicate: v["duplicate"] == true,
            total: v["total"].as_f64().unwrap_or(f64::NAN),
            passed: v["passed"] == true,
            verification: v["verification"].as_str().unwrap_or("?").to_string(),
            flags: v["flags"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            late: v["late"] == true,
        })
    }
}

/// What the academy said of a stored attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Receipt {
    /// The academy's id of the attempt (its page is `/attempts/ID`).
    pub id: u64,
    /// Whether these very bytes were already stored for that assignment.
    pub duplicate: bool,
    /// The academy's own score, 0–100.
    pub total: f64,
    /// Whether the academy's score passes.
    pub passed: bool,
    /// The academy's check of the stored score against its own.
    pub verification: String,
    /// Flags the academy raised (such as `synthetic`).
    pub flags: Vec<String>,
    /// Whether it came after the assignment's due date.
    pub late: bool,
}

impl Receipt {
    /// One line: `attempt 12 stored: 81.50 passed (verified); flagged synthetic; late`.
    pub fn describe(&self) -> String {
        format!(
            "attempt {} {}: {:.2} {} ({}){}{}",
            self.id,
            if self.duplicate {
                "was already stored"
            } else {
                "stored"
            },
            self.total,
            if self.passed { "passed" } else { "failed" },
            self.verification,
            if self.flags.is_empty() {
                String::new()
            } else {
                format!("; flagged {}", self.flags.join(", "))
            },
            if self.late { "; late" } else { "" }
        )
    }
}

/// Where the academy listens: `http://HOST[:PORT][/PREFIX]`.
#[derive(Clone, Debug, PartialEq)]
struct Server {
    host: String,
    port: u16,
    prefix: String,
}

fn parse_server(url: &str) -> Result<Server, String> {
    let url = url.trim();
    if url.starts_with("https://") {
        return Err(format!(
            "{url}: https is not spoken here yet; use the academy's http:// address on a trusted network, or a TLS tunnel to it"
        ));
    }
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url:?}: the server must be an http:// URL"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("{url:?}: an IPv6 address needs its closing ]"))?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        Some(p) => p
            .parse()
            .map_err(|_| format!("{url:?}: {p:?} is not a port"))?,
        None => 80,
    };
    if host.is_empty() || host.contains(['@', ' ', '?', '#']) || path.contains(['?', '#', ' ']) {
        return Err(format!("{url:?}: not a server address"));
    }
    Ok(Server {
        host,
        port,
        prefix: path.to_string(),
    })
}

/// `s` percent-encoded for a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A response: status and body (a chunked body joined).
fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the server's answer broke off")?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or("the server's answer is not HTTP")?;
    let chunked = lines.any(|l| {
        l.to_ascii_lowercase()
            .replace(' ', "")
            .starts_with("transfer-encoding:chunked")
    });
    let mut body = raw[end + 4..].to_vec();
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..nl])
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim(),
                16,
            )
            .map_err(|_| "a malformed chunk in the server's answer")?;
            rest = &rest[nl + 2..];
            if size == 0 || rest.len() < size {
                out.extend_from_slice(&rest[..size.min(rest.len())]);
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = rest.get(size + 2..).unwrap_or(&[]);
        }
        body = out;
    }
    Ok((status, body))
}

/// Posts `body` to the academy; the answer's status and body.
fn post(server: &Server, path: &str, token: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let unreachable = |e: std::io::Error| {
        format!(
            "cannot reach the academy at {}:{}: {e}",
            server.host, server.port
        )
    };
    let addr = (server.host.as_str(), server.port)
        .to_socket_addrs()
        .map_err(unreachable)?
        .next()
        .ok_or_else(|| format!("{}: no address", server.host))?;
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(20)).map_err(unreachable)?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(300)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(300)));
    let host = if server.host.contains(':') {
        format!("[{}]:{}", server.host, server.port)
    } else {
        format!("{}:{}", server.host, server.port)
    };
    let head = format!(
        "POST {}{path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nAccept: application/json\r\nUser-Agent: smp-trainer/{}\r\nConnection: close\r\n\r\n",
        server.prefix,
        body.len(),
        env!("CARGO_PKG_VERSION")
    );
    // A server that refuses early (a file over its limit) answers before it has read it all:
    // its answer is still read.
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.flush());
    let mut raw = Vec::new();
    (&mut stream)
        .take(4 * 1024 * 1024)
        .read_to_end(&mut raw)
        .or_else(|e| if raw.is_empty() { Err(e) } else { Ok(0) })
        .map_err(unreachable)?;
    parse_response(&raw)
}

fn setting(given: Option<String>, env: &str, file: Option<String>) -> Option<String> {
    given
        .or_else(|| std::env::var(env).ok())
        .or(file)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_http_urls() {
        assert_eq!(
            parse_server("http://127.0.0.1:8080").unwrap(),
            Server {
                host: "127.0.0.1".into(),
                port: 8080,
                prefix: String::new()
            }
        );
        assert_eq!(
            parse_server("http://academy.local/smp/").unwrap(),
            Server {
                host: "academy.local".into(),
                port: 80,
                prefix: "/smp".into()
            }
        );
        assert_eq!(parse_server("http://[::1]:9000").unwrap().host, "::1");
        assert!(parse_server("https://x").unwrap_err().contains("https"));
        assert!(parse_server("ftp://x").is_err());
        assert!(parse_server("http://user@x").is_err());
        assert!(parse_server("http://x:port").is_err());
    }

    #[test]
    fn answers_are_read_plain_and_chunked() {
        let plain = b"HTTP/1.1 201 Created\r\ncontent-length: 7\r\n\r\n{\"a\":1}";
        assert_eq!(parse_response(plain).unwrap(), (201, b"{\"a\":1}".to_vec()));
        let chunked =
            b"HTTP/1.1 413 Payload Too Large\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(
            parse_response(chunked).unwrap(),
            (413, b"{\"a\":1}".to_vec())
        );
        assert!(parse_response(b"garbage").is_err());
        assert_eq!(encode("a b/é.ron"), "a%20b%2F%C3%A9.ron");
    }

    /// A one-shot academy on a random loopback port: answers `answer` to the first request and
    /// hands back what it was sent.
    fn one_shot(answer: &'static str) -> (String, std::thread::JoinHandle<Vec<u8>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/smp", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as many body bytes as it announced.
            loop {
                let n = s.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
                if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            s.write_all(answer.as_bytes()).unwrap();
            got
        });
        (url, handle)
    }

    #[test]
    fn a_stored_attempt_gives_its_receipt_and_the_request_carries_token_and_name() {
        let body = r#"{"id":12,"total":81.5,"passed":true,"verification":"verified","flags":["synthetic"],"late":false,"duplicate":false}"#;
        let answer: &'static str = Box::leak(
            format!(
                "HTTP/1.1 201 Created\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_boxed_str(),
        );
        let (url, server) = one_shot(answer);
        let academy = Academy::new(&url, "smpd_abc").unwrap();
        let receipt = academy
            .submit_text("my attempt.ron", b"(attempt)", Some(3))
            .unwrap();
        assert_eq!(receipt.id, 12);
        assert!(receipt.passed && !receipt.duplicate && !receipt.late);
        assert_eq!(receipt.flags, vec!["synthetic".to_string()]);
        assert_eq!(
            receipt.describe(),
            "attempt 12 stored: 81.50 passed (verified); flagged synthetic"
        );
        let sent = String::from_utf8(server.join().unwrap()).unwrap();
        assert!(
            sent.starts_with(
                "POST /smp/api/attempts?name=my%20attempt.ron&assignment=3 HTTP/1.1\r\n"
            ),
            "{sent}"
        );
        assert!(sent.contains("Authorization: Bearer smpd_abc\r\n"));
        assert!(sent.ends_with("\r\n\r\n(attempt)"));
    }

    #[test]
    fn a_refusal_says_the_academys_reason() {
        let (url, server) = one_shot(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 27\r\n\r\n{\"error\":\"not your course\"}",
        );
        let err = Academy::new(&url, "smpd_abc")
            .unwrap()
            .submit_text("a.ron", b"x", None)
            .unwrap_err();
        server.join().unwrap();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(
            err.to_string(),
            "the academy refused a.ron (403): not your course"
        );
    }

    #[test]
    fn nothing_listening_is_unreachable_and_bad_input_is_refused_before_sending() {
        // A port just freed: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = Academy::new(&format!("http://127.0.0.1:{port}"), "t")
            .unwrap()
            .submit_text("a.ron", b"x", None)
            .unwrap_err();
        assert!(matches!(err, SubmitError::Unreachable(_)), "{err}");
        assert_eq!(Academy::new("http://x", " ").unwrap_err().exit_code(), 2);
        assert!(Academy::new("http://x", "a b").is_err());
        assert!(Academy::new("https://x", "t").is_err());
        let dir = std::env::temp_dir().join(format!("smp-submit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let not_attempt = dir.join("level.ron");
        std::fs::write(&not_attempt, "(id: \"x\")").unwrap();
        let err = Academy::new("http://127.0.0.1:9", "t")
            .unwrap()
            .submit(&not_attempt, None)
            .unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn settings_round_trip_privately_and_a_bad_file_is_located() {
        let dir = std::env::temp_dir().join(format!("smp-submit-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            AcademySettings::load(&dir).unwrap(),
            AcademySettings::default()
        );
        let s = AcademySettings {
            server: "http://academy.local:8080".into(),
            token: "smpd_secret".into(),
        };
        let path = s.save(&dir).unwrap();
        assert_eq!(AcademySettings::load(&dir).unwrap(), s);
        // As the docs write it by hand.
        std::fs::write(&path, "(server: \"http://a:1\", token: \"smpd_x\")\n").unwrap();
        let by_hand = AcademySettings::load(&dir).unwrap();
        assert_eq!(
            (by_hand.server.as_str(), by_hand.token.as_str()),
            ("http://a:1", "smpd_x")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the token is readable by others: {mode:o}");
        }
        std::fs::write(&path, "(server: \"http://x\",\n  colour: 3)").unwrap();
        let err = AcademySettings::load(&dir).unwrap_err().to_string();
        assert!(err.contains("academy.ron:2:"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
