//! The ladder (sequence) diagram of one pane: a lane per host, time running down, each TCP
//! segment an arrow drawn as far as it has travelled at the current time.

use super::app::Shared;
use super::player::packet_dom_id;
use super::timescale::TimeScale;
use crate::i18n::{packet_description, Lang, Msg};
use crate::tcp::Flags;
use crate::time::SimTime;
use crate::timeline::{Frame, Packet, Role, Timeline};
use yew::prelude::*;

const WIDTH: f64 = 640.0;
const MARGIN_X: f64 = 120.0;
const BODY_TOP: f64 = 104.0;
/// The time axis gets longer with more happening, within these bounds.
const BODY_MIN: f64 = 400.0;
const BODY_MAX: f64 = 960.0;
const PX_PER_EVENT: f64 = 7.0;

#[derive(Properties, PartialEq)]
pub struct LadderProps {
    pub timeline: Shared<Timeline>,
    pub frame: Shared<Frame>,
    pub scale: Shared<TimeScale>,
    pub lang: Lang,
    /// Index of this pane (for element ids).
    pub pane: usize,
    /// The packet open in the inspector.
    pub selected: Option<usize>,
    pub on_inspect: Callback<usize>,
}

/// Geometry of one ladder: lane x positions and the time → y scale.
#[derive(Clone, Copy)]
struct Geo<'a> {
    lanes: usize,
    scale: &'a TimeScale,
    body: f64,
}

impl Geo<'_> {
    fn lane_x(&self, lane: usize) -> f64 {
        if self.lanes <= 1 {
            return WIDTH / 2.0;
        }
        MARGIN_X + lane as f64 * (WIDTH - 2.0 * MARGIN_X) / (self.lanes - 1) as f64
    }

    fn y(&self, t: SimTime) -> f64 {
        let total = self.scale.total().max(1) as f64;
        BODY_TOP + 12.0 + (self.scale.pos(t) / total) * (self.body - 24.0)
    }

    /// Where a packet's arrow ends: its destination lane, or half way if it is lost.
    fn end_point(&self, p: &Packet) -> (f64, f64) {
        let x1 = self.lane_x(p.from_lane);
        let x2 = match p.to_lane {
            Some(l) => self.lane_x(l),
            None => x1 + if x1 < WIDTH / 2.0 { 160.0 } else { -160.0 },
        };
        let y2 = self.y(p.end_at());
        if p.arrives_at.is_some() {
            (x2, y2)
        } else {
            (x1 + (x2 - x1) * 0.5, y2)
        }
    }
}

/// Visual kind of a segment: colour *and* dash pattern, so colour is never the only cue.
fn kind(flags: Flags, has_data: bool) -> &'static str {
    if flags.rst() {
        "rst"
    } else if flags.syn() && flags.ack() {
        "synack"
    } else if flags.syn() {
        "syn"
    } else if flags.fin() {
        "fin"
    } else if has_data {
        "data"
    } else {
        "ack"
    }
}

fn role_name(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Client => Msg::Client.text(lang),
        Role::Server => Msg::Server.text(lang),
        Role::Middlebox => Msg::Middlebox.text(lang),
    }
}

#[component]
pub fn Ladder(props: &LadderProps) -> Html {
    let tl = &*props.timeline;
    let frame = &*props.frame;
    let lang = props.lang;
    let geo = Geo {
        lanes: tl.lanes.len(),
        scale: &props.scale,
        body: (props.scale.events() as f64 * PX_PER_EVENT).clamp(BODY_MIN, BODY_MAX),
    };
    let height = BODY_TOP + geo.body + 28.0;

    let lanes = tl.lanes.iter().enumerate().map(|(i, lane)| {
        let x = geo.lane_x(i);
        let badge = frame.badges.get(i).copied().flatten();
        let addr = badge
            .and_then(|(ti, _)| tl.tracks[ti].local)
            .map(|a| a.to_string())
            .unwrap_or_else(|| lane.ip.to_string());
        let (state_text, state_css) = match badge {
            Some((_, s)) => (s.rfc_name(), s.css()),
            None => ("", "none"),
        };
        html! {
            <g class={classes!("lane", format!("lane-{}", lane.role.key()))}>
                <text class="lane-role" x={x.to_string()} y="22" text-anchor="middle">
                    { role_name(lang, lane.role) }
                </text>
                <text class="lane-addr" x={x.to_string()} y="42" text-anchor="middle"
                      data-testid={format!("addr-{}", lane.role.key())}>{ addr }</text>
                <rect class={classes!("badge", format!("st-{state_css}"))}
                      x={(x - 66.0).to_string()} y="54" width="132" height="30" rx="15" />
                <text class={classes!("badge-text", format!("st-{state_css}"))}
                      x={x.to_string()} y="74" text-anchor="middle"
                      data-testid={format!("badge-{}", lane.role.key())}>{ state_text }</text>
                <line class="lane-line" x1={x.to_string()} x2={x.to_string()}
                      y1={BODY_TOP.to_string()} y2={(BODY_TOP + geo.body).to_string()} />
            </g>
        }
    });

    // State changes written beside the lane, as in a textbook ladder.
    let marks = tl.tracks.iter().flat_map(|tr| {
        let x = geo.lane_x(tr.lane);
        let right = tr.lane + 1 == tl.lanes.len() && tl.lanes.len() > 1;
        tr.history
            .iter()
            .skip(1)
            .filter(|(at, _)| *at <= frame.t)
            .map(move |(at, st)| {
                let y = geo.y(*at);
                let (tx, anchor) = if right {
                    (x + 10.0, "start")
                } else {
                    (x - 10.0, "end")
                };
                html! {
                    <g class={classes!("mark", format!("st-{}", st.css()))}>
                        <circle cx={x.to_string()} cy={y.to_string()} r="4" />
                        <text x={tx.to_string()} y={(y + 4.0).to_string()} text-anchor={anchor}>
                            { st.rfc_name() }
                        </text>
                    </g>
                }
            })
            .collect::<Vec<_>>()
    });

    let packets = frame.packets.iter().map(|v| {
        let p = &tl.packets[v.index];
        let x1 = geo.lane_x(p.from_lane);
        let y1 = geo.y(p.sent_at);
        let (x2, y2) = geo.end_point(p);
        let f = f64::from(v.progress);
        let (xh, yh) = (x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
        let angle = (y2 - y1).atan2(x2 - x1).to_degrees();
        let k = match p.proto {
            crate::sim::Proto::Udp => "udp",
            crate::sim::Proto::Tcp => kind(p.segment.flags, !p.segment.payload.is_empty()),
        };
        let label = p.label();
        // The label runs along its arrow, just above it, always reading left to right.
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let text_angle = if angle.abs() > 90.0 {
            angle - 180.0
        } else {
            angle
        };
        let lost = v.lost.then(|| {
            html! {
                <g class="lost-mark" transform={format!("translate({x2:.1},{y2:.1})")}>
                    <line x1="-7" y1="-7" x2="7" y2="7" />
                    <line x1="-7" y1="7" x2="7" y2="-7" />
                </g>
            }
        });
        let head = (!v.lost).then(|| {
            html! {
                <polygon class="head" points="0,0 -11,-5 -11,5"
                         transform={format!("translate({xh:.1},{yh:.1}) rotate({angle:.1})")} />
            }
        });
        let lane_role = |l: Option<usize>| {
            l.and_then(|l| tl.lanes.get(l))
                .map_or("?", |lane| role_name(lang, lane.role))
        };
        let described = packet_description(
            lang,
            &label,
            lane_role(Some(p.from_lane)),
            lane_role(p.to_lane),
            p.retransmission,
            p.arrives_at.is_none(),
        );
        let index = v.index;
        let onclick = props.on_inspect.reform(move |_: MouseEvent| index);
        let onkeydown = {
            let on_inspect = props.on_inspect.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    on_inspect.emit(index);
                }
            })
        };
        let picked = props.selected == Some(index);
        let mut title = label.clone();
        if p.retransmission {
            title.push_str(&format!(" ({})", Msg::Retransmission.text(lang)));
        }
        if p.arrives_at.is_none() {
            title.push_str(&format!(" ({})", Msg::Lost.text(lang)));
        }
        html! {
            <g key={index} id={packet_dom_id(props.pane, index)} data-testid="packet"
               class={classes!("pkt", format!("pkt-{k}"), p.retransmission.then_some("rtx"),
                               (v.progress < 1.0).then_some("flying"), picked.then_some("picked"))}
               tabindex="0" role="button" aria-label={described}
               {onclick} {onkeydown}>
                <title>{ title }</title>
                <line class="hit" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")}
                      x2={format!("{xh:.1}")} y2={format!("{yh:.1}")} />
                <line class="shaft" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")}
                      x2={format!("{xh:.1}")} y2={format!("{yh:.1}")} />
                { for head }
                { for lost }
                <text data-testid="packet-label" class="pkt-label" text-anchor="middle"
                      transform={format!("translate({mx:.1},{my:.1}) rotate({text_angle:.1})")}
                      y="-7">{ label }</text>
            </g>
        }
    });

    // Quiet stretches squeezed by the time scale, marked as a break with their real length.
    let breaks = props.scale.breaks().into_iter().map(|(a, b)| {
        let y = (geo.y(a) + geo.y(b)) / 2.0;
        let zigzags = (0..geo.lanes).map(|i| {
            let x = geo.lane_x(i);
            html! {
                <path d={format!("M{:.1},{:.1} l8,-4 l-16,-6 l8,-4 M{:.1},{:.1} l8,-4 l-16,-6 l8,-4",
                                 x, y + 9.0, x, y + 1.0)} />
            }
        });
        html! {
            <g class="break">
                <rect x="0" y={format!("{:.1}", y - 6.0)} width={WIDTH.to_string()} height="12" />
                { for zigzags }
                <text x={(WIDTH / 2.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="middle">
                    { format!("≈ {}", span(b - a)) }</text>
            </g>
        }
    });
    let cursor_y = geo.y(frame.t);
    html! {
        <svg class="ladder" viewBox={format!("0 0 {WIDTH} {height}")} role="group"
             aria-label={Msg::LadderLabel.text(lang)} preserveAspectRatio="xMidYMin meet">
            { for lanes }
            <g class="breaks" aria-hidden="true">{ for breaks }</g>
            <g class="marks">{ for marks }</g>
            <g class="packets">{ for packets }</g>
            <g class="cursor">
                <line x1="16" x2={(WIDTH - 16.0).to_string()}
                      y1={format!("{cursor_y:.1}")} y2={format!("{cursor_y:.1}")} />
                <text x="16" y={format!("{:.1}", cursor_y - 5.0)}>{ format!("t = {}", frame.t) }</text>
            </g>
        </svg>
    }
}

/// A squeezed stretch's real length, short: "60 s", "1.5 s", "200 ms".
fn span(d: crate::time::SimDuration) -> String {
    let ms = d.micros() as f64 / 1000.0;
    if ms >= 1000.0 {
        format!("{} s", (ms / 100.0).round() / 10.0)
    } else {
        format!("{} ms", ms.round())
    }
}
