//! Pure layer `share`: the whole view state as a URL hash, and back.
//!
//! `#s=http10-vs-11&n=6&rtt=80&seed=3&lang=zh-CN&t=412000&pkt=2.5&embed=1` — scenario, every
//! non-default parameter, seed, language, playhead (µs of simulated time), selected packet
//! (pane.index) and embedding. Parsing never fails: a malformed or out-of-range value falls
//! back to its default and yields a [`Notice`] naming the key, so a mangled link still opens.

use crate::i18n::Lang;
use crate::scenario::{Params, ScenarioId};
use crate::time::SimTime;
use std::fmt;

/// Everything a link reproduces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewState {
    pub scenario: ScenarioId,
    pub params: Params,
    pub seed: u64,
    /// `None`: not in the link (the page picks from the browser's language).
    pub lang: Option<Lang>,
    pub t: SimTime,
    /// (pane, packet index) of the packet open in the inspector.
    pub packet: Option<(usize, usize)>,
    pub embed: bool,
}

impl Default for ViewState {
    fn default() -> ViewState {
        ViewState {
            scenario: ScenarioId::Handshake,
            params: Params::defaults(ScenarioId::Handshake),
            seed: 1,
            lang: None,
            t: SimTime::ZERO,
            packet: None,
            embed: false,
        }
    }
}

/// A key of the hash that was ignored, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub key: String,
    pub problem: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.problem)
    }
}

/// Longest hash we look at; longer input is cut (and noticed), so a pasted novel can't hang us.
pub const MAX_HASH: usize = 2048;

fn decode(s: &str) -> String {
    // Percent-decoding of what a browser may escape; invalid escapes are kept as they are.
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `s.parse::<usize>()`, through the u64 parser (one integer parser in the wasm).
fn index(s: &str) -> Option<usize> {
    usize::try_from(s.parse::<u64>().ok()?).ok()
}

/// Read a hash (with or without the leading `#`).
pub fn parse_hash(hash: &str) -> (ViewState, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut raw = hash.strip_prefix('#').unwrap_or(hash);
    if raw.len() > MAX_HASH {
        let mut cut = MAX_HASH;
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        raw = &raw[..cut];
        notices.push(Notice {
            key: "#".into(),
            problem: format!("longer than {MAX_HASH} characters; the rest was ignored"),
        });
    }
    let pairs: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect();

    let mut v = ViewState::default();
    if let Some((_, id)) = pairs.iter().find(|(k, _)| k == "s") {
        match ScenarioId::parse(id) {
            Ok(s) => {
                v.scenario = s;
                v.params = Params::defaults(s);
            }
            Err(e) => notices.push(Notice {
                key: "s".into(),
                problem: e.to_string(),
            }),
        }
    }
    let short = |s: &str| s.chars().take(40).collect::<String>();
    for (k, val) in &pairs {
        match k.as_str() {
            "s" => {}
            "seed" => match val.parse() {
                Ok(n) => v.seed = n,
                Err(_) => notices.push(Notice {
                    key: k.clone(),
                    problem: format!("'{}' is not a whole number", short(val)),
                }),
            },
            "lang" => match Lang::parse(val) {
                Some(l) => v.lang = Some(l),
                None => notices.push(Notice {
                    key: k.clone(),
                    problem: format!("'{}' is not en or zh-CN", short(val)),
                }),
            },
            "t" => match val.parse() {
                Ok(n) => v.t = SimTime(n),
                Err(_) => notices.push(Notice {
                    key: k.clone(),
                    problem: format!("'{}' is not a time in microseconds", short(val)),
                }),
            },
            "pkt" => match val
                .split_once('.')
                .and_then(|(a, b)| Some((index(a)?, index(b)?)))
            {
                Some(p) => v.packet = Some(p),
                None => notices.push(Notice {
                    key: k.clone(),
                    problem: format!("'{}' is not pane.packet", short(val)),
                }),
            },
            "embed" => v.embed = val != "0" && val != "false",
            _ => {
                if let Err(e) = v.params.set(k, val) {
                    notices.push(Notice {
                        key: short(k),
                        problem: e.to_string(),
                    });
                }
            }
        }
    }
    (v, notices)
}

/// Write a hash that [`parse_hash`] reads back to the same state (defaults left out).
pub fn to_hash(v: &ViewState) -> String {
    let mut parts = vec![format!("s={}", v.scenario.id())];
    for (k, val) in v.params.non_default_pairs() {
        parts.push(format!("{k}={val}"));
    }
    if v.seed != 1 {
        parts.push(format!("seed={}", v.seed));
    }
    if let Some(l) = v.lang {
        parts.push(format!("lang={}", l.code()));
    }
    if v.t != SimTime::ZERO {
        parts.push(format!("t={}", v.t.micros()));
    }
    if let Some((p, i)) = v.packet {
        parts.push(format!("pkt={p}.{i}"));
    }
    if v.embed {
        parts.push("embed=1".into());
    }
    format!("#{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let (mut v, n) = parse_hash("#s=http10-vs-11&n=6&rtt=80");
        assert!(n.is_empty(), "{n:?}");
        v.seed = 3;
        v.lang = Some(Lang::ZhCn);
        v.t = SimTime(412_000);
        v.packet = Some((2, 5));
        v.embed = true;
        let h = to_hash(&v);
        assert_eq!(
            h,
            "#s=http10-vs-11&n=6&rtt=80&seed=3&lang=zh-CN&t=412000&pkt=2.5&embed=1"
        );
        assert_eq!(parse_hash(&h), (v, vec![]));
    }

    #[test]
    fn bad_values_fall_back_and_name_their_key() {
        let (v, n) = parse_hash("#s=http10-vs-11&n=999&seed=x&lang=fr&t=-1&pkt=zz&bogus=1&rtt=40");
        assert_eq!(v.scenario, ScenarioId::Http10Vs11);
        assert_eq!(v.params.get("n"), 4, "out of range: default kept");
        assert_eq!(v.params.get("rtt"), 40, "good keys still apply");
        assert_eq!(v.seed, 1);
        let keys: Vec<&str> = n.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(keys, ["n", "seed", "lang", "t", "pkt", "bogus"]);
        assert!(n[0].problem.contains("from 1 to 100"), "{}", n[0]);
    }

    #[test]
    fn unknown_scenario_opens_the_handshake() {
        let (v, n) = parse_hash("s=nope");
        assert_eq!(v.scenario, ScenarioId::Handshake);
        assert_eq!(n[0].key, "s");
        assert!(n[0].problem.contains("nope"));
    }

    #[test]
    fn escapes_and_huge_input() {
        let (v, _) = parse_hash("#lang=zh%2DCN");
        assert_eq!(v.lang, Some(Lang::ZhCn));
        let (_, n) = parse_hash(&"a".repeat(100_000));
        assert_eq!(n[0].key, "#");
        // A cut through a multi-byte character does not panic.
        let (_, n) = parse_hash(&"é".repeat(5_000));
        assert!(!n.is_empty());
        parse_hash("%");
        parse_hash("%4");
        parse_hash("&&&=&=");
        parse_hash("%é9");
    }

    use proptest::prelude::*;

    proptest! {
        // The URL-hash fuzz target: any input opens something, and what it opens is stable.
        #[test]
        fn any_hash_parses_and_round_trips(h in ".{0,300}") {
            let (v, _) = parse_hash(&h);
            let (again, notices) = parse_hash(&to_hash(&v));
            prop_assert!(notices.is_empty(), "{:?}", notices);
            prop_assert_eq!(again, v);
        }

        #[test]
        fn hash_like_input_parses(
            pairs in proptest::collection::vec(("[a-z_]{1,8}", "[-a-zA-Z0-9.%]{0,12}"), 0..12)
        ) {
            let h: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let (v, _) = parse_hash(&h.join("&"));
            prop_assert_eq!(parse_hash(&to_hash(&v)).0, v);
        }
    }
}
