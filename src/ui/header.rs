//! The page header: name, tagline, language toggle.

use crate::i18n::{Lang, Msg};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub lang: Lang,
    pub on_toggle_lang: Callback<()>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let lang = props.lang;
    let onclick = props.on_toggle_lang.reform(|_: MouseEvent| ());
    html! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⇄" }</span>
                <span class="name">{ "synack" }</span>
                <span class="tagline">{ Msg::Tagline.text(lang) }</span>
            </div>
            <button type="button" class="lang" data-testid="lang-toggle"
                    lang={lang.other().code()}
                    aria-label={Msg::SwitchLanguage.text(lang)} {onclick}>
                { Msg::OtherLanguage.text(lang) }
            </button>
        </header>
    }
}
