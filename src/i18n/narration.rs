//! One narration line per timeline step, composed from the step's facts: the user call, the
//! segment that arrived, the state changes (with what the new state means) and what was sent.
//! Written for students; the seed article is the reference, not the source of the sentences.

use super::{Lang, Msg};
use crate::sim::Proto;
use crate::tcp::{Cause, Flags, Segment, State, TimerKind, UserCall};
use crate::timeline::{Note, Role, Step, Timeline};

fn role(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Client => Msg::Client.text(lang),
        Role::Server => Msg::Server.text(lang),
        Role::Middlebox => Msg::Middlebox.text(lang),
    }
}

fn numbers(seg: &Segment) -> String {
    let mut s = format!("seq={}", seg.seq);
    if seg.flags.ack() {
        s.push_str(&format!(", ack={}", seg.ack));
    }
    if !seg.payload.is_empty() {
        s.push_str(&format!(", len={}", seg.payload.len()));
    }
    s
}

/// What being in `state` means, including the other names students meet for it.
pub fn state_meaning(lang: Lang, state: State) -> &'static str {
    match (lang, state) {
        (Lang::En, State::Closed) => "there is no connection",
        (Lang::ZhCn, State::Closed) => "没有连接",
        (Lang::En, State::Listen) => "the socket waits for a SYN from any client",
        (Lang::ZhCn, State::Listen) => "套接字在等待任意客户端发来的 SYN",
        (Lang::En, State::SynSent) => {
            "its SYN is out and it waits for the SYN+ACK (the seed writes SYN_SEND; Linux shows SYN-SENT)"
        }
        (Lang::ZhCn, State::SynSent) => {
            "SYN 已发出，正在等待 SYN+ACK（原文写作 SYN_SEND，Linux 显示为 SYN-SENT）"
        }
        (Lang::En, State::SynReceived) => {
            "it has answered the SYN and waits for the last ACK (Linux calls this SYN_RECV)"
        }
        (Lang::ZhCn, State::SynReceived) => {
            "已回应了 SYN，正在等待最后一个 ACK（Linux 和原文称之为 SYN_RECV）"
        }
        (Lang::En, State::Established) => {
            "both sides know each other's initial sequence number, so data can flow"
        }
        (Lang::ZhCn, State::Established) => "双方都已知道对方的初始序号，可以开始传送数据",
        (Lang::En, State::FinWait1) => "its FIN is out; it waits for that FIN to be acknowledged",
        (Lang::ZhCn, State::FinWait1) => "FIN 已发出，正在等待对方确认这个 FIN",
        (Lang::En, State::FinWait2) => {
            "its FIN is acknowledged; it can still receive and waits for the peer's FIN"
        }
        (Lang::ZhCn, State::FinWait2) => "FIN 已被确认；它仍能接收数据，正在等待对方的 FIN",
        (Lang::En, State::CloseWait) => {
            "the peer has finished sending; this side may still send, then should close"
        }
        (Lang::ZhCn, State::CloseWait) => "对方已发送完毕；本方还可以发送，之后应当关闭",
        (Lang::En, State::Closing) => "both FINs crossed; it waits for its own FIN to be acknowledged",
        (Lang::ZhCn, State::Closing) => "双方的 FIN 在途中交错；正在等待自己的 FIN 被确认",
        (Lang::En, State::LastAck) => "it has sent its FIN after the peer's and waits for the last ACK",
        (Lang::ZhCn, State::LastAck) => "在对方之后发出了自己的 FIN，正在等待最后一个 ACK",
        (Lang::En, State::TimeWait) => {
            "it waits 2·MSL so stray segments die out and a lost final ACK can be repeated (netstat: TIME_WAIT)"
        }
        (Lang::ZhCn, State::TimeWait) => {
            "等待 2·MSL，让网络中残留的报文消失，并能在最后的 ACK 丢失时重发（netstat 显示 TIME_WAIT）"
        }
    }
}

fn call_text(lang: Lang, who: &str, call: UserCall) -> String {
    match (lang, call) {
        (Lang::En, UserCall::Listen) => {
            format!("The {who} calls listen(): its socket will accept connections.")
        }
        (Lang::ZhCn, UserCall::Listen) => format!("{who}调用 listen()：它的套接字开始接受连接。"),
        (Lang::En, UserCall::Connect) => format!("The {who} calls connect()."),
        (Lang::ZhCn, UserCall::Connect) => format!("{who}调用 connect()。"),
        (Lang::En, UserCall::Close) => {
            format!("The {who} calls close(): it has nothing more to send.")
        }
        (Lang::ZhCn, UserCall::Close) => format!("{who}调用 close()：它没有更多数据要发送了。"),
        (Lang::En, UserCall::Abort) => {
            format!("The {who} aborts the connection: a reset, no goodbye.")
        }
        (Lang::ZhCn, UserCall::Abort) => format!("{who}中止连接：直接复位，不做告别。"),
    }
}

/// Which of the handshake's three segments `seg` is, if any, said in words.
fn handshake_role(lang: Lang, seg: &Segment, completes: bool) -> Option<String> {
    let syn_only = seg.flags == Flags::SYN;
    let syn_ack = seg.flags == (Flags::SYN | Flags::ACK);
    match lang {
        Lang::En if syn_only => Some(format!(
            " This is the first handshake: SYN=1 and a fresh initial sequence number j = {}.",
            seg.seq
        )),
        Lang::ZhCn if syn_only => Some(format!(
            "这是第一次握手：SYN=1，并带上新选的初始序号 j = {}。",
            seg.seq
        )),
        Lang::En if syn_ack => Some(format!(
            " This is the second handshake: it acknowledges the SYN with ack = j+1 = {} and sends its own initial sequence number k = {}.",
            seg.ack, seg.seq
        )),
        Lang::ZhCn if syn_ack => Some(format!(
            "这是第二次握手：用 ack = j+1 = {} 确认对方的 SYN，同时发出自己的初始序号 k = {}。",
            seg.ack, seg.seq
        )),
        Lang::En if completes && seg.flags == Flags::ACK => Some(format!(
            " This is the third handshake: ack = k+1 = {}; it carries no data.",
            seg.ack
        )),
        Lang::ZhCn if completes && seg.flags == Flags::ACK => Some(format!(
            "这是第三次握手：ack = k+1 = {}，不携带数据。",
            seg.ack
        )),
        _ => None,
    }
}

/// The narration of step `index` of `tl` in `lang`.
pub fn narrate(tl: &Timeline, index: usize, lang: Lang) -> String {
    let Some(step) = tl.steps.get(index) else {
        return Msg::BeforeStart.text(lang).to_string();
    };
    narrate_step(tl, step, lang)
}

fn narrate_step(tl: &Timeline, step: &Step, lang: Lang) -> String {
    let who = role(lang, tl.lanes[step.lane].role);
    let mut out = String::new();
    for c in &step.calls {
        out.push_str(&call_text(lang, who, *c));
    }
    if let Some(p) = step.received.filter(|&p| tl.packets[p].proto == Proto::Udp) {
        let n = tl.packets[p].segment.payload.len();
        out.push_str(&match lang {
            Lang::En => format!("The {who} receives a {n}-byte UDP datagram — it sends nothing back: UDP has no acknowledgments."),
            Lang::ZhCn => format!("{who}收到一个 {n} 字节的 UDP 数据报——它不回任何东西：UDP 没有确认。"),
        });
    } else if let Some(p) = step.received {
        let seg = &tl.packets[p].segment;
        match lang {
            Lang::En => out.push_str(&format!(
                "The {who} receives {} ({}).",
                seg.flags,
                numbers(seg)
            )),
            Lang::ZhCn => out.push_str(&format!("{who}收到 {}（{}）。", seg.flags, numbers(seg))),
        }
    }
    for (_, t) in &step.transitions {
        out.push_str(&timer_cause(lang, t.cause));
        let meaning = state_meaning(lang, t.to);
        match lang {
            Lang::En => out.push_str(&format!(" {} → {}: {meaning}.", t.from, t.to)),
            Lang::ZhCn => out.push_str(&format!("{} → {}：{meaning}。", t.from, t.to)),
        }
    }
    for n in &step.notes {
        out.push_str(&note_text(lang, tl, n));
    }
    let completes = step
        .transitions
        .iter()
        .any(|(_, t)| t.from == State::SynSent && t.to == State::Established);
    for &p in &step.sent {
        let pk = &tl.packets[p];
        let seg = &pk.segment;
        if pk.proto == Proto::Udp {
            let n = seg.payload.len();
            out.push_str(&match lang {
                Lang::En => format!(" It sends a {n}-byte UDP datagram: no connection, no sequence number, no acknowledgment."),
                Lang::ZhCn => format!("它发出一个 {n} 字节的 UDP 数据报：没有连接，没有序号，也没有确认。"),
            });
            out.push_str(&payload_text(lang, seg));
            if pk.arrives_at.is_none() {
                out.push_str(match lang {
                    Lang::En => " It is lost on the way, and nobody will ever send it again.",
                    Lang::ZhCn => "它在途中丢失，而且永远不会有人重发它。",
                });
            }
            continue;
        }
        match lang {
            Lang::En => out.push_str(&format!(" It sends {} ({}).", seg.flags, numbers(seg))),
            Lang::ZhCn => out.push_str(&format!("它发出 {}（{}）。", seg.flags, numbers(seg))),
        }
        if let Some(h) = handshake_role(lang, seg, completes) {
            out.push_str(&h);
        }
        out.push_str(&payload_text(lang, seg));
        if pk.retransmission {
            // Fast retransmit reacts to an arriving (duplicate) ACK; RTO to a timer alone.
            let fast = step.received.is_some();
            out.push_str(match (lang, fast) {
                (Lang::En, true) => " This is a fast retransmission: the third duplicate ACK says this segment went missing, so TCP resends it without waiting for the timer.",
                (Lang::ZhCn, true) => "这是快速重传：第三个重复 ACK 表明这个报文段丢了，TCP 不等计时器就立即重发。",
                (Lang::En, false) => " This is a retransmission: no ACK came back before the retransmission timeout (RTO), so TCP sends the same bytes again and doubles the timeout.",
                (Lang::ZhCn, false) => "这是重传：在重传超时（RTO）之前没有等到 ACK，TCP 再发一遍同样的字节，并把超时时间加倍。",
            });
        } else if is_keepalive_probe(tl, p) {
            out.push_str(match lang {
                Lang::En => " It is a keep-alive probe: its sequence number is one below what the peer expects, so the peer must answer with an ACK.",
                Lang::ZhCn => "这是保活探测：它的序号比对方期望的小 1，对方必须回一个 ACK。",
            });
        }
        if pk.arrives_at.is_none() {
            match lang {
                Lang::En => out.push_str(" It will be lost on the way."),
                Lang::ZhCn => out.push_str("它将在途中丢失。"),
            }
        }
    }
    out.trim().to_string()
}

fn note_text(lang: Lang, tl: &Timeline, note: &Note) -> String {
    let flags = |p: usize| tl.packets[p].segment.flags.to_string();
    match (lang, note) {
        (_, Note::App(a)) => super::app_notes::app_note(lang, a),
        (Lang::En, Note::MiddleboxOpened) => {
            " The firewall sees the SYN and starts tracking this connection.".to_string()
        }
        (Lang::ZhCn, Note::MiddleboxOpened) => "防火墙看到了 SYN，开始记录这条连接。".to_string(),
        (Lang::En, Note::MiddleboxExpired) => " The firewall has seen nothing on this connection for its whole idle timeout and forgets it — neither end is told.".to_string(),
        (Lang::ZhCn, Note::MiddleboxExpired) => {
            "这条连接空闲的时间超过了防火墙的超时，防火墙把它忘掉了——两端都不知道。".to_string()
        }
        (Lang::En, &Note::MiddleboxDropped { packet }) => format!(
            " The firewall no longer knows this connection and silently drops the {}.",
            flags(packet)
        ),
        (Lang::ZhCn, &Note::MiddleboxDropped { packet }) => {
            format!("防火墙已不认识这条连接，悄悄丢弃了这个 {}。", flags(packet))
        }
        (Lang::En, &Note::MiddleboxReset { packet, .. }) => format!(
            " The firewall no longer knows this connection: it drops the {} and answers with a RST in the other end's name.",
            flags(packet)
        ),
        (Lang::ZhCn, &Note::MiddleboxReset { packet, .. }) => format!(
            "防火墙已不认识这条连接：它丢弃这个 {}，并以对端的名义回一个 RST。",
            flags(packet)
        ),
    }
}

/// Timers that moved a connection, said in words (user calls and segments are told elsewhere).
fn timer_cause(lang: Lang, cause: Cause) -> String {
    let s = match (lang, cause) {
        (Lang::En, Cause::Timer(TimerKind::TimeWait)) => " 2·MSL has passed.",
        (Lang::ZhCn, Cause::Timer(TimerKind::TimeWait)) => "2·MSL 已经过去。",
        (Lang::En, Cause::GaveUp) => " Too many tries went unanswered; TCP gives up and tells the application the connection timed out.",
        (Lang::ZhCn, Cause::GaveUp) => "尝试了太多次都没有回应；TCP 放弃，并告诉应用连接超时。",
        _ => "",
    };
    s.to_string()
}

/// What a segment carries, if anything: byte count and, for text, its first line.
fn payload_text(lang: Lang, seg: &Segment) -> String {
    if seg.payload.is_empty() {
        return String::new();
    }
    let first = seg
        .payload
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .filter(|l| !l.is_empty() && l.iter().all(|b| b.is_ascii_graphic() || *b == b' '))
        .map(|l| String::from_utf8_lossy(&l[..l.len().min(48)]).into_owned());
    match (lang, first) {
        (Lang::En, Some(l)) => format!(" It carries {} bytes: \"{l}\".", seg.payload.len()),
        (Lang::ZhCn, Some(l)) => format!("它携带 {} 字节：“{l}”。", seg.payload.len()),
        (Lang::En, None) => format!(" It carries {} bytes of data.", seg.payload.len()),
        (Lang::ZhCn, None) => format!("它携带 {} 字节数据。", seg.payload.len()),
    }
}

/// Wireshark's `tcp.analysis.keep_alive`: no data (or one byte), SYN/FIN/RST clear, and a
/// sequence number one below the next one expected from this sender.
fn is_keepalive_probe(tl: &Timeline, idx: usize) -> bool {
    let p = &tl.packets[idx];
    let seg = &p.segment;
    if seg.payload.len() > 1 || seg.flags.syn() || seg.flags.fin() || seg.flags.rst() {
        return false;
    }
    let next = tl.packets[..idx]
        .iter()
        .filter(|q| q.src == p.src && q.dst == p.dst)
        .map(|q| q.segment.seq + q.segment.seg_len())
        .max();
    next.is_some_and(|n| seg.seq + 1u32 == n)
}
