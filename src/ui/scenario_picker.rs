//! The scenario picker: a native `<select>` over every scenario the core knows, so a new
//! scenario appears here without any change to the UI.

use super::app::scenario_title;
use crate::i18n::{Lang, Msg};
use crate::scenario::ScenarioId;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Not a component of its own: it re-renders with the header, whose `on_pick` is new each time.
pub fn scenario_picker(lang: Lang, current: ScenarioId, on_pick: &Callback<ScenarioId>) -> Html {
    let onchange = {
        let on_pick = on_pick.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(id) = ScenarioId::parse(&v) {
                on_pick.emit(id);
            }
        })
    };
    let options = ScenarioId::ALL.iter().map(|id| {
        html! {
            <option value={id.id()} selected={*id == current}>
                { scenario_title(*id, lang) }</option>
        }
    });
    html! {
        <label class="picker">
            <span>{ Msg::Scenario.text(lang) }</span>
            <select data-testid="scenario" {onchange}>{ for options }</select>
        </label>
    }
}
