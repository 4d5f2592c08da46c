//! HTTP/1.0 and HTTP/1.1 messages (RFC 9112 framing): building requests and responses with
//! Content-Length, and incremental parsing of both from a byte stream.

/// HTTP version as written on the request line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    pub fn text(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }

    pub fn number(self) -> u8 {
        match self {
            Version::Http10 => 10,
            Version::Http11 => 11,
        }
    }
}

pub const HOST: &str = "www.example.edu";

/// `GET /path HTTP/1.x` with a Host header and, where it differs from the version's default,
/// a Connection header (HTTP/1.0 closes by default, HTTP/1.1 keeps alive by default).
pub fn request(path: &str, version: Version, keep_alive: bool) -> Vec<u8> {
    let mut s = format!("GET {path} {}\r\nHost: {HOST}\r\n", version.text());
    match (version, keep_alive) {
        (Version::Http10, true) => s.push_str("Connection: keep-alive\r\n"),
        (Version::Http11, false) => s.push_str("Connection: close\r\n"),
        _ => {}
    }
    s.push_str("\r\n");
    s.into_bytes()
}

/// `200 OK` with a body of `body` bytes (readable filler, so the inspector shows text).
pub fn response(version: Version, body: usize, keep_alive: bool, content_type: &str) -> Vec<u8> {
    const FILLER: &[u8] = b"synack demo body. ";
    let filler: Vec<u8> = (0..body).map(|i| FILLER[i % FILLER.len()]).collect();
    response_with(version, &filler, keep_alive, content_type)
}

/// `200 OK` carrying exactly `body`.
pub fn response_with(
    version: Version,
    body: &[u8],
    keep_alive: bool,
    content_type: &str,
) -> Vec<u8> {
    let mut s = format!(
        "{} 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
        version.text(),
        body.len()
    );
    match (version, keep_alive) {
        (Version::Http10, true) => s.push_str("Connection: keep-alive\r\n"),
        (Version::Http11, false) => s.push_str("Connection: close\r\n"),
        _ => {}
    }
    s.push_str("\r\n");
    let mut v = s.into_bytes();
    v.extend_from_slice(body);
    v
}

/// One parsed message head plus how long the whole message is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Request: `GET /x HTTP/1.1`; response: `HTTP/1.1 200 OK`.
    pub start_line: String,
    pub version: Version,
    /// Connection: keep-alive / close, or the version's default.
    pub keep_alive: bool,
    pub body: usize,
    /// Bytes of head + body.
    pub total: usize,
}

impl Message {
    /// The body of this message at the start of `buf`.
    pub fn body_of<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        &buf[self.total - self.body..self.total]
    }

    /// Path of a request line.
    pub fn path(&self) -> &str {
        self.start_line.split(' ').nth(1).unwrap_or("")
    }
}

/// Parse the first complete message at the start of `buf`; `None` until it is all there.
/// Messages without Content-Length have an empty body (we only send GETs and sized bodies).
pub fn parse(buf: &[u8]) -> Option<Message> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let start_line = lines.next()?.to_string();
    let version = if start_line.contains("HTTP/1.0") {
        Version::Http10
    } else {
        Version::Http11
    };
    let mut keep_alive = version == Version::Http11;
    let mut body = 0;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("content-length") {
            body = v.parse().ok()?;
        } else if k.eq_ignore_ascii_case("connection") {
            keep_alive = v.eq_ignore_ascii_case("keep-alive");
        }
    }
    let total = head_end + body;
    (buf.len() >= total).then_some(Message {
        start_line,
        version,
        keep_alive,
        body,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_defaults_follow_the_version() {
        let r10 = String::from_utf8(request("/", Version::Http10, false)).unwrap();
        assert_eq!(r10, "GET / HTTP/1.0\r\nHost: www.example.edu\r\n\r\n");
        let r11 = String::from_utf8(request("/a.png", Version::Http11, false)).unwrap();
        assert!(r11.contains("Connection: close\r\n"));
        let m = parse(r11.as_bytes()).unwrap();
        assert_eq!(m.path(), "/a.png");
        assert!(!m.keep_alive);
        assert!(
            parse(&request("/", Version::Http11, true))
                .unwrap()
                .keep_alive
        );
        assert!(
            !parse(&request("/", Version::Http10, false))
                .unwrap()
                .keep_alive
        );
    }

    #[test]
    fn response_is_framed_by_content_length() {
        let r = response(Version::Http11, 100, true, "text/html");
        let m = parse(&r).unwrap();
        assert_eq!(m.body, 100);
        assert_eq!(m.total, r.len());
        // Incomplete: nothing yet.
        assert!(parse(&r[..r.len() - 1]).is_none());
        // Two pipelined responses: the first parses on its own.
        let mut two = r.clone();
        two.extend(response(Version::Http11, 5, false, "text/plain"));
        assert_eq!(parse(&two).unwrap().total, r.len());
    }

    #[test]
    fn garbage_is_not_a_message() {
        assert!(parse(b"hello").is_none());
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").is_none());
    }
}
