//! The root component: header, the panes on one shared clock, controls.

use super::clock::use_animation_clock;
use super::controls::Controls;
use super::dom;
use super::header::Header;
use super::ladder::Ladder;
use super::narration::Narration;
use super::state::{Action, Playback};
use crate::i18n::{Lang, Msg};
use crate::scenario::{build_default, ScenarioId};
use crate::time::SimTime;
use crate::timeline::Timeline;
use gloo_events::{EventListener, EventListenerOptions};
use std::ops::Deref;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Shared, immutable data in props: equal when it is the *same* allocation, so a 10 000-event
/// timeline is never compared or cloned when a component re-renders.
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[derive(Clone, PartialEq)]
pub struct PaneData {
    pub title: &'static str,
    pub timeline: Shared<Timeline>,
}

#[component]
pub fn App() -> Html {
    let lang = use_state(dom::initial_lang);
    {
        let lang = *lang;
        use_effect_with(lang, move |l| dom::remember_lang(*l));
    }
    let built = use_memo((), |_| {
        build_default(ScenarioId::Handshake, 1).map(|panes| {
            Rc::new(
                panes
                    .into_iter()
                    .map(|p| PaneData {
                        title: p.title,
                        timeline: Shared(Rc::new(p.timeline)),
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });
    let on_toggle_lang = {
        let lang = lang.clone();
        Callback::from(move |()| lang.set(lang.other()))
    };
    let body = match &*built {
        Ok(panes) => html! { <Player panes={Shared(panes.clone())} lang={*lang} /> },
        Err(e) => html! {
            <div class="error-banner" role="alert">
                <strong>{ Msg::ErrorTitle.text(*lang) }</strong>
                <p>{ e.to_string() }</p>
                <a href="#">{ Msg::ErrorBack.text(*lang) }</a>
            </div>
        },
    };
    html! {
        <main data-testid="app" data-ready="true" class="shell">
            <Header lang={*lang} {on_toggle_lang} />
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct PlayerProps {
    panes: Shared<Vec<PaneData>>,
    lang: Lang,
}

#[component]
fn Player(props: &PlayerProps) -> Html {
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
            Playback::new(stops.into(), end, !dom::prefers_reduced_motion())
        })
    };
    use_animation_clock(playback.clone());
    use_keyboard(playback.dispatcher());

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

    let t = playback.t;
    let views = panes.iter().map(|pane| {
        let frame = Shared(Rc::new(pane.timeline.frame_at(t)));
        let title = Msg::pane_title(pane.title).map_or(pane.title, |m| m.text(lang));
        html! {
            <section class="pane" aria-label={title}>
                <h2>{ title }</h2>
                <p class="tuple" data-testid="five-tuple">{ five_tuple(&pane.timeline) }</p>
                <div class="figure">
                    <Ladder timeline={pane.timeline.clone()} frame={frame.clone()} {lang} />
                </div>
                <Narration timeline={pane.timeline.clone()} step={frame.step} {lang} />
            </section>
        }
    });
    let layout = if panes.len() == 1 {
        "panes single"
    } else {
        "panes"
    };
    html! {
        <>
            <Controls {lang} t={t} end={playback.end} playing={playback.playing}
                      speed={playback.speed} stops={playback.stops.clone()}
                      step={playback.steps_done()} steps={playback.stops.len()}
                      on_toggle={act(|| Action::Toggle)} on_back={act(|| Action::StepBack)}
                      on_forward={act(|| Action::StepForward)}
                      on_restart={act(|| Action::Restart)} on_end={act(|| Action::ToEnd)}
                      {on_seek} {on_speed} />
            <div class={layout}>{ for views }</div>
        </>
    }
}

/// Space plays/pauses (unless a control has focus and Space belongs to it), ←/→ step,
/// Home/End jump. Form controls keep their own arrow keys.
#[hook]
fn use_keyboard(dispatcher: UseReducerDispatcher<Playback>) {
    use_effect_with((), move |_| {
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            // Not passive: Space and the arrow keys must not also scroll the page.
            let opts = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&doc, "keydown", opts, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                let in_field = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
                let action = match e.key().as_str() {
                    " " if !in_field && tag != "BUTTON" => Action::Toggle,
                    "ArrowLeft" if !in_field => Action::StepBack,
                    "ArrowRight" if !in_field => Action::StepForward,
                    "Home" if !in_field => Action::Restart,
                    "End" if !in_field => Action::ToEnd,
                    _ => return,
                };
                e.prevent_default();
                dispatcher.dispatch(action);
            })
        });
        move || drop(listener)
    });
}

/// The seed's "five pieces of information" of a socket pair: protocol, both addresses, both
/// ports — of the first connection in the pane.
fn five_tuple(tl: &Timeline) -> String {
    tl.tracks
        .iter()
        .find_map(|t| Some((t.local?, t.remote?)))
        .map(|(l, r)| format!("TCP  {} ⇄ {}", l, r))
        .unwrap_or_default()
}
