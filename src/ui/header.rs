//! The page header: name, tagline, scenario picker, language toggle, share, export, import.

use super::app::{PaneData, Shared};
use super::export_menu::export_menu;
use super::import::{import_control, ImportState};
use super::scenario_picker::scenario_picker;
use super::share_button::{share_button, ShareState};
use crate::i18n::{Lang, Msg};
use crate::scenario::ScenarioId;
use std::rc::Rc;
use yew::prelude::*;

/// Not a component of its own: the app's callbacks are new on each of its renders, so the
/// header would re-render with it anyway.
pub struct HeaderProps {
    pub lang: Lang,
    pub scenario: ScenarioId,
    pub on_toggle_lang: Callback<()>,
    pub on_pick: Callback<ScenarioId>,
    /// The link of the view as shown at the moment of asking.
    pub share_url: Callback<(), String>,
    pub share: ShareState,
    /// What the export menu writes (none while an error is shown).
    pub panes: Option<Shared<Vec<PaneData>>>,
    /// File name without extension (`synack-http10-vs-11`).
    pub export_name: String,
    pub on_import: Callback<Rc<Vec<PaneData>>>,
    pub import: ImportState,
    /// An imported capture is on show (its timing choice is offered only then).
    pub importing: bool,
}

pub fn header(props: &HeaderProps) -> Html {
    let lang = props.lang;
    let onclick = props.on_toggle_lang.reform(|_: MouseEvent| ());
    html! {
        <header class="top">
            <h1 class="brand">
                <span class="logo" aria-hidden="true">{ "⇄" }</span>
                <span class="name">{ "synack" }</span>
                <span class="tagline">{ Msg::Tagline.text(lang) }</span>
            </h1>
            <div class="top-tools">
                { scenario_picker(lang, props.scenario, &props.on_pick) }
                // The visible name is the other language's own; the hidden rest says what it does
                // (and keeps the accessible name starting with the visible text).
                <button type="button" class="lang" data-testid="lang-toggle" {onclick}>
                    <span lang={lang.other().code()}>{ Msg::OtherLanguage.text(lang) }</span>
                    <span class="sr-only">{ format!(" — {}", Msg::SwitchLanguage.text(lang)) }</span>
                </button>
                { share_button(lang, &props.share_url, &props.share) }
                if let Some(panes) = &props.panes {
                    { export_menu(lang, panes, &props.export_name) }
                }
                { import_control(lang, props.importing, &props.on_import, &props.import) }
            </div>
        </header>
    }
}
