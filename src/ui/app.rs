//! The root component: header with the scenario picker, the notice and error banners, and the
//! player of the chosen scenario. The scenario and the language live in the URL hash
//! (`#s=handshake&lang=en`), so a link opens the same view.

use super::dom;
use super::header::Header;
use super::player::Player;
use crate::i18n::scenarios::scenario_name;
use crate::i18n::{unknown_scenario, Lang, Msg};
use crate::scenario::{build, Metric, Params, ScenarioId};
use crate::timeline::Timeline;
use gloo_events::EventListener;
use std::ops::Deref;
use std::rc::Rc;
use yew::prelude::*;

/// Shared, immutable data in props: equal when it is the *same* allocation, so a 10 000-event
/// timeline is never compared or cloned when a component re-renders.
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[derive(Clone, PartialEq)]
pub struct PaneData {
    pub title: &'static str,
    pub timeline: Shared<Timeline>,
    pub metrics: Rc<Vec<Metric>>,
}

/// Hash keys that are not scenario parameters.
const PAGE_KEYS: [&str; 3] = ["s", "lang", "embed"];

/// The scenario parameters in the hash (`#s=handshake&latency=80`), as written.
fn params_from_hash() -> Vec<(String, String)> {
    dom::hash_pairs()
        .into_iter()
        .filter(|(k, _)| !PAGE_KEYS.contains(&k.as_str()))
        .collect()
}

/// The scenario the hash asks for, or the handshake and the key that was not understood.
fn scenario_from_hash() -> (ScenarioId, Option<String>) {
    match dom::hash_get("s") {
        None => (ScenarioId::Handshake, None),
        Some(key) => match ScenarioId::parse(&key) {
            Ok(id) => (id, None),
            Err(_) => (ScenarioId::Handshake, Some(key)),
        },
    }
}

/// The name a person reads for a scenario.
pub fn scenario_title(id: ScenarioId, lang: Lang) -> &'static str {
    scenario_name(id, lang)
}

#[component]
pub fn App() -> Html {
    let lang = use_state(dom::initial_lang);
    let first = use_memo((), |_| scenario_from_hash());
    let scenario = use_state(|| first.0);
    let notice = use_state(|| first.1.clone());
    let params = use_state(params_from_hash);
    {
        let lang = *lang;
        use_effect_with(lang, move |l| dom::remember_lang(*l));
    }
    use_effect_with(*scenario, |id| dom::hash_set("s", id.id()));
    // A link or an edited address bar changes the hash: follow it.
    {
        let (lang, scenario, notice) = (lang.setter(), scenario.setter(), notice.setter());
        let params = params.setter();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    let (id, bad) = scenario_from_hash();
                    scenario.set(id);
                    notice.set(bad);
                    params.set(params_from_hash());
                    if let Some(l) = dom::hash_get("lang").and_then(|v| Lang::parse(&v)) {
                        lang.set(l);
                    }
                })
            });
            move || drop(listener)
        });
    }
    let built = use_memo((*scenario, (*params).clone()), |(id, pairs)| {
        let params = Params::parse(*id, pairs)?;
        build(*id, &params, 1).map(|panes| {
            Rc::new(
                panes
                    .into_iter()
                    .map(|p| PaneData {
                        title: p.title,
                        timeline: Shared(Rc::new(p.timeline)),
                        metrics: Rc::new(p.metrics),
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });
    let on_toggle_lang = {
        let lang = lang.clone();
        Callback::from(move |()| lang.set(lang.other()))
    };
    let on_pick = {
        let (scenario, notice, params) = (scenario.clone(), notice.clone(), params.clone());
        Callback::from(move |id| {
            // Another scenario starts from its own defaults.
            dom::hash_keep(&PAGE_KEYS);
            params.set(Vec::new());
            notice.set(None);
            scenario.set(id);
        })
    };
    let notice_html = notice.as_ref().map(|key| {
        let dismiss = {
            let notice = notice.clone();
            Callback::from(move |_: MouseEvent| notice.set(None))
        };
        let text = unknown_scenario(*lang, key, scenario_title(*scenario, *lang));
        html! {
            <div class="notice" role="status" data-testid="notice">
                <p>{ text }</p>
                <button type="button" onclick={dismiss}>{ Msg::Dismiss.text(*lang) }</button>
            </div>
        }
    });
    let body = match &*built {
        Ok(panes) => {
            // A new run (other scenario or parameters) starts a new player and clock.
            let mut key = scenario.id().to_string();
            for (k, v) in params.iter() {
                key.push_str(&format!("&{k}={v}"));
            }
            html! { <Player {key} panes={Shared(panes.clone())} lang={*lang} /> }
        }
        Err(e) => html! {
            <div class="error-banner" role="alert" data-testid="error">
                <strong>{ Msg::ErrorTitle.text(*lang) }</strong>
                <p>{ e.to_string() }</p>
                <p class="ways-back">
                    <a href={format!("#s={}&lang={}", scenario.id(), lang.code())}>
                        { Msg::ErrorDefaults.text(*lang) }</a>
                    <a href={format!("#s=handshake&lang={}", lang.code())}>
                        { Msg::ErrorBack.text(*lang) }</a>
                </p>
            </div>
        },
    };
    html! {
        <main data-testid="app" data-ready="true" class="shell">
            <Header lang={*lang} scenario={*scenario} {on_toggle_lang} {on_pick} />
            { for notice_html }
            { body }
        </main>
    }
}
