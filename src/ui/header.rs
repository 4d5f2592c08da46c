//! The page header: name, tagline, scenario picker, language toggle, share, export, import.

use super::app::{PaneData, Shared};
use super::export_menu::ExportMenu;
use super::import::ImportControl;
use super::scenario_picker::ScenarioPicker;
use super::share_button::ShareButton;
use crate::i18n::{Lang, Msg};
use crate::scenario::ScenarioId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub lang: Lang,
    pub scenario: ScenarioId,
    pub on_toggle_lang: Callback<()>,
    pub on_pick: Callback<ScenarioId>,
    /// The link of the view as shown at the moment of asking.
    pub share_url: Callback<(), String>,
    /// What the export menu writes (none while an error is shown).
    pub panes: Option<Shared<Vec<PaneData>>>,
    /// File name without extension (`synack-http10-vs-11`).
    pub export_name: String,
    pub on_import: Callback<Rc<Vec<PaneData>>>,
    /// An imported capture is on show (its timing choice is offered only then).
    pub importing: bool,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
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
                <ScenarioPicker {lang} current={props.scenario} on_pick={props.on_pick.clone()} />
                // The visible name is the other language's own; the hidden rest says what it does
                // (and keeps the accessible name starting with the visible text).
                <button type="button" class="lang" data-testid="lang-toggle" {onclick}>
                    <span lang={lang.other().code()}>{ Msg::OtherLanguage.text(lang) }</span>
                    <span class="sr-only">{ format!(" — {}", Msg::SwitchLanguage.text(lang)) }</span>
                </button>
                <ShareButton {lang} url={props.share_url.clone()} />
                if let Some(panes) = props.panes.clone() {
                    <ExportMenu {lang} {panes} name={props.export_name.clone()} />
                }
                <ImportControl {lang} on_import={props.on_import.clone()} showing={props.importing} />
            </div>
        </header>
    }
}
