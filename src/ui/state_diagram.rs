//! RFC 9293's state diagram (Figure 5) as SVG, from [`crate::diagram`]: the current states of
//! the shown pane's client and server marked (a circle "C" and a diamond "S", named in the
//! legend, not told by colour alone) and the last transition's arrow animated.

use super::app::{Pure, Shared};
use super::inspector::role_name;
use super::num::px;
use super::pane::pane_title;
use crate::diagram::{edge_for, Edge, Place, BOX_H, BOX_W, EDGES, HEIGHT, PLACES, WIDTH};
use crate::i18n::{Lang, Msg};
use crate::tcp::{State, Transition};
use crate::timeline::{Role, Timeline};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

pub struct StateDiagram {
    pub timeline: Shared<Timeline>,
    /// The step in force and each lane's badge (not the whole frame: the diagram re-renders
    /// only when one of these changes, not on every animation frame).
    pub step: Option<usize>,
    pub badges: Vec<Option<(usize, State)>>,
    pub lang: Lang,
    /// Title keys of all panes, for the "connection shown" picker.
    pub titles: Rc<Vec<&'static str>>,
    pub shown: usize,
    pub on_show: Callback<usize>,
}

/// `on_show` left out: the player makes a new one (that sets the pane shown) on every frame.
impl PartialEq for StateDiagram {
    fn eq(&self, o: &Self) -> bool {
        self.timeline == o.timeline
            && self.step == o.step
            && self.badges == o.badges
            && self.lang == o.lang
            && self.titles == o.titles
            && self.shown == o.shown
    }
}

/// A side of the connection on the diagram: its role, state and the box it sits in.
struct Here {
    role: Role,
    state: State,
    place: usize,
}

/// Where a track's current state is drawn: CLOSED at the bottom once a connection has ended.
fn place_for(state: State, arrived_by: Option<&Transition>) -> usize {
    arrived_by
        .filter(|t| t.to == state)
        .and_then(|t| edge_for(t.from, t.to))
        .map(|e| e.to)
        .or_else(|| PLACES.iter().position(|p| p.state == state))
        .unwrap_or(0)
}

/// The latest transition of track `ti` at or before `step`.
fn last_of(tl: &Timeline, step: Option<usize>, ti: usize) -> Option<Transition> {
    let upto = step.map_or(0, |s| s + 1);
    tl.steps[..upto].iter().rev().find_map(|s| {
        s.transitions
            .iter()
            .rev()
            .find(|(t, _)| *t == ti)
            .map(|(_, tr)| *tr)
    })
}

fn clip(from: (f64, f64), toward: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (toward.0 - from.0, toward.1 - from.1);
    let (hw, hh) = (f64::from(BOX_W) / 2.0 + 3.0, f64::from(BOX_H) / 2.0 + 3.0);
    let s = (hw / dx.abs().max(1e-9)).min(hh / dy.abs().max(1e-9));
    (from.0 + dx * s, from.1 + dy * s)
}

fn centre(p: &Place) -> (f64, f64) {
    (f64::from(p.x), f64::from(p.y))
}

/// The arrow of one edge and its two-line label ("rcv SYN" over "snd SYN,ACK").
fn edge_view(out: &mut String, e: &Edge, lang: Lang, hot: Option<u64>) {
    let (a, b) = (centre(&PLACES[e.from]), centre(&PLACES[e.to]));
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let n = (-dy / len, dx / len);
    let bend = f64::from(e.bend);
    let mid = (
        (a.0 + b.0) / 2.0 + n.0 * bend,
        (a.1 + b.1) / 2.0 + n.1 * bend,
    );
    let ctrl = (
        (a.0 + b.0) / 2.0 + n.0 * bend * 2.0,
        (a.1 + b.1) / 2.0 + n.1 * bend * 2.0,
    );
    let (s, t) = (clip(a, ctrl), clip(b, ctrl));
    let d = format!(
        "M{},{} Q{},{} {},{}",
        px(s.0),
        px(s.1),
        px(ctrl.0),
        px(ctrl.1),
        px(t.0),
        px(t.1)
    );
    let (lx, ly) = (mid.0 + f64::from(e.label.0), mid.1 + f64::from(e.label.1));
    let anchor = match e.label.0 {
        x if x < 0 => "end",
        0 => "middle",
        _ => "start",
    };
    let text = match lang {
        Lang::En => e.en,
        Lang::ZhCn => e.zh,
    };
    let (event, action) = crate::capture::split_once_str(text, " / ").unwrap_or((text, ""));
    let lines = if action.is_empty() { 1.0 } else { 2.0 };
    let y0 = ly - (lines - 1.0) * 7.5 + 5.0;
    // The hot edge carries the transition's time, so a later firing of the same edge is new
    // markup and its animation starts again.
    let (class, testid, head) = match hot {
        Some(at) => (
            "edge hot",
            format!(" data-testid=\"hot-edge\" data-at=\"{at}\""),
            "sd-head-hot",
        ),
        None => ("edge", String::new(), "sd-head"),
    };
    let x = px(lx);
    out.push_str(&format!(
        "<g class=\"{class}\"{testid}><path d=\"{d}\" marker-end=\"url(#{head})\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"{anchor}\"><tspan class=\"ev\">{}</tspan>",
        px(y0),
        esc(event)
    ));
    if !action.is_empty() {
        out.push_str(&format!(
            "<tspan class=\"act\" x=\"{x}\" dy=\"15\">{}</tspan>",
            esc(action)
        ));
    }
    out.push_str("</text></g>");
}

/// Text for the diagram's markup (the labels are this file's constants; escaped all the same).
fn esc(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;")
}

/// A marker beside a box: a circle "C" for the client (left), a diamond "S" for the server.
fn marker(out: &mut String, h: &Here) {
    let p = &PLACES[h.place];
    let (x, y) = (f64::from(p.x), f64::from(p.y));
    let half = f64::from(BOX_W) / 2.0;
    out.push_str(&match h.role {
        Role::Server => format!("<g class=\"here-mark here-server\" transform=\"translate({},{})\"><polygon points=\"0,-12 12,0 0,12 -12,0\"/><text y=\"4\" text-anchor=\"middle\">S</text></g>", px(x + half + 14.0), px(y)),
        _ => format!("<g class=\"here-mark here-client\" transform=\"translate({},{})\"><circle r=\"11\"/><text y=\"4\" text-anchor=\"middle\">C</text></g>", px(x - half - 14.0), px(y)),
    });
}

impl Pure for StateDiagram {
    fn view(&self) -> Html {
        let p = self;
        let lang = p.lang;
        let tl = &*p.timeline;
        let mut here = Vec::new();
        let mut last: Option<(Role, Transition)> = None;
        for role in [Role::Client, Role::Server] {
            let Some(lane) = tl.lane_by_role(role) else {
                continue;
            };
            let Some((ti, state)) = p.badges.get(lane).copied().flatten() else {
                continue;
            };
            let arrived = last_of(tl, p.step, ti);
            here.push(Here {
                role,
                state,
                place: place_for(state, arrived.as_ref()),
            });
            if let Some(tr) = arrived {
                if last.is_none_or(|(_, l)| tr.at >= l.at) {
                    last = Some((role, tr));
                }
            }
        }
        let hot = last.and_then(|(_, tr)| edge_for(tr.from, tr.to).map(|e| (e, tr.at.micros())));
        // The drawing is SVG markup in a string, shown as one raw node: the same picture built
        // with html! was 3.2 KB more wasm (1.2 KB gzip) for ≈ 60 elements that have no
        // listeners. Yew keeps the nodes while the string is unchanged.
        let mut body = String::from(
            r#"<defs><marker id="sd-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="sd-head"/></marker><marker id="sd-head-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="sd-head-hot"/></marker></defs><g class="edges">"#,
        );
        for e in EDGES.iter() {
            let is_hot = hot.filter(|(h, _)| std::ptr::eq(*h, e)).map(|(_, at)| at);
            edge_view(&mut body, e, lang, is_hot);
        }
        body.push_str("</g><g class=\"boxes\">");
        for (i, pl) in PLACES.iter().enumerate() {
            let current = if here.iter().any(|h| h.place == i) {
                " current"
            } else {
                ""
            };
            let (x, y) = (pl.x - BOX_W / 2, pl.y - BOX_H / 2);
            body.push_str(&format!(
                "<g class=\"sd-state st-{}{current}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"8\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
                pl.state.css(), pl.x, pl.y + 5, pl.state.rfc_name()
            ));
        }
        body.push_str("</g><g class=\"marks\">");
        for h in &here {
            marker(&mut body, h);
        }
        body.push_str("</g>");
        let status: Vec<String> = here
            .iter()
            .map(|h| format!("{}: {}", role_name(lang, h.role), h.state.rfc_name()))
            .collect();
        let last_text = match last {
            Some((role, tr)) => format!(
                "{} {} → {} (t = {})",
                role_name(lang, role),
                tr.from.rfc_name(),
                tr.to.rfc_name(),
                tr.at
            ),
            None => Msg::NoTransitionYet.text(lang).to_string(),
        };
        let aria = format!(
            "{}. {}",
            Msg::StateDiagramLabel.text(lang),
            status.join(", ")
        );
        let picker = (p.titles.len() > 1).then(|| {
            let on_show = p.on_show.reform(|e: Event| {
                // As u64, like every number in the wasm (one integer parser).
                let i = e.target_unchecked_into::<HtmlSelectElement>().value();
                i.parse::<u64>()
                    .ok()
                    .and_then(|i| usize::try_from(i).ok())
                    .unwrap_or(0)
            });
            html! {
                <label class="picker">
                    <span>{ Msg::ConnectionShown.text(lang) }</span>
                    <select data-testid="diagram-pane" onchange={on_show}>
                        { for p.titles.iter().enumerate().map(|(i, t)| html! {
                            <option value={i.to_string()} selected={i == p.shown}>
                                { pane_title(t, lang) }</option>
                        }) }
                    </select>
                </label>
            }
        });
        html! {
            <section class="card diagram" aria-labelledby="diagram-title" data-testid="state-diagram">
                <h2 id="diagram-title">{ Msg::StateDiagram.text(lang) }</h2>
                { for picker }
                <svg class="sd" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={aria}>
                    { Html::from_html_unchecked(AttrValue::from(body)) }
                </svg>
                <ul class="legend" data-testid="diagram-status">
                    { for here.iter().map(|h| html! {
                        <li data-testid={format!("diagram-{}", h.role.key())}>
                            <span class={classes!("legend-mark", format!("here-{}", h.role.key()))}
                                  aria-hidden="true">
                                { if h.role == Role::Server { "◆ S" } else { "● C" } }</span>
                            { format!(" {}: ", role_name(lang, h.role)) }
                            <strong>{ h.state.rfc_name() }</strong>
                        </li>
                    }) }
                    <li data-testid="diagram-last">
                        { format!("{}: ", Msg::LastTransition.text(lang)) }{ last_text }</li>
                </ul>
            </section>
        }
    }
}
