//! The narration of the current step: a polite live region, present from the first render so
//! screen readers announce every change.

use super::app::{Pure, Shared};
use crate::i18n::{narrate, Lang, Msg};
use crate::timeline::Timeline;
use yew::prelude::*;

#[derive(PartialEq)]
pub struct Narration {
    pub timeline: Shared<Timeline>,
    pub step: Option<usize>,
    pub lang: Lang,
}

impl Pure for Narration {
    fn view(&self) -> Html {
        let props = self;
        let text = match props.step {
            Some(i) => narrate(&props.timeline, i, props.lang),
            None => Msg::BeforeStart.text(props.lang).to_string(),
        };
        html! {
            <div class="narration">
                <h3>{ Msg::NarrationHeading.text(props.lang) }</h3>
                <p data-testid="narration" aria-live="polite">{ text }</p>
            </div>
        }
    }
}
