//! `tcpdump -nn` text, out and in. Reads today's format
//! (`Flags [S.], seq 1, ack 2, win 3, options [mss 1460], length 0`) and the old one the seed
//! quotes (`S 3626544836:3626544836`, `ack 1739326487,ack 1`), with relative or absolute
//! sequence numbers.

use super::error::{ImportError, Position};
use super::{find_str, split_once_str};
use super::{CapturedPacket, Sink};
use crate::sim::{pair_key, KeyMap};
use crate::tcp::{Flags, Segment, SeqNum};
use crate::time::SimDuration;
use crate::timeline::Timeline;
use std::fmt::Write;
use std::net::{Ipv4Addr, SocketAddrV4};

/// `tcpdump -nn -S` style lines for every packet of `tl`, timestamps as time of day from
/// simulation time 0 plus `offset` (`00:00:00.010000`).
pub fn write(tl: &Timeline, offset: SimDuration) -> String {
    let mut s = String::new();
    for p in &tl.packets {
        let us = (p.sent_at + offset).micros();
        let secs = us / 1_000_000;
        let _ = write!(
            s,
            "{:02}:{:02}:{:02}.{:06} ",
            secs / 3600 % 24,
            secs / 60 % 60,
            secs % 60,
            us % 1_000_000
        );
        match p.proto {
            crate::sim::Proto::Tcp => line(&mut s, p.src, p.dst, &p.segment),
            // tcpdump -nn's form for a datagram.
            crate::sim::Proto::Udp => {
                let _ = write!(
                    s,
                    "IP {}.{} > {}.{}: UDP, length {}",
                    p.src.ip(),
                    p.src.port(),
                    p.dst.ip(),
                    p.dst.port(),
                    p.segment.payload.len()
                );
            }
        }
        s.push('\n');
    }
    s
}

fn line(s: &mut String, src: SocketAddrV4, dst: SocketAddrV4, seg: &Segment) {
    let _ = write!(
        s,
        "IP {}.{} > {}.{}: Flags [{}], seq ",
        src.ip(),
        src.port(),
        dst.ip(),
        dst.port(),
        seg.flags.tcpdump()
    );
    if seg.payload.is_empty() {
        let _ = write!(s, "{}", seg.seq);
    } else {
        let _ = write!(s, "{}:{}", seg.seq, seg.seq + seg.payload.len());
    }
    if seg.flags.ack() {
        let _ = write!(s, ", ack {}", seg.ack);
    }
    let _ = write!(s, ", win {}", seg.window);
    if seg.flags.urg() {
        let _ = write!(s, ", urg {}", seg.urgent);
    }
    if let (Some(mss), true) = (seg.mss, seg.flags.syn()) {
        let _ = write!(s, ", options [mss {mss}]");
    }
    let _ = write!(s, ", length {}", seg.payload.len());
    if let Some(m) = super::http_method(&seg.payload) {
        // tcpdump prints this for port 80; we print it always so an import can count requests.
        let first = seg
            .payload
            .split(|&b| b == b'\r' || b == b'\n')
            .next()
            .unwrap_or(&[]);
        let _ = write!(s, ": HTTP: {}", String::from_utf8_lossy(first));
        let _ = m;
    }
}

/// A few lines from the top decide whether this is tcpdump text at all.
pub fn looks_like(b: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&b[..b.len().min(4096)]);
    text.lines()
        .take(20)
        .any(|l| matches!(parse_line(l), Ok(Line::Tcp(..))))
}

#[derive(Default)]
struct Dir {
    isn: Option<SeqNum>,
    next: Option<SeqNum>,
}

pub fn read(b: &[u8], sink: &mut Sink) -> Result<(), ImportError> {
    let text = String::from_utf8_lossy(b);
    // Index into `dir_list` by (source, destination).
    let mut dirs = KeyMap::default();
    let mut dir_list: Vec<Dir> = Vec::new();
    let mut last_ts = 0u64;
    let mut day = 0u64;
    for (i, l) in text.lines().enumerate() {
        let lineno = i + 1;
        let parsed = match parse_line(l) {
            Ok(p) => p,
            Err(expected) => {
                return Err(ImportError::Malformed {
                    at: Position::Line(lineno),
                    expected,
                })
            }
        };
        let (ts, src, dst, raw) = match parsed {
            Line::Skip => continue,
            Line::Ipv6 => {
                sink.capture.skipped.ipv6 += 1;
                continue;
            }
            Line::NonTcp => {
                sink.capture.skipped.non_tcp += 1;
                continue;
            }
            Line::Tcp(ts, src, dst, raw) => (ts, src, dst, raw),
        };
        let ts_ns = match ts {
            Stamp::None => last_ts + 1_000_000,
            Stamp::Absolute(ns) => ns,
            Stamp::TimeOfDay(ns) => {
                // Past midnight: the clock went back.
                if ns + day < last_ts && last_ts - (ns + day) > 43_200_000_000_000 {
                    day += 86_400_000_000_000;
                }
                ns + day
            }
        };
        last_ts = ts_ns;
        let (fwd_isn, fwd_next) = dirs
            .get(pair_key(src, dst))
            .map(|i| (dir_list[i as usize].isn, dir_list[i as usize].next))
            .unwrap_or_default();
        let (rev_isn, rev_next) = dirs
            .get(pair_key(dst, src))
            .map(|i| (dir_list[i as usize].isn, dir_list[i as usize].next))
            .unwrap_or_default();
        let seq = if raw.flags.syn() {
            raw.seq.map(SeqNum)
        } else {
            raw.seq.map(|v| resolve(v, fwd_isn, fwd_next))
        }
        .or(fwd_next)
        .unwrap_or(SeqNum(0));
        let ack = match raw.ack {
            Some(v) if raw.flags.ack() => resolve(v, rev_isn, rev_next),
            _ => SeqNum(0),
        };
        if raw.len > 65_535 {
            return Err(ImportError::Malformed {
                at: Position::Line(lineno),
                expected: "a segment length below 65536",
            });
        }
        let mut payload = raw.http.map(|h| h.into_bytes()).unwrap_or_default();
        payload.resize(raw.len as usize, 0);
        let seg = Segment {
            src_port: src.port(),
            dst_port: dst.port(),
            seq,
            ack,
            flags: raw.flags,
            window: raw.win,
            urgent: raw.urg,
            mss: raw.mss,
            payload: payload.into(),
        };
        let d = match dirs.get(pair_key(src, dst)) {
            Some(i) => &mut dir_list[i as usize],
            None => {
                dirs.insert(pair_key(src, dst), dir_list.len() as u64);
                dir_list.push(Dir::default());
                dir_list.last_mut().expect("just pushed")
            }
        };
        if seg.flags.syn() {
            d.isn = Some(seg.seq);
        }
        let end = seg.seq + seg.seg_len();
        if d.next.is_none_or(|n| end > n) {
            d.next = Some(end);
        }
        let len = raw.len;
        if !sink.push(
            CapturedPacket {
                ts_ns,
                src,
                dst,
                segment: seg,
                len,
            },
            lineno as u64,
        ) {
            return Ok(());
        }
    }
    Ok(())
}

/// tcpdump prints sequence numbers relative to the ISN once it has seen the SYN (unless `-S`):
/// take whichever reading lands nearer where this direction is.
fn resolve(v: u32, isn: Option<SeqNum>, next: Option<SeqNum>) -> SeqNum {
    match (isn, next) {
        (Some(isn), Some(next)) => {
            let abs = SeqNum(v);
            let rel = isn + v;
            if rel.diff(next).unsigned_abs() < abs.diff(next).unsigned_abs() {
                rel
            } else {
                abs
            }
        }
        _ => SeqNum(v),
    }
}

enum Stamp {
    None,
    /// ns since 1970 (`-tt`, `-tttt`).
    Absolute(u64),
    /// ns since midnight (the default).
    TimeOfDay(u64),
}

struct Raw {
    flags: Flags,
    seq: Option<u32>,
    ack: Option<u32>,
    win: u16,
    urg: u16,
    mss: Option<u16>,
    len: u32,
    http: Option<String>,
}

enum Line {
    Skip,
    Ipv6,
    NonTcp,
    Tcp(Stamp, SocketAddrV4, SocketAddrV4, Raw),
}

fn parse_line(l: &str) -> Result<Line, &'static str> {
    let t = l.trim_end();
    if t.trim().is_empty() || t.starts_with(|c: char| c.is_whitespace()) {
        return Ok(Line::Skip);
    }
    if ["reading from", "listening on", "tcpdump:", "dropped privs"]
        .iter()
        .any(|p| t.starts_with(p))
        || t.ends_with("packets captured")
        || t.ends_with("received by filter")
        || t.ends_with("dropped by kernel")
    {
        return Ok(Line::Skip);
    }
    let Some((pre, rest)) = split_word(t, "IP ") else {
        if split_word(t, "IP6 ").is_some() {
            return Ok(Line::Ipv6);
        }
        // ARP, LLDP, …: another protocol, if the line starts like a tcpdump line.
        return match stamp(t) {
            Some((Stamp::None, _)) | None => {
                Err("a tcpdump -nn line: [time] IP a.b.c.d.port > e.f.g.h.port: …")
            }
            Some(_) => Ok(Line::NonTcp),
        };
    };
    let ts = stamp(pre).map(|(s, _)| s).unwrap_or(Stamp::None);
    // `IP (tos 0x0, …)` of -v: the addresses are on the next line, which we do not join.
    let rest = rest.trim_start();
    if rest.starts_with('(') {
        return Err("tcpdump -nn output without -v");
    }
    let Some((addrs, body)) = split_once_str(rest, ": ") else {
        return Err("'src > dst: ' after IP");
    };
    let Some((a, b)) = split_once_str(addrs, " > ") else {
        return Err("'a.b.c.d.port > e.f.g.h.port'");
    };
    let (Some(src), Some(dst)) = (endpoint(a.trim()), endpoint(b.trim())) else {
        // ICMP and others print bare addresses without ports.
        return Ok(Line::NonTcp);
    };
    let body = body.trim();
    let raw = if let Some(f) = body.strip_prefix("Flags [") {
        modern(f)?
    } else if let Some(r) = old(body) {
        r
    } else {
        return Ok(Line::NonTcp);
    };
    Ok(Line::Tcp(ts, src, dst, raw))
}

/// `pre` + `word` + rest, where `word` starts a whitespace-separated token.
fn split_word<'a>(t: &'a str, word: &str) -> Option<(&'a str, &'a str)> {
    let mut from = 0;
    while let Some(i) = find_str(&t[from..], word) {
        let i = from + i;
        if i == 0 || t[..i].ends_with(char::is_whitespace) {
            return Some((&t[..i], &t[i + word.len()..]));
        }
        from = i + word.len();
    }
    None
}

fn stamp(pre: &str) -> Option<(Stamp, ())> {
    let mut words = pre.split_whitespace();
    let first = words.next()?;
    if let Some(days) = date_days(first) {
        let tod = time_of_day(words.next()?)?;
        return Some((Stamp::Absolute(days * 86_400_000_000_000 + tod), ()));
    }
    if first.contains(':') {
        return time_of_day(first).map(|ns| (Stamp::TimeOfDay(ns), ()));
    }
    let (s, frac) = first.split_once('.')?;
    let secs: u64 = s.parse().ok()?;
    Some((
        Stamp::Absolute(secs.checked_mul(1_000_000_000)? + frac_ns(frac)?),
        (),
    ))
}

fn frac_ns(frac: &str) -> Option<u64> {
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(frac.parse::<u64>().ok()? * 10u64.pow(9 - frac.len() as u32))
}

fn time_of_day(w: &str) -> Option<u64> {
    let (hms, frac) = w.split_once('.').unwrap_or((w, "0"));
    let mut it = hms.split(':').map(|x| x.parse::<u64>().ok());
    let (h, m, s) = (it.next()??, it.next()??, it.next()??);
    if it.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((h * 3600 + m * 60 + s) * 1_000_000_000 + frac_ns(frac)?)
}

/// Days since 1970 of `YYYY-MM-DD` (proleptic Gregorian).
fn date_days(w: &str) -> Option<u64> {
    let mut it = w.split('-');
    // Read as u64 (one integer parser in the wasm): a sign is refused either way by the ranges.
    let (y, m, d): (u64, u64, u64) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    if it.next().is_some()
        || !(1970..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let (y, m, d) = (y as i64, m as i64, d as i64);
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u64::try_from(era * 146_097 + doe - 719_468).ok()
}

/// `192.168.1.116.3337`
fn endpoint(w: &str) -> Option<SocketAddrV4> {
    let (ip, port) = w.rsplit_once('.')?;
    Some(SocketAddrV4::new(
        ip.parse::<Ipv4Addr>().ok()?,
        u16::try_from(port.parse::<u64>().ok()?).ok()?,
    ))
}

/// The number of the digits `w` starts with. Parsed as u64 for every width, so that the wasm
/// has one integer parser.
fn num<T: TryFrom<u64>>(w: &str) -> Option<T> {
    T::try_from(digits(w)?).ok()
}

fn digits(w: &str) -> Option<u64> {
    let end = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
    w[..end].parse().ok()
}

fn letters(s: &str) -> Option<Flags> {
    let mut f = Flags::NONE;
    for c in s.chars() {
        f |= match c {
            'S' => Flags::SYN,
            'F' => Flags::FIN,
            'R' => Flags::RST,
            'P' => Flags::PSH,
            'U' => Flags::URG,
            '.' => Flags::ACK,
            // ECE / CWR / AE: not bits the state machine knows; keep the line.
            'E' | 'W' | 'e' => Flags::NONE,
            _ => return None,
        };
    }
    Some(f)
}

/// After `Flags [`: `S.], seq 1:90, ack 1, win 512, options [mss 1460,…], length 89: …`.
fn modern(f: &str) -> Result<Raw, &'static str> {
    const E: &str = "'Flags [..], seq .., ack .., win .., length ..'";
    let (fl, rest) = f.split_once(']').ok_or(E)?;
    let flags = if fl == "none" {
        Some(Flags::NONE)
    } else {
        letters(fl)
    }
    .ok_or("flags like [S.], [P.], [F.], [R]")?;
    let mut r = Raw {
        flags,
        seq: None,
        ack: None,
        win: 0,
        urg: 0,
        mss: None,
        len: 0,
        http: None,
    };
    let mut rest = rest.to_string();
    if let Some(i) = find_str(&rest, "options [") {
        let end = rest[i..]
            .find(']')
            .map(|j| i + j + 1)
            .ok_or("']' closing the options")?;
        let opts = &rest[i + 9..end - 1];
        r.mss = opts
            .split(',')
            .find_map(|o| o.trim().strip_prefix("mss ").and_then(num));
        rest.replace_range(i..end, "");
    }
    let mut tail = "";
    let (fields, after) = match find_str(&rest, "length ") {
        Some(i) => {
            let (a, b) = rest.split_at(i);
            (a.to_string(), b.to_string())
        }
        None => (rest.clone(), String::new()),
    };
    if !after.is_empty() {
        let (l, t) = after.split_once(':').unwrap_or((&after, ""));
        let mut l = l;
        while let Some(x) = l.strip_prefix("length ") {
            l = x;
        }
        r.len = num(l.trim()).ok_or("a number after 'length'")?;
        tail = if t.is_empty() {
            ""
        } else {
            &after[after.len() - t.len()..]
        };
    }
    for field in fields.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let (k, v) = field.split_once(' ').unwrap_or((field, ""));
        match k {
            "seq" => {
                let (a, b) = v.split_once(':').unwrap_or((v, ""));
                r.seq = Some(num(a).ok_or("a number after 'seq'")?);
                if let (Some(a), Some(b)) = (num::<u32>(a), num::<u32>(b)) {
                    if after.is_empty() {
                        r.len = b.wrapping_sub(a);
                    }
                }
            }
            "ack" => r.ack = Some(num(v).ok_or("a number after 'ack'")?),
            "win" => r.win = num(v).unwrap_or(0),
            "urg" => r.urg = num(v).unwrap_or(0),
            _ => {}
        }
    }
    if r.ack.is_none() {
        r.flags = r.flags.without(Flags::ACK);
    }
    r.http = http_tail(tail);
    Ok(r)
}

/// `: HTTP: GET / HTTP/1.1` after the length.
fn http_tail(t: &str) -> Option<String> {
    let req = t.trim().strip_prefix("HTTP:")?.trim();
    super::http_method(req.as_bytes()).map(|_| format!("{req}\r\n"))
}

/// Old tcpdump: `S 3626544836:3626544836(0) ack 1 win 65535 <mss 1460>`, `. ack 1 win 5`,
/// `P 1:90(89) ack 1 win 5`, or the seed's `ack 1739326487,ack 1`.
fn old(body: &str) -> Option<Raw> {
    let mut words = body.split_whitespace().peekable();
    let first = *words.peek()?;
    let mut flags = if first == "ack" {
        Flags::NONE
    } else {
        words.next();
        letters(first)?
    };
    let mut r = Raw {
        flags: Flags::NONE,
        seq: None,
        ack: None,
        win: 0,
        urg: 0,
        mss: None,
        len: 0,
        http: None,
    };
    if let Some(w) = words.peek() {
        if let Some((a, b)) = w.split_once(':') {
            if let (Some(a), Some(b)) = (num::<u32>(a), num::<u32>(b)) {
                r.seq = Some(a);
                r.len = b.wrapping_sub(a);
                words.next();
            }
        }
    }
    while let Some(w) = words.next() {
        match w {
            "ack" => {
                r.ack = r.ack.or(words.next().and_then(num));
            }
            "win" => r.win = words.next().and_then(num).unwrap_or(0),
            "urg" => r.urg = words.next().and_then(num).unwrap_or(0),
            _ if w.starts_with("<mss") => r.mss = words.next().and_then(num),
            _ => {}
        }
    }
    if r.ack.is_some() {
        flags |= Flags::ACK;
    } else if flags == Flags::NONE {
        return None;
    }
    r.flags = flags;
    Some(r)
}
