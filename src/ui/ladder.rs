//! The ladder (sequence) diagram of one pane: a lane per host, time running down, each TCP
//! segment an arrow drawn as far as it has travelled at the current time.
//!
//! Dense runs have thousands of packets, so the drawing is split by what changes:
//! - [`layout`]: geometry, labels and which labels have room, once per timeline and scale;
//! - in a ladder of more than a hundred or so packets, arrows that have stopped and whose
//!   labels gave way: a few long paths ([`SettledArrows`]), redrawn only when another one
//!   stops; the state marks likewise ([`StateMarks`]);
//! - an element of its own (focusable, with its label, tooltip and description) for each
//!   packet that is moving, has a label, is picked, focused or under the pointer.
//!
//! A ladder with many packets is one Tab stop (roving tabindex); ↑/↓ (PageUp/PageDown: ten)
//! move between its packets in sending order, Enter or Space opens the inspector.

mod layout;
mod thin;

use super::app::{
    memo, memo_keyed, use_effect_always, use_node_ref_dyn, use_state_eq_dyn, Pure, Shared,
};
use super::dom;
use super::num::{px, Fixed};
use super::player::packet_dom_id;
use super::timescale::TimeScale;
use crate::i18n::{packet_description, Lang, Msg};
use crate::timeline::{Frame, PacketView, Role, Timeline};
use layout::{Geo, Layout, PathId, BLOCK, BODY_TOP, KINDS, WIDTH};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// Up to this many packets, each is a Tab stop of its own.
const TAB_STOPS_UP_TO: usize = 12;
/// Closest two breaks' lengths may be written one above the other.
const BREAK_GAP: f64 = 14.0;
/// How far (px of the drawing) the pointer may be from an arrow that has no element.
const POINTER_REACH: f64 = 8.0;

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

/// `translate(x,y) rotate(θ)` for the unit vector `(cos θ, sin θ)`, as one `matrix()`: the
/// wasm then needs no trigonometry.
fn turned((c, s): (f64, f64), x: Fixed, y: Fixed) -> String {
    let u = |v: f64| Fixed(v, 3);
    format!("matrix({},{},{},{},{x},{y})", u(c), u(s), u(-s), u(c))
}

fn role_name(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Client => Msg::Client.text(lang),
        Role::Server => Msg::Server.text(lang),
        Role::Middlebox => Msg::Middlebox.text(lang),
    }
}

/// Where a pointer event is, in the drawing's coordinates (the SVG keeps its aspect ratio and
/// fills its width).
fn svg_point(svg: &NodeRef, e: &MouseEvent) -> Option<(f64, f64)> {
    let el = svg.cast::<web_sys::Element>()?;
    // `getBoundingClientRect` looked up at run time: web-sys' DomRect is not compiled in.
    let f: js_sys::Function = js_sys::Reflect::get(&el, &"getBoundingClientRect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let rect = f.call0(&el).ok()?;
    let num = |k: &str| {
        js_sys::Reflect::get(&rect, &JsValue::from_str(k))
            .ok()?
            .as_f64()
    };
    let (left, top, width) = (num("left")?, num("top")?, num("width")?);
    if width <= 0.0 {
        return None;
    }
    let k = WIDTH / width;
    Some((
        (f64::from(e.client_x()) - left) * k,
        (f64::from(e.client_y()) - top) * k,
    ))
}

#[component]
pub fn Ladder(props: &LadderProps) -> Html {
    let tl = &*props.timeline;
    let frame = &*props.frame;
    let lang = props.lang;
    let t = frame.t;
    let geo = Geo::new(tl.lanes.len(), &props.scale);
    let layout = use_memo(
        (props.timeline.clone(), props.scale.clone()),
        |(tl, scale)| Layout::new(tl, &Geo::new(tl.lanes.len(), scale)),
    );
    let height = geo.height();
    // The packet under the pointer (when it has no element of its own), the one with the focus,
    // and the ladder's Tab stop.
    let hovered = use_state_eq_dyn(|| None::<usize>);
    let focused = use_state_eq_dyn(|| None::<usize>);
    let rover = use_state_eq_dyn(|| None::<usize>);
    let focus_next = use_mut_ref(|| None::<usize>);
    let svg = use_node_ref_dyn();
    {
        let (focus_next, pane) = (focus_next.clone(), props.pane);
        use_effect_always(move || {
            if let Some(i) = focus_next.borrow_mut().take() {
                dom::focus_id(&packet_dom_id(pane, i));
            }
        });
    }

    let sent = frame.packets.len();
    let settled_count = layout.settled.count(t);
    let sent_ok = |i: &Option<usize>| i.filter(|&i| i < sent);
    let (picked, focus, rove, hover) = (
        sent_ok(&props.selected),
        sent_ok(&focused),
        sent_ok(&rover),
        sent_ok(&hovered),
    );

    // Labels shown: those with room, except where the picked or focused packet's label goes.
    let mut specials: Vec<usize> = Vec::new();
    for i in [focus, picked].into_iter().flatten() {
        let free = specials
            .iter()
            .all(|&j| !layout.boxes[i].overlaps(&layout.boxes[j]));
        if !layout.kept[i] && free {
            specials.push(i);
        }
    }
    let covered: Vec<usize> = specials
        .iter()
        .flat_map(|&i| layout.covered_by(i))
        .collect();
    let labelled = |i: usize| specials.contains(&i) || (layout.kept[i] && !covered.contains(&i));

    // Packets with elements: labelled, moving, picked, focused, the Tab stop, under the pointer.
    let flying: Vec<PacketView> = tl.in_flight(t, layout.longest).collect();
    // `layout.own` is sorted; the few others are merged in where they belong, so this
    // per-frame list is never sorted whole.
    let mut shown: Vec<usize> = layout
        .own
        .iter()
        .copied()
        .take_while(|&i| i < sent)
        .collect();
    let others = flying.iter().map(|v| v.index);
    for i in others.chain([picked, focus, rove, hover].into_iter().flatten()) {
        if let Err(at) = shown.binary_search(&i) {
            shown.insert(at, i);
        }
    }
    let tab_stop = if sent <= TAB_STOPS_UP_TO {
        None
    } else {
        rove.or(picked).or(shown.first().copied())
    };

    // What the packets' handlers need of this render; the handlers themselves stay the same
    // from render to render, so a packet whose drawing did not change is not redrawn.
    let latest = use_mut_ref(|| (Callback::<usize>::noop(), 0usize));
    *latest.borrow_mut() = (props.on_inspect.clone(), sent);
    let on_packet = {
        let (latest, focus_next) = (latest.clone(), focus_next.clone());
        let (hovered, focused, rover) = (hovered.setter(), focused.setter(), rover.setter());
        use_memo((), move |_| {
            Callback::from(move |(index, act): (usize, Act)| match act {
                Act::Inspect => {
                    rover.set(Some(index));
                    let on_inspect = latest.borrow().0.clone();
                    on_inspect.emit(index);
                }
                Act::Step(by) => {
                    let last = latest.borrow().1.saturating_sub(1);
                    let to = index.saturating_add_signed(by).min(last);
                    if to != index {
                        rover.set(Some(to));
                        *focus_next.borrow_mut() = Some(to);
                    }
                }
                Act::Focus => {
                    focused.set(Some(index));
                    rover.set(Some(index));
                }
                Act::Blur => focused.set(None),
                Act::Leave => hovered.set(None),
            })
        })
    };
    let on_packet = (*on_packet).clone();

    let lanes = tl.lanes.iter().enumerate().map(|(i, lane)| {
        let x = px(geo.lane_x(i)).to_string();
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
                <text class="lane-role" x={x.clone()} y="22" text-anchor="middle">
                    { role_name(lang, lane.role) }
                </text>
                <text class="lane-addr" x={x.clone()} y="42" text-anchor="middle"
                      data-testid={format!("addr-{}", lane.role.key())}>{ addr }</text>
                <rect class={classes!("badge", format!("st-{state_css}"))}
                      x={px(geo.lane_x(i) - 66.0).to_string()} y="54" width="132" height="30" rx="15" />
                <text class={classes!("badge-text", format!("st-{state_css}"))}
                      x={x.clone()} y="74" text-anchor="middle"
                      data-testid={format!("badge-{}", lane.role.key())}>{ state_text }</text>
                <line class="lane-line" x1={x.clone()} x2={x}
                      y1={px(BODY_TOP).to_string()} y2={px(BODY_TOP + geo.body).to_string()} />
            </g>
        }
    });

    let shared = Shared(layout.clone());
    let packets = shown.iter().map(|&index| {
        let v = tl.packet_view(index, t);
        memo_keyed(
            index,
            PacketArrow {
                timeline: props.timeline.clone(),
                layout: shared.clone(),
                index,
                pane: props.pane,
                progress: v.progress,
                lost: v.lost,
                labelled: labelled(index),
                picked: picked == Some(index),
                tab_stop: tab_stop.is_none_or(|i| i == index),
                lang,
                on: on_packet.clone(),
            },
        )
    });

    // Arrows without elements: the pointer finds the nearest one.
    let on_settled_click = {
        let (svg, layout, on_packet) = (svg.clone(), layout.clone(), on_packet.clone());
        Callback::from(move |e: MouseEvent| {
            let near = svg_point(&svg, &e)
                .and_then(|(x, y)| layout.nearest_settled(settled_count, x, y, POINTER_REACH));
            if let Some(i) = near {
                on_packet.emit((i, Act::Inspect));
            }
        })
    };
    let on_settled_move = {
        let (svg, layout, hovered) = (svg.clone(), layout.clone(), hovered.clone());
        Callback::from(move |e: MouseEvent| {
            let near = svg_point(&svg, &e)
                .and_then(|(x, y)| layout.nearest_settled(settled_count, x, y, POINTER_REACH));
            hovered.set(near);
        })
    };

    let cursor_y = geo.y(t);
    html! {
        <svg ref={svg} class="ladder" viewBox={format!("0 0 {} {}", px(WIDTH), px(height))} role="group"
             aria-label={Msg::LadderLabel.text(lang)} preserveAspectRatio="xMidYMin meet">
            { for lanes }
            { memo(Breaks { scale: props.scale.clone(), lanes: geo.lanes }) }
            { memo(StateMarks(LayerProps { layout: shared.clone(), count: layout.marks.count(t) })) }
            <g class="settled" aria-hidden="true" onclick={on_settled_click}
               onmousemove={on_settled_move}>
                { memo(SettledArrows(LayerProps { layout: shared.clone(), count: settled_count })) }
            </g>
            <g class="packets">{ for packets }</g>
            <g class="cursor">
                <line x1="16" x2={px(WIDTH - 16.0).to_string()}
                      y1={px(cursor_y).to_string()} y2={px(cursor_y).to_string()} />
                <text x="16" y={px(cursor_y - 5.0).to_string()}>{ format!("t = {t}") }</text>
            </g>
        </svg>
    }
}

/// What happened on a packet's element.
#[derive(Clone, Copy)]
enum Act {
    Inspect,
    /// Move the focus this many packets on (in sending order).
    Step(isize),
    Focus,
    Blur,
    Leave,
}

#[derive(PartialEq)]
struct PacketArrow {
    timeline: Shared<Timeline>,
    layout: Shared<Layout>,
    index: usize,
    pane: usize,
    /// 0 = just sent, 1 = stopped.
    progress: f32,
    lost: bool,
    labelled: bool,
    picked: bool,
    /// The ladder's Tab stop (or every packet is one).
    tab_stop: bool,
    lang: Lang,
    on: Callback<(usize, Act)>,
}

/// One packet with an element of its own: its arrow as far as it has come, its label when
/// there is room, its full label as a tooltip and its description for screen readers.
impl Pure for PacketArrow {
    fn view(&self) -> Html {
        let p = self;
        let (tl, lang, index) = (&*p.timeline, p.lang, p.index);
        let pk = &tl.packets[index];
        let a = &p.layout.arrows[index];
        let (x1, y1) = (px(a.x1), px(a.y1));
        let (xh, yh) = a.head(f64::from(p.progress));
        let (xh, yh) = (px(xh), px(yh));
        // The same children every time, so a change patches them in place (a click needs its
        // mousedown and mouseup on the same node, and Yew matches unkeyed children from the end).
        let marker = if p.lost {
            html! {
                <g class="lost-mark" transform={format!("translate({},{})", px(a.x2), px(a.y2))}>
                    <line x1="-7" y1="-7" x2="7" y2="7" />
                    <line x1="-7" y1="7" x2="7" y2="-7" />
                </g>
            }
        } else {
            html! {
                <polygon class="head" points="0,0 -11,-5 -11,5"
                         transform={turned(a.dir, xh, yh)} />
            }
        };
        let label = if p.labelled {
            html! {
                <text data-testid="packet-label" class="pkt-label" text-anchor="middle"
                      transform={turned(a.text_dir, px(a.mx), px(a.my))}
                      y="-7">{ a.label.clone() }</text>
            }
        } else {
            html! { <text class="pkt-label" /> }
        };
        let lane_role = |l: Option<usize>| {
            l.and_then(|l| tl.lanes.get(l))
                .map_or("?", |lane| role_name(lang, lane.role))
        };
        let described = packet_description(
            lang,
            &a.label,
            lane_role(Some(pk.from_lane)),
            lane_role(pk.to_lane),
            pk.retransmission,
            pk.arrives_at.is_none(),
        );
        let act = |what: Act| p.on.reform(move |_: MouseEvent| (index, what));
        let on_focus = |what: Act| p.on.reform(move |_: FocusEvent| (index, what));
        let onkeydown = {
            let on = p.on.clone();
            Callback::from(move |e: KeyboardEvent| {
                let what = match e.key().as_str() {
                    "Enter" | " " => Act::Inspect,
                    "ArrowUp" => Act::Step(-1),
                    "ArrowDown" => Act::Step(1),
                    "PageUp" => Act::Step(-10),
                    "PageDown" => Act::Step(10),
                    _ => return,
                };
                e.prevent_default();
                on.emit((index, what));
            })
        };
        let mut title = a.label.clone();
        if pk.retransmission {
            title.push_str(&format!(" ({})", Msg::Retransmission.text(lang)));
        }
        if pk.arrives_at.is_none() {
            title.push_str(&format!(" ({})", Msg::Lost.text(lang)));
        }
        html! {
            <g id={packet_dom_id(p.pane, index)} data-testid="packet"
               class={classes!("pkt", format!("pkt-{}", KINDS[a.kind]),
                               pk.retransmission.then_some("rtx"),
                               (p.progress < 1.0).then_some("flying"),
                               p.picked.then_some("picked"))}
               tabindex={if p.tab_stop { "0" } else { "-1" }} role="button" aria-label={described}
               onclick={act(Act::Inspect)} {onkeydown} onfocus={on_focus(Act::Focus)}
               onblur={on_focus(Act::Blur)} onmouseleave={act(Act::Leave)}>
                <title>{ title }</title>
                <line class="hit" x1={x1.to_string()} y1={y1.to_string()}
                      x2={xh.to_string()} y2={yh.to_string()} />
                <line class="shaft" x1={x1.to_string()} y1={y1.to_string()}
                      x2={xh.to_string()} y2={yh.to_string()} />
                { marker }
                { label }
            </g>
        }
    }
}

#[derive(PartialEq)]
struct Breaks {
    scale: Shared<TimeScale>,
    lanes: usize,
}

/// Quiet stretches squeezed by the time scale, marked as a break with their real length
/// (drawn once per scale).
impl Pure for Breaks {
    fn view(&self) -> Html {
        let p = self;
        let geo = Geo::new(p.lanes, &p.scale);
        let spans: Vec<(f64, String)> = p
            .scale
            .breaks()
            .into_iter()
            .map(|(a, b)| ((geo.y(a) + geo.y(b)) / 2.0, format!("≈ {}", span(b - a))))
            .collect();
        let shapes = spans.iter().map(|(y, _)| {
            let zigzags = (0..geo.lanes).map(|i| {
                let x = geo.lane_x(i);
                html! {
                    <path d={format!("M{},{} l8,-4 l-16,-6 l8,-4 M{},{} l8,-4 l-16,-6 l8,-4",
                                     px(x), px(y + 9.0), px(x), px(y + 1.0))} />
                }
            });
            html! {
                <g class="break">
                    <rect x="0" y={px(y - 6.0).to_string()} width={px(WIDTH).to_string()} height="12" />
                    { for zigzags }
                </g>
            }
        });
        // Lengths above every break's band, each only where it does not touch the one above.
        let mut last = f64::NEG_INFINITY;
        let texts = spans.iter().filter(|(y, _)| {
            let room = y - last >= BREAK_GAP;
            if room {
                last = *y;
            }
            room
        });
        let texts = texts.map(|(y, text)| {
            html! {
                <g class="break">
                    <text x={px(WIDTH / 2.0).to_string()} y={px(y + 4.0).to_string()}
                          text-anchor="middle">{ text.clone() }</text>
                </g>
            }
        });
        html! { <g class="breaks" aria-hidden="true">{ for shapes }{ for texts }</g> }
    }
}

#[derive(PartialEq)]
struct LayerProps {
    layout: Shared<Layout>,
    /// How many of the layer's items are shown (a prefix, in time order).
    count: usize,
}

#[derive(PartialEq)]
struct SettledArrows(LayerProps);

#[derive(PartialEq)]
struct StateMarks(LayerProps);

/// Arrows that have stopped and whose labels gave way: per kind a path of shafts and one of
/// heads, the crosses of lost packets, and a wide invisible path for the pointer. Redrawn
/// only when another arrow stops.
impl Pure for SettledArrows {
    fn view(&self) -> Html {
        let p = &self.0;
        let s = &p.layout.settled;
        let piece = |id, class| revealed(&p.layout, id, p.count, class);
        let kinds = KINDS
            .iter()
            .enumerate()
            .filter(|&(k, _)| s.shafts[k].shown(p.count) > 0)
            .map(|(k, name)| {
                html! {
                    <g class={classes!("pkt-agg", format!("pkt-{name}"))}>
                        { piece(PathId::Shaft(k), "shaft") }
                        { piece(PathId::Head(k), "head") }
                    </g>
                }
            });
        html! {
            <>
                { piece(PathId::Hit, "agg-hit") }
                { for kinds }
                { piece(PathId::Lost, "lost-mark") }
            </>
        }
    }
}

/// State changes beside the lanes, as in a textbook ladder: a dot for each, and the state's
/// name where there is room for it.
impl Pure for StateMarks {
    fn view(&self) -> Html {
        let p = &self.0;
        let m = &p.layout.marks;
        let n = p.count;
        let dots = m
            .dots
            .iter()
            .enumerate()
            .filter(|(_, (_, path))| path.shown(n) > 0)
            .map(|(k, (css, _))| {
                html! {
                    <g class={classes!("mark", format!("st-{css}"))}>
                        { revealed(&p.layout, PathId::Dots(k), n, "dots") }
                    </g>
                }
            });
        let texts = m.texts.iter().take_while(|mt| mt.seq < n).map(|mt| {
            html! {
                <g class={classes!("mark", format!("st-{}", mt.css))}>
                    <text x={px(mt.x).to_string()} y={px(mt.y).to_string()}
                          text-anchor={mt.anchor}>{ mt.name }</text>
                </g>
            }
        });
        html! {
            <g class="marks">{ for dots }{ for texts }</g>
        }
    }
}

/// The revealed part of one of the layout's paths (sequence numbers below `n`), a block at a
/// time: only the last block changes as more is revealed.
fn revealed(layout: &Shared<Layout>, id: PathId, n: usize, class: &'static str) -> Html {
    let shown = layout.path(id).shown(n);
    (0..shown.div_ceil(BLOCK))
        .map(|b| {
            let len = (shown - b * BLOCK).min(BLOCK);
            memo_keyed(
                b,
                PathBlock {
                    layout: layout.clone(),
                    id,
                    block: b,
                    len,
                    class,
                },
            )
        })
        .collect()
}

#[derive(PartialEq)]
struct PathBlock {
    layout: Shared<Layout>,
    id: PathId,
    block: usize,
    len: usize,
    class: &'static str,
}

impl Pure for PathBlock {
    fn view(&self) -> Html {
        let p = self;
        let d = p.layout.path(p.id).block(p.block, p.len);
        html! { <path class={p.class} d={d.to_string()} /> }
    }
}

/// A squeezed stretch's real length, short: "60 s", "1.5 s", "200 ms".
/// Integer arithmetic: printing an `f64` would pull float formatting into the wasm (`ui::num`).
fn span(d: crate::time::SimDuration) -> String {
    let us = d.micros();
    if us >= 1_000_000 {
        let tenths = (us + 50_000) / 100_000;
        match tenths % 10 {
            0 => format!("{} s", tenths / 10),
            f => format!("{}.{f} s", tenths / 10),
        }
    } else {
        format!("{} ms", (us + 500) / 1000)
    }
}
