//! The animation clock: one hook that owns its requestAnimationFrame handle and drops it
//! (cancelling the callback) when playback stops, when the page is scrolled out of view (an
//! embedded instance further down a course page: IntersectionObserver), or when the component
//! goes away. Nothing runs while paused; browsers do not run rAF in hidden tabs.

use super::app::{use_effect_boxed, use_mount, use_state_dyn};
use super::state::{Action, Playback};
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry};
use yew::prelude::*;

struct Loop {
    alive: Cell<bool>,
    frame: RefCell<Option<AnimationFrame>>,
}

#[hook]
pub fn use_animation_clock(playback: UseReducerHandle<Playback>) {
    let in_view = use_in_view();
    let playing = playback.playing;
    let dispatcher = playback.dispatcher();
    use_effect_boxed((playing, in_view), move || {
        // Out of view, playback stays "playing" but time stands still until it is seen again.
        let run = playing && in_view;
        let lp = Rc::new(Loop {
            alive: Cell::new(run),
            frame: RefCell::new(None),
        });
        if run {
            schedule(lp.clone(), dispatcher, None);
        }
        move || {
            // The dispatch inside a frame may re-render (and so clean up) before that frame
            // asks for the next one: `alive` stops it from doing so.
            lp.alive.set(false);
            lp.frame.borrow_mut().take();
        }
    });
}

fn schedule(lp: Rc<Loop>, dispatcher: UseReducerDispatcher<Playback>, last: Option<f64>) {
    if !lp.alive.get() {
        return;
    }
    let next = lp.clone();
    let frame = request_animation_frame(move |now| {
        if let Some(prev) = last {
            // A long gap (tab switched back) should not jump the animation ahead.
            dispatcher.dispatch(Action::Tick((now - prev).min(100.0)));
        }
        schedule(next, dispatcher, Some(now));
    });
    *lp.frame.borrow_mut() = Some(frame);
}

/// Whether any part of the app is inside the viewport (of the top-level page, for an iframe).
#[hook]
fn use_in_view() -> bool {
    let in_view = use_state_dyn(|| true);
    {
        let in_view = in_view.clone();
        use_mount(move || {
            let watch = observe(move |v| in_view.set(v));
            move || {
                if let Some((observer, _callback)) = watch {
                    observer.disconnect();
                }
            }
        });
    }
    *in_view
}

type ObserverCallback = Closure<dyn FnMut(js_sys::Array)>;

fn observe(on_change: impl Fn(bool) + 'static) -> Option<(IntersectionObserver, ObserverCallback)> {
    let target = web_sys::window()?.document()?.get_element_by_id("app")?;
    let callback: ObserverCallback = Closure::new(move |entries: js_sys::Array| {
        // The newest entry tells the current state.
        if let Some(e) = entries.iter().last() {
            on_change(
                e.unchecked_into::<IntersectionObserverEntry>()
                    .is_intersecting(),
            );
        }
    });
    let observer = IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&target);
    Some((observer, callback))
}
