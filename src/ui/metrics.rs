//! The scenario's metrics per pane, side by side; with several panes each value also gets a
//! bar scaled to the largest of its row, so panes compare at a glance.

use super::app::{PaneData, Pure, Shared};
use super::num::px;
use super::pane::pane_title;
use crate::i18n::scenarios::metric_name;
use crate::i18n::{Lang, Msg};
use crate::scenario::{MetricKey, MetricValue};
use yew::prelude::*;

#[derive(PartialEq)]
pub struct Metrics {
    pub panes: Shared<Vec<PaneData>>,
    pub lang: Lang,
}

/// The size of a value on its row's common scale.
fn magnitude(v: MetricValue) -> u64 {
    match v {
        MetricValue::Count(n) | MetricValue::Tenths(n) => n,
        MetricValue::Time(d) => d.micros(),
    }
}

impl Pure for Metrics {
    fn view(&self) -> Html {
        let p = self;
        let lang = p.lang;
        let panes = &*p.panes;
        // The keys any pane has, in MetricKey order (a dozen at most: kept sorted by insertion
        // rather than through a BTreeSet, whose code would cost kilobytes of wasm).
        let mut keys: Vec<MetricKey> = Vec::new();
        for key in panes.iter().flat_map(|pd| pd.metrics.iter().map(|m| m.key)) {
            if let Err(i) = keys.binary_search(&key) {
                keys.insert(i, key);
            }
        }
        if keys.is_empty() {
            return html! {};
        }
        let bars = panes.len() > 1;
        let rows = keys.iter().map(|&key| {
            let vals: Vec<Option<MetricValue>> = panes
                .iter()
                .map(|pd| pd.metrics.iter().find(|m| m.key == key).map(|m| m.value))
                .collect();
            let max = vals.iter().flatten().map(|v| magnitude(*v)).max().unwrap_or(0).max(1);
            let cells = vals.into_iter().map(|v| match v {
                Some(v) => html! {
                    <td>
                        <span class="num">{ v.to_string() }</span>
                        { for bars.then(|| html! {
                            // Through the CSSOM, as the scrubber's ticks (`controls.rs`).
                            <span class="bar" aria-hidden="true"
                                  ~style={format!("width:{}%", px(magnitude(v) as f64 * 100.0 / max as f64))}></span>
                        }) }
                    </td>
                },
                None => html! { <td class="muted">{ "—" }</td> },
            });
            html! {
                <tr data-testid={format!("metric-{}", key.id())}>
                    <th scope="row">{ metric_name(key, lang) }</th>
                    { for cells }
                </tr>
            }
        });
        html! {
            <section class="card metrics" aria-labelledby="metrics-title" data-testid="metrics">
                <h2 id="metrics-title">{ Msg::Metrics.text(lang) }</h2>
                <div class="table-wrap">
                    <table>
                        <thead>
                            <tr>
                                <td></td>
                                { for panes.iter().map(|pd| html! {
                                    <th scope="col">{ pane_title(pd.title, lang) }</th>
                                }) }
                            </tr>
                        </thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            </section>
        }
    }
}
