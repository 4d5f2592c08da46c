//! The animation clock: one hook that owns its requestAnimationFrame handle and drops it
//! (cancelling the callback) when playback stops or the component goes away. Nothing runs
//! while paused; browsers do not run rAF in hidden tabs.

use super::state::{Action, Playback};
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

struct Loop {
    alive: Cell<bool>,
    frame: RefCell<Option<AnimationFrame>>,
}

#[hook]
pub fn use_animation_clock(playback: UseReducerHandle<Playback>) {
    let playing = playback.playing;
    let dispatcher = playback.dispatcher();
    use_effect_with(playing, move |&playing| {
        let lp = Rc::new(Loop {
            alive: Cell::new(playing),
            frame: RefCell::new(None),
        });
        if playing {
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
