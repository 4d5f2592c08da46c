//! Core layer `scenario`: named, parameterised runs of the simulator.
//!
//! Each scenario is a pure function of (params, seed) that drives the real simulator and
//! returns one timeline per pane. Nothing is scripted by hand: the numbers on screen are the
//! ones the TCP core produced.

pub mod handshake;

use crate::timeline::Timeline;
use std::fmt;

/// Stable scenario ids (URL hash, CLI, tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScenarioId {
    Handshake,
}

impl ScenarioId {
    pub const ALL: [ScenarioId; 1] = [ScenarioId::Handshake];

    pub fn id(self) -> &'static str {
        match self {
            ScenarioId::Handshake => "handshake",
        }
    }

    pub fn parse(s: &str) -> Result<ScenarioId, ScenarioError> {
        ScenarioId::ALL
            .into_iter()
            .find(|id| id.id() == s)
            .ok_or_else(|| ScenarioError::UnknownScenario(s.to_string()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    UnknownScenario(String),
    /// A parameter had a value outside what the scenario accepts.
    BadParam {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
    /// The simulator refused a socket call (a bug in the scenario, reported, not panicked).
    Sim(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::UnknownScenario(s) => {
                let known: Vec<&str> = ScenarioId::ALL.iter().map(|i| i.id()).collect();
                write!(f, "unknown scenario '{s}' (known: {})", known.join(", "))
            }
            ScenarioError::BadParam {
                key,
                value,
                expected,
            } => write!(f, "parameter {key}={value}: expected {expected}"),
            ScenarioError::Sim(e) => write!(f, "simulation failed: {e}"),
        }
    }
}

impl From<crate::sim::SimError> for ScenarioError {
    fn from(e: crate::sim::SimError) -> ScenarioError {
        ScenarioError::Sim(e.to_string())
    }
}

/// One animated column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// Key of the pane's title in the string table (e.g. `pane.handshake`).
    pub title: &'static str,
    pub timeline: Timeline,
}

/// Run scenario `id` with its default parameters and `seed`.
pub fn build_default(id: ScenarioId, seed: u64) -> Result<Vec<Pane>, ScenarioError> {
    match id {
        ScenarioId::Handshake => Ok(vec![handshake::build(&handshake::Params::default(), seed)?]),
    }
}
