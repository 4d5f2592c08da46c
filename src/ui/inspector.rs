//! The packet inspector: every header field of one segment, its numbers both absolute and
//! relative to each side's initial sequence number (as Wireshark shows them), its payload,
//! and the state changes it took part in. Opened from a packet; Escape or × closes it and
//! the focus goes back to the packet.

mod causes;
mod flag_bits;

use super::app::{Pure, Shared};
use crate::i18n::{bytes, Lang, Msg};
use crate::tcp::SeqNum;
use crate::timeline::{Packet, Role, Timeline};
use causes::causes;
use flag_bits::flag_bits;
use std::net::SocketAddrV4;
use yew::prelude::*;

pub struct Inspector {
    pub timeline: Shared<Timeline>,
    pub packet: usize,
    pub lang: Lang,
    pub on_close: Callback<()>,
}

/// `on_close` left out: the player makes a new one on every frame, and what it does follows
/// from the packet shown (timeline and index). So the inspector is drawn again only when the
/// packet or the language changes, not 60 times a second while the run plays.
impl PartialEq for Inspector {
    fn eq(&self, other: &Self) -> bool {
        self.timeline == other.timeline && self.packet == other.packet && self.lang == other.lang
    }
}

pub fn role_name(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Client => Msg::Client.text(lang),
        Role::Server => Msg::Server.text(lang),
        Role::Middlebox => Msg::Middlebox.text(lang),
    }
}

/// The first sequence number a side used towards the other: its SYN's, else (a capture that
/// starts mid-connection) the first segment's — Wireshark's base for relative numbers.
fn base_seq(tl: &Timeline, src: SocketAddrV4, dst: SocketAddrV4) -> Option<SeqNum> {
    let dir = |q: &&Packet| q.src == src && q.dst == dst;
    tl.packets
        .iter()
        .filter(dir)
        .find(|q| q.segment.flags.syn())
        .or_else(|| tl.packets.iter().find(dir))
        .map(|q| q.segment.seq)
}

/// Wireshark's way: the number relative to the side's ISN first, then the raw one.
fn numbers(lang: Lang, abs: SeqNum, base: Option<SeqNum>, base_of: &str) -> Html {
    let rel = base.map(|b| abs.0.wrapping_sub(b.0));
    html! {
        <>
            { for rel.map(|r| html! {
                <span class="num-pair" title={format!("{} − ISN ({base_of})", abs.0)}>
                    <strong>{ r }</strong>
                    <small>{ Msg::Relative.text(lang) }</small>
                </span>
            }) }
            <span class="num-pair">
                <span>{ abs.0 }</span>
                <small>{ Msg::Absolute.text(lang) }</small>
            </span>
        </>
    }
}

/// Printable text of a payload: ASCII as is, line breaks kept, other bytes as `·`.
fn preview(payload: &[u8]) -> String {
    const MAX: usize = 1024;
    let mut s: String = payload
        .iter()
        .take(MAX)
        .map(|&b| match b {
            b'\n' | b'\t' | 0x20..=0x7e => b as char,
            b'\r' => '↵',
            _ => '·',
        })
        .collect();
    if payload.len() > MAX {
        s.push('…');
    }
    s
}

/// The focus goes to it when it opens or shows another packet (the player's effect).
impl Pure for Inspector {
    fn view(&self) -> Html {
        let p = self;
        let lang = p.lang;
        let tl = &*p.timeline;
        let Some(pkt) = tl.packets.get(p.packet) else {
            return html! {};
        };
        let seg = &pkt.segment;
        let close = p.on_close.reform(|_: MouseEvent| ());
        let lane_name = |l: Option<usize>| {
            l.and_then(|l| tl.lanes.get(l))
                .map_or("?", |lane| role_name(lang, lane.role))
        };
        let route = format!(
            "{} {} → {} {}",
            lane_name(Some(pkt.from_lane)),
            pkt.src,
            lane_name(pkt.to_lane),
            pkt.dst
        );
        let timing = match pkt.arrives_at {
            Some(at) => format!(
                "{} t = {} · {} t = {}",
                Msg::SentAt.text(lang),
                pkt.sent_at,
                Msg::Delivered.text(lang),
                at
            ),
            None => format!(
                "{} t = {} · {}",
                Msg::SentAt.text(lang),
                pkt.sent_at,
                Msg::NotDelivered.text(lang)
            ),
        };
        let udp = pkt.proto == crate::sim::Proto::Udp;
        let rtx = pkt.retransmission.then(|| {
            html! { <span class="marker marker-rtx">{ "⟲ " }{ Msg::Retransmission.text(lang) }</span> }
        });
        let lost = pkt.arrives_at.is_none().then(|| {
            html! { <span class="marker marker-lost">{ "✕ " }{ Msg::Lost.text(lang) }</span> }
        });
        let ack = if seg.flags.ack() {
            numbers(
                lang,
                seg.ack,
                base_seq(tl, pkt.dst, pkt.src),
                lane_name(pkt.to_lane),
            )
        } else {
            html! { <span class="muted">{ "—" }</span> }
        };
        let row = |name: Msg, value: Html| {
            html! { <div class="field"><dt>{ name.text(lang) }</dt><dd>{ value }</dd></div> }
        };
        let mss = seg.mss.map_or_else(
            || Msg::NoneValue.text(lang).to_string(),
            |m| bytes(lang, m.into()),
        );
        let payload = if seg.payload.is_empty() {
            html! { <p class="muted">{ Msg::NoPayload.text(lang) }</p> }
        } else {
            html! { <pre class="payload" data-testid="payload" tabindex="0">{ preview(&seg.payload) }</pre> }
        };
        html! {
            <section id="inspector" class="card inspector" data-testid="inspector" tabindex="-1"
                     aria-labelledby="inspector-title">
                <div class="card-head">
                    <h2 id="inspector-title">{ Msg::Inspector.text(lang) }</h2>
                    <button type="button" class="close" data-testid="inspector-close"
                            aria-label={Msg::CloseInspector.text(lang)}
                            title={Msg::CloseInspector.text(lang)} onclick={close}>{ "×" }</button>
                </div>
                <p class="insp-label" data-testid="inspector-label">{ pkt.label() }</p>
                <p class="insp-route">{ route }</p>
                <p class="insp-time">{ timing }{ " " }{ for rtx }{ for lost }</p>
                if udp {
                    <p class="muted">{ udp_note(lang) }</p>
                } else {
                { flag_bits(seg.flags, lang) }
                <dl class="fields" data-testid="fields">
                    { row(Msg::SeqNumber, numbers(lang, seg.seq, base_seq(tl, pkt.src, pkt.dst), lane_name(Some(pkt.from_lane)))) }
                    { row(Msg::AckNumber, ack) }
                    { row(Msg::PayloadLength, html! { bytes(lang, seg.payload.len()) }) }
                    { row(Msg::Window, html! { seg.window }) }
                    { row(Msg::MssOption, html! { mss }) }
                    { for seg.flags.urg().then(|| row(Msg::UrgentPointer, html! { seg.urgent })) }
                </dl>
                }
                { causes(tl, p.packet, lang) }
                <h3>{ Msg::Payload.text(lang) }</h3>
                { payload }
            </section>
        }
    }
}

/// A datagram has none of TCP's header fields: say so instead of showing empty ones.
fn udp_note(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "A UDP datagram: source and destination port, length and checksum — no sequence or acknowledgment number, no flags, no window.",
        Lang::ZhCn => "UDP 数据报：只有源端口、目的端口、长度和校验和——没有序号、确认号、标志位，也没有窗口。",
    }
}
