//! The scenario picker: a native `<select>` over every scenario the core knows, so a new
//! scenario appears here without any change to the UI.

use super::app::scenario_title;
use crate::i18n::{Lang, Msg};
use crate::scenario::ScenarioId;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    pub lang: Lang,
    pub current: ScenarioId,
    pub on_pick: Callback<ScenarioId>,
}

#[component]
pub fn ScenarioPicker(p: &ScenarioPickerProps) -> Html {
    let onchange = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(id) = ScenarioId::parse(&v) {
                on_pick.emit(id);
            }
        })
    };
    let options = ScenarioId::ALL.iter().map(|id| {
        html! {
            <option value={id.id()} selected={*id == p.current}>
                { scenario_title(*id, p.lang) }</option>
        }
    });
    html! {
        <label class="picker">
            <span>{ Msg::Scenario.text(p.lang) }</span>
            <select data-testid="scenario" {onchange}>{ for options }</select>
        </label>
    }
}
