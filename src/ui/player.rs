//! The player of one scenario: the shared clock and controls, its panes side by side, and
//! beside them the packet inspector, the state diagram and the metrics.

use super::app::{PaneData, Shared};
use super::clock::use_animation_clock;
use super::controls::Controls;
use super::dom;
use super::inspector::Inspector;
use super::keyboard::use_keyboard;
use super::metrics::Metrics;
use super::pane::PaneView;
use super::state::{Action, Playback};
use super::state_diagram::StateDiagram;
use super::timescale::TimeScale;
use crate::i18n::{Lang, Msg};
use crate::time::SimTime;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    pub panes: Shared<Vec<PaneData>>,
    pub lang: Lang,
}

pub fn packet_dom_id(pane: usize, packet: usize) -> String {
    format!("pkt-{pane}-{packet}")
}

#[component]
pub fn Player(props: &PlayerProps) -> Html {
    let lang = props.lang;
    let panes = props.panes.clone();
    let playback = {
        let panes = panes.clone();
        use_reducer(move || {
            let mut stops: Vec<SimTime> = panes
                .iter()
                .flat_map(|p| p.timeline.steps.iter().map(|s| s.at))
                .collect();
            stops.sort_unstable();
            stops.dedup();
            let end = panes
                .iter()
                .map(|p| p.timeline.end)
                .max()
                .unwrap_or(SimTime::ZERO);
            let scale = Rc::new(TimeScale::new(panes.iter().map(|p| &*p.timeline.0)));
            Playback::new(stops.into(), end, scale, !dom::prefers_reduced_motion())
        })
    };
    use_animation_clock(playback.clone());
    use_keyboard(playback.dispatcher());
    let picked = use_state(|| None::<(usize, usize)>);
    let shown = use_state(|| 0usize);

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

    let t = playback.t;
    let scale = Shared(playback.scale.clone());
    let frames: Vec<_> = panes
        .iter()
        .map(|p| Shared(Rc::new(p.timeline.frame_at(t))))
        .collect();
    let views = panes.iter().enumerate().map(|(i, pane)| {
        let selected = picked.and_then(|(p, k)| (p == i).then_some(k));
        html! {
            <PaneView key={i} index={i} pane={pane.clone()} frame={frames[i].clone()} {lang}
                      scale={scale.clone()}
                      {selected} on_inspect={on_inspect.clone()} />
        }
    });
    let shown_i = (*shown).min(panes.len().saturating_sub(1));
    let Some(shown_pane) = panes.get(shown_i) else {
        return html! {}; // a scenario always has a pane; nothing to draw otherwise
    };
    let titles: Vec<&'static str> = panes.iter().map(|p| p.title).collect();
    let inspector = match *picked {
        Some((pane, pkt)) if pane < panes.len() => html! {
            <Inspector timeline={panes[pane].timeline.clone()} packet={pkt} {lang}
                       on_close={on_close.clone()} />
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
            <Controls {lang} t={t} end={playback.end} playing={playback.playing}
                      speed={playback.speed} stops={playback.stops.clone()} scale={scale.clone()}
                      step={playback.steps_done()} steps={playback.stops.len()}
                      on_toggle={act(|| Action::Toggle)} on_back={act(|| Action::StepBack)}
                      on_forward={act(|| Action::StepForward)}
                      on_restart={act(|| Action::Restart)} on_end={act(|| Action::ToEnd)}
                      {on_seek} {on_speed} />
            <div class={classes!("stage", single.then_some("single"))}>
                <div class={classes!("panes", single.then_some("single"))}>{ for views }</div>
                <div class="side">
                    { inspector }
                    <StateDiagram timeline={shown_pane.timeline.clone()}
                                  step={frames[shown_i].step}
                                  badges={frames[shown_i].badges.clone()} {lang}
                                  titles={Rc::new(titles)} shown={shown_i} {on_show} />
                    <Metrics panes={panes.clone()} {lang} />
                </div>
            </div>
        </div>
    }
}
