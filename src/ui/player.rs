//! The player of one scenario: the shared clock and controls, its panes side by side, and
//! beside them the packet inspector, the state diagram and the metrics.

use super::app::{memo, use_effect_boxed, use_mount, use_state_dyn, PaneData, Shared};
use super::clock::use_animation_clock;
use super::controls::{controls, ControlsProps};
use super::dom;
use super::embed;
use super::inspector::Inspector;
use super::keyboard::use_keyboard;
use super::metrics::Metrics;
use super::pane::{pane_view, PaneProps};
use super::state::{Action, Playback};
use super::state_diagram::StateDiagram;
use super::timescale::TimeScale;
use crate::i18n::{narrate, Lang, Msg};
use crate::time::SimTime;
use std::rc::Rc;
use yew::prelude::*;

/// Where a new player starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Start {
    At(SimTime),
    /// The same relative place along the drawn axis as before (0.0 ..= 1.0).
    Fraction(f64),
}

/// What the player shows now, for the link and the share button (written on every render;
/// reading it never re-renders anything).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Live {
    pub t: SimTime,
    pub packet: Option<(usize, usize)>,
    pub playing: bool,
    /// Place along the drawn axis, 0.0 ..= 1.0.
    pub fraction: f64,
}

pub type Control = std::cell::RefCell<Option<UseReducerDispatcher<Playback>>>;

#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    pub panes: Shared<Vec<PaneData>>,
    pub lang: Lang,
    pub start: Start,
    /// Packet to open in the inspector at the start.
    #[prop_or_default]
    pub packet: Option<(usize, usize)>,
    pub live: Shared<std::cell::RefCell<Live>>,
    /// Called when the view settles (paused at a new time, another packet picked).
    pub on_settle: Callback<()>,
    /// Where the player puts its dispatcher for commands from an embedding page.
    pub control: Shared<Control>,
    /// Embedded: ladders, controls and narration only.
    #[prop_or_default]
    pub embed: bool,
    /// Cards shown first beside the panes (the parameter panel).
    #[prop_or_default]
    pub aside: Html,
}

pub fn packet_dom_id(pane: usize, packet: usize) -> String {
    format!("pkt-{pane}-{packet}")
}

#[component]
pub fn Player(props: &PlayerProps) -> Html {
    let lang = props.lang;
    let panes = props.panes.clone();
    let start = props.start;
    let playback = {
        let panes = panes.clone();
        use_reducer(move || {
            let mut stops: Vec<SimTime> = panes
                .iter()
                .flat_map(|p| p.timeline.steps.iter().map(|s| s.at))
                .collect();
            crate::sim::sort_by_u64(&mut stops, |s| s.micros());
            stops.dedup();
            let end = panes
                .iter()
                .map(|p| p.timeline.end)
                .max()
                .unwrap_or(SimTime::ZERO);
            let scale = Rc::new(TimeScale::new(panes.iter().map(|p| &*p.timeline.0)));
            // A link to a moment (or a changed parameter) shows that moment, paused.
            let (t, autoplay) = match start {
                Start::At(t) if t == SimTime::ZERO => (t, !dom::prefers_reduced_motion()),
                Start::At(t) => (t.min(end), false),
                Start::Fraction(f) => {
                    let pos = f.clamp(0.0, 1.0) * scale.total() as f64;
                    (scale.time_at(pos).min(end), false)
                }
            };
            let mut pb = Playback::new(stops.into(), end, scale, autoplay);
            pb.t = t;
            pb
        })
    };
    {
        let (control, d) = (props.control.clone(), playback.dispatcher());
        use_mount(move || {
            *control.borrow_mut() = Some(d);
            move || *control.borrow_mut() = None
        });
    }
    use_animation_clock(playback.clone());
    use_keyboard(playback.dispatcher());
    let picked = {
        let (first, panes) = (props.packet, panes.clone());
        use_state_dyn(move || {
            first.filter(|&(p, k)| panes.get(p).is_some_and(|p| k < p.timeline.packets.len()))
        })
    };
    // The inspector takes the focus when it opens or shows another packet.
    let k = picked.map(|(_, k)| k);
    use_effect_boxed(k, move || {
        if k.is_some() {
            dom::focus_id("inspector");
        }
    });
    let t = playback.t;
    let step_no = playback.steps_done();
    {
        let total = playback.scale.total().max(1) as f64;
        *props.live.borrow_mut() = Live {
            t,
            packet: *picked,
            playing: playback.playing,
            fraction: playback.scale.pos(t) / total,
        };
    }
    // The link follows the view once it settles (not 60 times a second while playing).
    {
        let on_settle = props.on_settle.clone();
        let settled = (!playback.playing).then_some(t);
        use_effect_boxed((settled, *picked), move || on_settle.emit(()));
    }
    {
        let (panes, lang) = (panes.clone(), lang);
        use_effect_boxed(step_no, move || post_step(&panes, step_no, t, lang));
    }
    let shown = use_state_dyn(|| 0usize);

    let act = |a: fn() -> Action| {
        let d = playback.dispatcher();
        Callback::from(move |()| d.dispatch(a()))
    };
    let on_seek = {
        let d = playback.dispatcher();
        Callback::from(move |t| d.dispatch(Action::Seek(t)))
    };
    let on_speed = {
        let d = playback.dispatcher();
        Callback::from(move |s| d.dispatch(Action::SetSpeed(s)))
    };
    let on_inspect = {
        let picked = picked.clone();
        Callback::from(move |pk: (usize, usize)| picked.set(Some(pk)))
    };
    // Closing gives the focus back to the packet that opened the inspector.
    let on_close = {
        let picked = picked.clone();
        Callback::from(move |()| {
            if let Some((pane, pkt)) = *picked {
                picked.set(None);
                dom::focus_id(&packet_dom_id(pane, pkt));
            }
        })
    };
    let onkeydown = {
        let on_close = on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let on_show = {
        let shown = shown.clone();
        Callback::from(move |i: usize| shown.set(i))
    };

    let scale = Shared(playback.scale.clone());
    let frames: Vec<_> = panes
        .iter()
        .map(|p| Shared(Rc::new(p.timeline.frame_at(t))))
        .collect();
    let views = panes.iter().enumerate().map(|(i, pane)| {
        let selected = picked.and_then(|(p, k)| (p == i).then_some(k));
        pane_view(&PaneProps {
            index: i,
            pane: pane.clone(),
            frame: frames[i].clone(),
            scale: scale.clone(),
            lang,
            selected,
            on_inspect: on_inspect.clone(),
        })
    });
    let shown_i = (*shown).min(panes.len().saturating_sub(1));
    let Some(shown_pane) = panes.get(shown_i) else {
        return html! {}; // a scenario always has a pane; nothing to draw otherwise
    };
    let titles: Vec<&'static str> = panes.iter().map(|p| p.title).collect();
    let inspector = match *picked {
        Some((pane, pkt)) if pane < panes.len() => html! {
            { memo(Inspector {
                timeline: panes[pane].timeline.clone(),
                packet: pkt,
                lang,
                on_close: on_close.clone(),
            }) }
        },
        _ => html! {
            <section class="card inspector-hint" aria-label={Msg::Inspector.text(lang)}>
                <h2>{ Msg::Inspector.text(lang) }</h2>
                <p>{ Msg::InspectHint.text(lang) }</p>
            </section>
        },
    };
    let single = panes.len() == 1;
    html! {
        <div class="player" {onkeydown}>
            { controls(&ControlsProps {
                lang,
                t,
                playing: playback.playing,
                speed: playback.speed,
                stops: playback.stops.clone(),
                scale: scale.clone(),
                step: playback.steps_done(),
                steps: playback.stops.len(),
                on_toggle: act(|| Action::Toggle),
                on_back: act(|| Action::StepBack),
                on_forward: act(|| Action::StepForward),
                on_restart: act(|| Action::Restart),
                on_end: act(|| Action::ToEnd),
                on_seek,
                on_speed,
            }) }
            <div class={classes!("stage", single.then_some("single"))}>
                <div class={classes!("panes", single.then_some("single"))}>{ for views }</div>
                if !props.embed {
                <div class="side">
                    { props.aside.clone() }
                    { inspector }
                    { memo(StateDiagram {
                        timeline: shown_pane.timeline.clone(),
                        step: frames[shown_i].step,
                        badges: frames[shown_i].badges.clone(),
                        lang,
                        titles: Rc::new(titles),
                        shown: shown_i,
                        on_show,
                    }) }
                    { memo(Metrics { panes: panes.clone(), lang }) }
                </div>
                }
            </div>
        </div>
    }
}

/// Tell an embedding page which step is shown: `index` as the step counter numbers it, `t` in
/// µs, `narrationKey` (lane role and the state entered, e.g. `client:ESTABLISHED`) and the
/// narration text of the first pane with a step by then.
fn post_step(panes: &[PaneData], index: usize, t: SimTime, lang: Lang) {
    let found = panes.iter().find_map(|p| {
        let step = p.timeline.frame_at(t).step?;
        Some((p, step))
    });
    let (key, text) = match found {
        Some((p, i)) => {
            let step = &p.timeline.steps[i];
            let role = p
                .timeline
                .lanes
                .get(step.lane)
                .map_or("host", |l| l.role.key());
            let key = match step.transitions.last() {
                Some((_, tr)) => format!("{role}:{}", tr.to),
                None => role.to_string(),
            };
            (key, narrate(&p.timeline, i, lang))
        }
        None => ("start".to_string(), Msg::BeforeStart.text(lang).to_string()),
    };
    embed::post(
        "step",
        &[
            ("index", (index as f64).into()),
            ("t", (t.micros() as f64).into()),
            ("narrationKey", key.into()),
            ("narration", text.into()),
        ],
    );
}
