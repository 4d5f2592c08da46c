//! Playback state: the shared clock of all panes, as a reducer.

use super::timescale::TimeScale;
use crate::time::SimTime;
use std::rc::Rc;
use yew::Reducible;

/// Simulated microseconds per real millisecond at 1× (25 ms of network delay ≈ 1.25 s).
pub const SIM_US_PER_MS: f64 = 20.0;

pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    pub t: SimTime,
    /// Every step time of every pane, sorted, without repeats: where stepping stops.
    pub stops: Rc<[SimTime]>,
    pub end: SimTime,
    pub playing: bool,
    pub speed: f64,
    /// The drawn time axis: playback runs along it, so quiet stretches pass quickly.
    pub scale: Rc<TimeScale>,
}

pub enum Action {
    /// `ms` of real time passed while playing.
    Tick(f64),
    Toggle,
    Play,
    Pause,
    Seek(SimTime),
    /// Go to step `n` as the step counter numbers them (0 = before the first step).
    SeekStep(usize),
    SetSpeed(f64),
    StepForward,
    StepBack,
    Restart,
    ToEnd,
}

impl Playback {
    pub fn new(
        stops: Rc<[SimTime]>,
        end: SimTime,
        scale: Rc<TimeScale>,
        autoplay: bool,
    ) -> Playback {
        Playback {
            t: SimTime::ZERO,
            stops,
            end,
            playing: autoplay,
            speed: 1.0,
            scale,
        }
    }
}

impl Reducible for Playback {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Tick(ms) => {
                if !self.playing {
                    return self;
                }
                let dt = ms.max(0.0) * self.speed * SIM_US_PER_MS;
                let t = self.scale.time_at(self.scale.pos(self.t) + dt);
                // Always move forward, even where rounding would stall.
                next.t = t.max(SimTime(self.t.micros() + 1)).min(self.end);
                if next.t >= self.end {
                    next.playing = false;
                }
            }
            Action::Toggle => {
                next.playing = !self.playing;
                if next.playing && self.t >= self.end {
                    next.t = SimTime::ZERO; // play again from the start
                }
            }
            Action::Play if !self.playing => return self.reduce(Action::Toggle),
            Action::Pause => next.playing = false,
            Action::Play => return self,
            Action::SeekStep(n) => {
                next.t = match n.checked_sub(1) {
                    None => SimTime::ZERO,
                    Some(i) => self.stops.get(i).copied().unwrap_or(self.end),
                };
                next.playing = false;
            }
            Action::Seek(t) => {
                next.t = t.min(self.end);
                next.playing = false;
            }
            Action::SetSpeed(s) => next.speed = s,
            Action::StepForward => {
                let i = self.stops.partition_point(|s| *s <= self.t);
                next.t = self.stops.get(i).copied().unwrap_or(self.end);
                next.playing = false;
            }
            Action::StepBack => {
                let i = self.stops.partition_point(|s| *s < self.t);
                next.t = i.checked_sub(1).map_or(SimTime::ZERO, |j| self.stops[j]);
                next.playing = false;
            }
            Action::Restart => {
                next.t = SimTime::ZERO;
                next.playing = false;
            }
            Action::ToEnd => {
                next.t = self.end;
                next.playing = false;
            }
        }
        Rc::new(next)
    }
}

impl Playback {
    /// How many stops have been reached (the 1-based number of the current step).
    pub fn steps_done(&self) -> usize {
        self.stops.partition_point(|s| *s <= self.t)
    }
}
