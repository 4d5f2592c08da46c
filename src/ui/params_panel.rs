//! The parameter panel: a form made from the scenario's `ParamSpec` table and the seed.
//! A value is applied when the field is committed (change event); a rejected value shows an
//! inline error and the last good value stays in force.

use super::app::use_state_dyn;
use crate::i18n::{choice_label, param_label, unit_label, Lang, Ui};
use crate::scenario::{ParamSpec, Params, ScenarioId, Unit};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ParamProps {
    pub lang: Lang,
    pub scenario: ScenarioId,
    pub params: Params,
    pub seed: u64,
    pub on_change: Callback<(Params, u64)>,
}

const SEED: &str = "seed";

fn field(
    p: &ParamProps,
    spec: &ParamSpec,
    error: Option<&String>,
    on_value: Callback<(&'static str, String)>,
) -> Html {
    let lang = p.lang;
    let id = format!("param-{}", spec.key);
    let err_id = format!("{id}-error");
    let value = p.params.get(spec.key);
    let key = spec.key;
    let control = if spec.unit == Unit::Choice {
        let onchange = on_value
            .reform(move |e: Event| (key, e.target_unchecked_into::<HtmlSelectElement>().value()));
        html! {
            <select id={id.clone()} data-testid={id.clone()} {onchange}>
                { for spec.choices.iter().enumerate().map(|(i, c)| html! {
                    <option value={*c} selected={i as i64 == value}>{ choice_label(c, lang) }</option>
                }) }
            </select>
        }
    } else {
        let onchange = on_value
            .reform(move |e: Event| (key, e.target_unchecked_into::<HtmlInputElement>().value()));
        html! {
            <input type="number" id={id.clone()} data-testid={id.clone()} inputmode="numeric"
                   min={spec.min.to_string()} max={spec.max.to_string()} step="1"
                   value={value.to_string()} {onchange}
                   aria-invalid={error.is_some().then_some("true")}
                   aria-describedby={error.is_some().then(|| err_id.clone())} />
        }
    };
    html! {
        <div class="param">
            <label for={id.clone()}>{ param_label(spec.key, lang) }</label>
            <span class="param-input">
                { control }
                <span class="unit">{ unit_label(spec.unit, lang) }</span>
            </span>
            if let Some(e) = error {
                <p class="param-error" id={err_id} data-testid="param-error">
                    { format!("{} {e}", Ui::InvalidValue.text(lang)) }</p>
            }
        </div>
    }
}

/// The message of each field whose last value was refused, in the order they were refused.
/// A few entries at most: a Vec, not a map (a BTreeMap instance costs kilobytes of wasm).
#[derive(Clone, Default, PartialEq)]
struct Errors(Vec<(&'static str, String)>);

impl Errors {
    fn get(&self, key: &str) -> Option<&String> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, e)| e)
    }

    fn set(&mut self, key: &'static str, e: String) {
        self.remove(key);
        self.0.push((key, e));
    }

    fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| *k != key);
    }
}

#[component]
pub fn ParamPanel(p: &ParamProps) -> Html {
    let lang = p.lang;
    let errors = use_state_dyn(Errors::default);
    let on_value = {
        let (errors, params, seed, on_change) = (
            errors.clone(),
            p.params.clone(),
            p.seed,
            p.on_change.clone(),
        );
        Callback::from(move |(key, value): (&'static str, String)| {
            let mut errs = (*errors).clone();
            let applied = if key == SEED {
                value
                    .trim()
                    .parse::<u64>()
                    .map(|s| (params.clone(), s))
                    .map_err(|_| format!("seed={value}: expected a whole number ≥ 0"))
            } else {
                let mut next = params.clone();
                next.set(key, &value)
                    .map(|()| (next, seed))
                    .map_err(|e| e.to_string())
            };
            match applied {
                Ok(v) => {
                    errs.remove(key);
                    if v != (params.clone(), seed) {
                        on_change.emit(v);
                    }
                }
                Err(e) => {
                    errs.set(key, e);
                }
            }
            errors.set(errs);
        })
    };
    let reset = {
        let (errors, on_change, id) = (errors.clone(), p.on_change.clone(), p.scenario);
        Callback::from(move |_: MouseEvent| {
            errors.set(Errors::default());
            on_change.emit((Params::defaults(id), 1));
        })
    };
    let fields = p
        .scenario
        .params()
        .iter()
        .map(|spec| field(p, spec, errors.get(spec.key), on_value.clone()));
    let seed_field = {
        let err = errors.get(SEED);
        let on_value = on_value.clone();
        let id = "param-seed";
        html! {
            <div class="param">
                <label for={id}>{ Ui::Seed.text(lang) }</label>
                <span class="param-input">
                    <input type="number" {id} data-testid={id} min="0" step="1"
                           value={p.seed.to_string()}
                           aria-invalid={err.is_some().then_some("true")}
                           aria-describedby={err.is_some().then_some("param-seed-error")}
                           onchange={on_value.reform(|e: Event| (SEED, e.target_unchecked_into::<HtmlInputElement>().value()))} />
                </span>
                if let Some(e) = err {
                    <p class="param-error" id="param-seed-error" data-testid="param-error">
                        { format!("{} {e}", Ui::InvalidValue.text(lang)) }</p>
                }
            </div>
        }
    };
    html! {
        <section class="card params" aria-labelledby="params-h" data-testid="params">
            <h2 id="params-h">{ Ui::Parameters.text(lang) }</h2>
            <form class="param-grid" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { for fields }
                { seed_field }
            </form>
            <button type="button" data-testid="reset-params" onclick={reset}>
                { Ui::ResetDefaults.text(lang) }</button>
        </section>
    }
}
