//! Playback controls: play/pause, step, restart, end, scrubber with event ticks, speed.

use super::app::{memo, Pure, Shared};
use super::icons;
use super::num::Fixed;
use super::state::SPEEDS;
use super::timescale::TimeScale;
use crate::i18n::{step_counter, Lang, Msg};
use crate::time::SimTime;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Not a component of its own: the controls change with the playhead, so they re-render with
/// the player on every frame anyway (and the callbacks are new each time).
pub struct ControlsProps {
    pub lang: Lang,
    pub t: SimTime,
    pub playing: bool,
    pub speed: f64,
    /// Times of all steps (for the ticks under the scrubber).
    pub stops: Rc<[SimTime]>,
    /// The drawn time axis; the scrubber runs along it like the ladders do.
    pub scale: Shared<TimeScale>,
    /// 1-based number of the current step and the total.
    pub step: usize,
    pub steps: usize,
    pub on_toggle: Callback<()>,
    pub on_back: Callback<()>,
    pub on_forward: Callback<()>,
    pub on_restart: Callback<()>,
    pub on_end: Callback<()>,
    pub on_seek: Callback<SimTime>,
    pub on_speed: Callback<f64>,
}

pub fn controls(p: &ControlsProps) -> Html {
    let lang = p.lang;
    let on_input = {
        let scale = p.scale.clone();
        p.on_seek.reform(move |e: InputEvent| {
            // Whole positions (µs of the drawn axis) are fine enough; parsing an f64 would
            // pull float parsing into the wasm. `step="any"` may give "1234.5": keep "1234".
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let v: u64 = value.split('.').next().unwrap_or("").parse().unwrap_or(0);
            scale.time_at(v as f64)
        })
    };
    // The options' values are indices into SPEEDS (no float parsing in the wasm).
    let on_speed = p.on_speed.reform(|e: Event| {
        // Parsed as u64 like every number in the wasm (one integer parser).
        let i = e
            .target_unchecked_into::<HtmlSelectElement>()
            .value()
            .parse::<u64>()
            .map_or(usize::MAX, |i| usize::try_from(i).unwrap_or(usize::MAX));
        SPEEDS.get(i).copied().unwrap_or(1.0)
    });
    let end = p.scale.total().max(1);
    let (play_label, play_icon) = if p.playing {
        (Msg::Pause.text(lang), icons::pause())
    } else {
        (Msg::Play.text(lang), icons::play())
    };
    html! {
        <div class="controls" role="group" aria-label={Msg::Controls.text(lang)}>
            <div class="buttons">
                { button("restart", Msg::Restart.text(lang), None, icons::restart(), &p.on_restart) }
                { button("step-back", Msg::StepBack.text(lang), None, icons::step_back(),
                         &p.on_back) }
                { button("play", play_label, Some(p.playing), play_icon, &p.on_toggle) }
                { button("step-forward", Msg::StepForward.text(lang), None,
                         icons::step_forward(), &p.on_forward) }
                { button("to-end", Msg::ToEnd.text(lang), None, icons::to_end(), &p.on_end) }
                <span class="counter" data-testid="step-counter">
                    { step_counter(lang, p.step, p.steps) }</span>
                <label class="speed">
                    <span>{ Msg::Speed.text(lang) }</span>
                    <select data-testid="speed" onchange={on_speed}>
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={*s == p.speed}>
                                { speed_label(*s) }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="scrub">
                <input type="range" data-testid="scrubber" min="0" max={end.to_string()}
                       step="any" value={Fixed(p.scale.pos(p.t), 0).to_string()}
                       aria-label={Msg::Scrubber.text(lang)}
                       aria-valuetext={format!("t = {}", p.t)} oninput={on_input} />
                { memo(Ticks { stops: p.stops.clone(), scale: p.scale.clone() }) }
            </div>
            <p class="hint">{ Msg::KeyboardHint.text(lang) }</p>
        </div>
    }
}

/// A button of the bar, named by `label`; `pressed` (the play button's state) also makes it the
/// wide play button. One function for the five, so their markup is compiled in once.
fn button(
    testid: &'static str,
    label: &'static str,
    pressed: Option<bool>,
    icon: Html,
    on: &Callback<()>,
) -> Html {
    let class = pressed.map(|_| "play");
    let pressed = pressed.map(|p| if p { "true" } else { "false" });
    html! {
        <button type="button" {class} data-testid={testid} aria-pressed={pressed}
                aria-label={label} title={label} onclick={on.reform(|_: MouseEvent| ())}>
            { icon }</button>
    }
}

/// "0.25×", "0.5×", "1×", "2×": two decimals with the trailing zeros dropped.
fn speed_label(s: f64) -> String {
    let two = Fixed(s, 2).to_string();
    format!("{}×", two.trim_end_matches('0').trim_end_matches('.'))
}

#[derive(PartialEq)]
struct Ticks {
    stops: Rc<[SimTime]>,
    scale: Shared<TimeScale>,
}

/// A tick under the scrubber per step. Shown through `memo` so that the hundreds of ticks of a
/// dense run are laid out once per timeline, not again on every animation frame (the
/// controls re-render with the playhead; these props do not change then).
impl Pure for Ticks {
    fn view(&self) -> Html {
        let p = self;
        let end = p.scale.total().max(1);
        let ticks = p.stops.iter().map(|s| {
            let pct = p.scale.pos(*s) * 100.0 / end as f64;
            // `~style` sets the element's `style` property, which writes `style.cssText` through
            // the CSSOM: the Content-Security-Policy (index.html, no 'unsafe-inline') blocks
            // `style="…"` attributes but allows that; the attribute then reads back `left: 12.5%;`.
            html! {
                <span class="tick" aria-hidden="true"
                      ~style={format!("left:{}%", Fixed(pct, 3))}></span>
            }
        });
        html! { <div class="ticks" aria-hidden="true">{ for ticks }</div> }
    }
}
