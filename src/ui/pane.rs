//! One pane: its title, the 5-tuple, the ladder diagram and the narration of its current step.

use super::app::{memo, PaneData, Shared};
use super::ladder::Ladder;
use super::narration::Narration;
use super::timescale::TimeScale;
use crate::i18n::scenarios;
use crate::i18n::{Lang, Ui};
use crate::timeline::{Frame, Timeline};
use yew::prelude::*;

/// Not a component of its own: its frame (and the player's `on_inspect`) is new on every
/// render of the player, so it would re-render with it anyway.
pub struct PaneProps {
    pub index: usize,
    pub pane: PaneData,
    pub frame: Shared<Frame>,
    pub scale: Shared<TimeScale>,
    pub lang: Lang,
    /// The packet of this pane open in the inspector.
    pub selected: Option<usize>,
    pub on_inspect: Callback<(usize, usize)>,
}

/// The title key of a pane read from a capture file.
pub const IMPORT_TITLE: &str = "import";

/// A pane's title; the key itself if the string table does not know it yet.
pub fn pane_title(key: &'static str, lang: Lang) -> &'static str {
    if key == IMPORT_TITLE {
        return Ui::ImportedPane.text(lang);
    }
    scenarios::pane_title(key, lang).unwrap_or(key)
}

pub fn pane_view(p: &PaneProps) -> Html {
    let lang = p.lang;
    let title = pane_title(p.pane.title, lang);
    let index = p.index;
    let on_inspect = p.on_inspect.reform(move |pkt| (index, pkt));
    html! {
        <section key={index} class="pane" aria-label={title}>
            <h2>{ title }</h2>
            <p class="tuple" data-testid="five-tuple">{ five_tuple(&p.pane.timeline) }</p>
            <div class="figure">
                <Ladder pane={index} timeline={p.pane.timeline.clone()} frame={p.frame.clone()}
                        scale={p.scale.clone()}
                        {lang} selected={p.selected} {on_inspect} />
            </div>
            { memo(Narration { timeline: p.pane.timeline.clone(), step: p.frame.step, lang }) }
        </section>
    }
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
