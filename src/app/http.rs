//! HTTP/1.0 and HTTP/1.1 messages (RFC 9112 framing): building requests and responses with
//! Content-Length, and incremental parsing of both from a byte stream.

use crate::sim::{Net, SimError, SocketId};

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
    let mut v = Vec::new();
    write_request(&mut v, path, version, keep_alive);
    v
}

/// [`request`], appended to `out` (a caller that sends many reuses one buffer).
pub fn write_request(out: &mut Vec<u8>, path: &str, version: Version, keep_alive: bool) {
    for part in [
        "GET ",
        path,
        " ",
        version.text(),
        "\r\nHost: ",
        HOST,
        "\r\n",
    ] {
        out.extend_from_slice(part.as_bytes());
    }
    end_head(out, version, keep_alive);
}

/// The Connection header where it differs from the version's default, and the blank line.
fn end_head(out: &mut Vec<u8>, version: Version, keep_alive: bool) {
    match (version, keep_alive) {
        (Version::Http10, true) => out.extend_from_slice(b"Connection: keep-alive\r\n"),
        (Version::Http11, false) => out.extend_from_slice(b"Connection: close\r\n"),
        _ => {}
    }
    out.extend_from_slice(b"\r\n");
}

/// `200 OK` with a body of `body` bytes (readable filler, so the inspector shows text).
pub fn response(version: Version, body: usize, keep_alive: bool, content_type: &str) -> Vec<u8> {
    let mut v = Vec::new();
    write_response(&mut v, version, body, keep_alive, content_type);
    v
}

/// [`response`], appended to `out`.
pub fn write_response(
    out: &mut Vec<u8>,
    version: Version,
    body: usize,
    keep_alive: bool,
    content_type: &str,
) {
    out.reserve(body + 128);
    response_head(out, version, body, keep_alive, content_type);
    extend_filler(out, body);
}

/// `n` bytes of the filler text `synack demo body. synack demo…`.
fn extend_filler(out: &mut Vec<u8>, n: usize) {
    const FILLER: &[u8] = b"synack demo body. ";
    let start = out.len();
    out.extend_from_slice(&FILLER[..n.min(FILLER.len())]);
    // What is written so far is whole periods of the filler, so appending a prefix of it
    // continues the pattern: the body doubles per copy instead of growing a byte at a time.
    while out.len() - start < n {
        let have = out.len() - start;
        out.extend_from_within(start..start + have.min(n - have));
    }
}

/// `200 OK` carrying exactly `body`.
pub fn response_with(
    version: Version,
    body: &[u8],
    keep_alive: bool,
    content_type: &str,
) -> Vec<u8> {
    let mut v = Vec::with_capacity(body.len() + 128);
    response_head(&mut v, version, body.len(), keep_alive, content_type);
    v.extend_from_slice(body);
    v
}

fn response_head(
    out: &mut Vec<u8>,
    version: Version,
    body: usize,
    keep_alive: bool,
    content_type: &str,
) {
    let length = body.to_string();
    for part in [
        version.text(),
        " 200 OK\r\nContent-Type: ",
        content_type,
        "\r\nContent-Length: ",
        &length,
        "\r\n",
    ] {
        out.extend_from_slice(part.as_bytes());
    }
    end_head(out, version, keep_alive);
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
        // The second space-separated field, found by a plain byte scan (cheaper than
        // `split(' ')` for a line this short).
        let line = self.start_line.as_bytes();
        let Some(start) = line.iter().position(|&b| b == b' ').map(|i| i + 1) else {
            return "";
        };
        let len = line[start..].iter().position(|&b| b == b' ');
        &self.start_line[start..len.map_or(line.len(), |n| start + n)]
    }
}

/// Parse the first complete message at the start of `buf`; `None` until it is all there.
/// Messages without Content-Length have an empty body (we only send GETs and sized bodies).
pub fn parse(buf: &[u8]) -> Option<Message> {
    parse_head(buf).filter(|m| buf.len() >= m.total)
}

/// Parse the head of the message at the start of `buf`, whose body may not have arrived yet;
/// `None` until the blank line that ends the head is there.
///
/// One pass over the head's bytes, line by line (the head ends at its first empty line, which
/// is where the first CRLF CRLF is); the head is checked to be UTF-8 once, as a whole.
pub fn parse_head(buf: &[u8]) -> Option<Message> {
    let mut rest = buf;
    let mut next_line = || {
        let end = find_crlf(rest)?;
        let line = &rest[..end];
        rest = &rest[end + 2..];
        Some(line)
    };
    let start_len = next_line()?.len();
    let version = if buf[..start_len].windows(8).any(|w| w == b"HTTP/1.0") {
        Version::Http10
    } else {
        Version::Http11
    };
    let mut keep_alive = version == Version::Http11;
    let mut body = 0;
    loop {
        let line = next_line()?;
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (k, v) = (&line[..colon], &line[colon + 1..]);
        // A value that is not UTF-8 means a head that is not, which is no message either.
        let value = || std::str::from_utf8(v).ok().map(str::trim);
        if k.eq_ignore_ascii_case(b"content-length") {
            body = value()?.parse().ok()?;
        } else if k.eq_ignore_ascii_case(b"connection") {
            keep_alive = value()?.eq_ignore_ascii_case("keep-alive");
        }
    }
    let head_end = buf.len() - rest.len();
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    Some(Message {
        start_line: head[..start_len].to_string(),
        version,
        keep_alive,
        body,
        total: head_end + body,
    })
}

/// Offset of the first CRLF in `s`: a search for LF, the rarer byte, then a look behind it.
fn find_crlf(s: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let lf = from + s[from..].iter().position(|&b| b == b'\n')?;
        if lf > 0 && s[lf - 1] == b'\r' {
            return Some(lf - 1);
        }
        from = lf + 1;
    }
}

/// The bytes received on one connection, taken a message at a time.
///
/// Each head is parsed once however many reads its body takes, and consumed bytes are dropped
/// once per read rather than once per message (a pipelined burst holding many responses would
/// otherwise be moved once per response).
#[derive(Clone, Debug, Default)]
pub struct Inbox {
    buf: Vec<u8>,
    /// Bytes at the front of `buf` already taken.
    taken: usize,
    /// The head of the next message, once it has all arrived (the body may not have).
    head: Option<Message>,
}

impl Inbox {
    /// Append newly received bytes.
    pub fn push(&mut self, bytes: Vec<u8>) {
        self.buf.drain(..self.taken);
        self.taken = 0;
        if self.buf.is_empty() {
            self.buf = bytes;
        } else {
            self.buf.extend_from_slice(&bytes);
        }
    }

    /// Read everything `s` has received straight into the inbox ([`Net::recv_into`]): no
    /// buffer is allocated per read. Returns the bytes read.
    pub fn read(&mut self, net: &mut Net, s: SocketId) -> Result<usize, SimError> {
        self.buf.drain(..self.taken);
        self.taken = 0;
        net.recv_into(s, &mut self.buf)
    }

    /// The next complete message, taken out of the inbox; `None` until it is all there.
    pub fn next_message(&mut self) -> Option<Message> {
        let rest = &self.buf[self.taken..];
        let m = match self.head.take() {
            Some(m) => m,
            None => parse_head(rest)?,
        };
        if rest.len() < m.total {
            self.head = Some(m);
            return None;
        }
        self.taken += m.total;
        Some(m)
    }
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
    fn filler_repeats_the_text_for_any_length() {
        const FILLER: &[u8] = b"synack demo body. ";
        for n in [0, 1, 17, 18, 19, 36, 37, 1000, 4099] {
            let mut v = b"head".to_vec();
            extend_filler(&mut v, n);
            let want: Vec<u8> = (0..n).map(|i| FILLER[i % FILLER.len()]).collect();
            assert_eq!(&v[4..], &want[..], "n={n}");
        }
    }

    #[test]
    fn inbox_takes_messages_as_they_complete() {
        let a = response(Version::Http11, 40, true, "text/html");
        let b = response(Version::Http10, 3, false, "image/png");
        let mut stream = a.clone();
        stream.extend_from_slice(&b);
        let mut inbox = Inbox::default();
        // Byte by byte: each message appears exactly when its last byte arrives.
        let mut got = Vec::new();
        for (i, &byte) in stream.iter().enumerate() {
            inbox.push(vec![byte]);
            while let Some(m) = inbox.next_message() {
                got.push((i + 1, m));
            }
        }
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], (a.len(), parse(&a).unwrap()));
        assert_eq!(got[1], (stream.len(), parse(&b).unwrap()));
        // All at once: the same messages.
        let mut inbox = Inbox::default();
        inbox.push(stream);
        assert_eq!(inbox.next_message(), Some(got[0].1.clone()));
        assert_eq!(inbox.next_message(), Some(got[1].1.clone()));
        assert_eq!(inbox.next_message(), None);
    }

    /// The straightforward parser `parse_head` replaced; both must agree on every input.
    fn parse_by_splitting(buf: &[u8]) -> Option<Message> {
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

    #[test]
    fn parse_agrees_with_splitting_on_odd_input() {
        let cases: &[&[u8]] = &[
            b"",
            b"\r\n\r\n",
            b"\r\nFoo: 1\r\n\r\n",
            b"GET / HTTP/1.0\r\n\r\n",
            b"GET /a b HTTP/1.0\r\nConnection:  Keep-Alive \r\n\r\n",
            b"HTTP/1.1 200 OK\nContent-Length: 3\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\nX: a\nContent-Length: 3\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\r\nContent-Length: 2\r\n\r\nab",
            b"HTTP/1.1 200 OK\r\ncontent-length:\t2\xc2\xa0\r\n\r\nab",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\na",
            b"HTTP/1.1 200 OK\r\nNo colon here\r\nConnection: close\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nBad: \xff\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: \xff\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nConnection: \xffclose\r\n\r\n",
            b"GET /\xff HTTP/1.0\r\n\r\n",
            b"GET / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: x\r\n\r\nab",
            b"GET / HTTP/1.0\r\nContent-Length: x\r\nContent-Length: 1\r\n\r\nab",
            b"XHTTP/1.0Y\r\n\r\n",
            b"GET\r\n\r\n",
        ];
        for &c in cases {
            assert_eq!(
                parse(c),
                parse_by_splitting(c),
                "{:?}",
                String::from_utf8_lossy(c)
            );
        }
        let r = response(Version::Http10, 30, true, "text/css");
        for end in 0..=r.len() {
            assert_eq!(parse(&r[..end]), parse_by_splitting(&r[..end]));
        }
    }

    #[test]
    fn garbage_is_not_a_message() {
        assert!(parse(b"hello").is_none());
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").is_none());
    }
}
