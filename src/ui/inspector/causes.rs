//! What a segment took part in: the step that sent it (the user call or arrival behind it and
//! the state changes at that instant) and the step its arrival caused at the other host.

use super::role_name;
use crate::i18n::{Lang, Msg};
use crate::timeline::{Step, Timeline};
use yew::prelude::*;

/// "client · t = 10 ms: connect() · CLOSED → SYN-SENT".
fn describe(tl: &Timeline, step: &Step, lang: Lang, with_calls: bool) -> Html {
    let host = tl
        .lanes
        .get(step.lane)
        .map_or("?", |l| role_name(lang, l.role));
    let calls = step
        .calls
        .iter()
        .filter(|_| with_calls)
        .map(|c| html! { <code>{ format!("{c:?}()").to_ascii_lowercase() }</code> });
    let changes: Vec<Html> = step
        .transitions
        .iter()
        .map(|(_, tr)| {
            html! {
                <span class="change" data-testid="transition">
                    <span class={classes!("st", format!("st-{}", tr.from.css()))}>{ tr.from.rfc_name() }</span>
                    { " → " }
                    <span class={classes!("st", format!("st-{}", tr.to.css()))}>{ tr.to.rfc_name() }</span>
                </span>
            }
        })
        .collect();
    let none = changes
        .is_empty()
        .then(|| html! { <span class="muted">{ Msg::NoStateChange.text(lang) }</span> });
    html! {
        <>
            <span class="who">{ format!("{host} · t = {}", step.at) }</span>
            { for calls }
            { for changes }
            { for none }
        </>
    }
}

pub fn causes(tl: &Timeline, packet: usize, lang: Lang) -> Html {
    let sent = tl.steps.iter().find(|s| s.sent.contains(&packet));
    let received = tl.steps.iter().find(|s| s.received == Some(packet));
    let arrival = match received {
        Some(s) => describe(tl, s, lang, false),
        None => html! { <span class="muted">{ Msg::NotDelivered.text(lang) }</span> },
    };
    html! {
        <dl class="causes" data-testid="causes">
            <div class="field">
                <dt>{ Msg::WhenSent.text(lang) }</dt>
                <dd data-testid="cause-sent">
                    { sent.map_or_else(Html::default, |s| describe(tl, s, lang, true)) }
                </dd>
            </div>
            <div class="field">
                <dt>{ Msg::OnArrival.text(lang) }</dt>
                <dd data-testid="cause-arrival">{ arrival }</dd>
            </div>
        </dl>
    }
}
