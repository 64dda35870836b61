//! `smp-trainer submit FILE`: send an attempt to the academy's server (`smp-academy`), which
//! rescores it and files it for the instructor.
//!
//! The server and the device token come from `--server` and `--token`, else the environment
//! (`SMP_ACADEMY_SERVER`, `SMP_ACADEMY_TOKEN`), else `academy.ron` in the data folder:
//! `(server: "http://…", token: "smpd_…")`. The file is checked here first (a file that is not
//! an attempt is not sent), then posted whole to `POST /api/attempts` over HTTP/1.1 with the
//! standard library alone. Plain `http://` only: an academy on the internet sits behind a
//! proxy or tunnel that speaks TLS.
//!
//! Exit codes: 0 stored (or already stored), 1 refused by the server or not reachable, 2 bad
//! input.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::Failure;
use super::out::say;

/// `academy.ron` in the data folder.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AcademyFile {
    #[serde(default)]
    server: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

/// Where the academy listens: `http://HOST[:PORT][/PREFIX]`.
#[derive(Debug, PartialEq)]
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
        loop {
            let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") else {
                break;
            };
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

/// Runs `smp-trainer submit`.
pub fn run(
    file: &Path,
    server: Option<String>,
    token: Option<String>,
    assignment: Option<u64>,
) -> Result<u8, Failure> {
    // Checked here first: a file that is not an attempt is not sent.
    let text = smp_core::files::read_bounded(file, smp_core::files::FileKind::Attempt)
        .map_err(Failure::input)?;
    smp_core::Attempt::parse(file, &text).map_err(Failure::input)?;
    let saved = smp_core::files::data_dir().join("academy.ron");
    let from_file: AcademyFile = if saved.is_file() {
        let t = smp_core::files::read_bounded(&saved, smp_core::files::FileKind::Keys)
            .map_err(Failure::input)?;
        smp_core::files::parse_ron(&saved, &t).map_err(Failure::input)?
    } else {
        AcademyFile::default()
    };
    let server = setting(server, "SMP_ACADEMY_SERVER", from_file.server).ok_or_else(|| {
        Failure::input(format!(
            "which academy? give --server URL, or SMP_ACADEMY_SERVER, or server in {}",
            saved.display()
        ))
    })?;
    let token = setting(token, "SMP_ACADEMY_TOKEN", from_file.token).ok_or_else(|| {
        Failure::input(format!(
            "no device token: give --token, or SMP_ACADEMY_TOKEN, or token in {} (the academy's admin makes one: smp-academy admin token --user NAME)",
            saved.display()
        ))
    })?;
    if token.contains(|c: char| c.is_control() || c == ' ') {
        return Err(Failure::input(
            "the token holds spaces or control characters",
        ));
    }
    let server = parse_server(&server).map_err(Failure::input)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut path = format!("/api/attempts?name={}", encode(&name));
    if let Some(a) = assignment {
        path.push_str(&format!("&assignment={a}"));
    }
    let (status, body) = post(&server, &path, &token, text.as_bytes()).map_err(|m| Failure {
        message: m,
        code: 1,
    })?;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    if !(200..300).contains(&status) {
        let why = v["error"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(300).collect());
        return Err(Failure {
            message: format!("the academy refused {} ({status}): {why}", file.display()),
            code: 1,
        });
    }
    let flags: Vec<&str> = v["flags"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    say!(
        "attempt {} {}: {:.2} {} ({}){}{}",
        v["id"],
        if v["duplicate"] == true {
            "was already stored"
        } else {
            "stored"
        },
        v["total"].as_f64().unwrap_or(f64::NAN),
        if v["passed"] == true {
            "passed"
        } else {
            "failed"
        },
        v["verification"].as_str().unwrap_or("?"),
        if flags.is_empty() {
            String::new()
        } else {
            format!("; flagged {}", flags.join(", "))
        },
        if v["late"] == true { "; late" } else { "" }
    );
    Ok(0)
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
}
