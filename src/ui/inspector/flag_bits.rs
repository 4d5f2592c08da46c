//! The six control bits in header order, each a cell with its name, 1 or 0 and its meaning.
//! Set and clear bits differ in shape (solid filled cell vs dashed outline) and text, not
//! only in colour.

use crate::i18n::{Lang, Msg};
use crate::tcp::Flags;
use yew::prelude::*;

fn meaning(name: &str) -> Msg {
    match name {
        "URG" => Msg::FlagUrg,
        "ACK" => Msg::FlagAck,
        "PSH" => Msg::FlagPsh,
        "RST" => Msg::FlagRst,
        "SYN" => Msg::FlagSyn,
        _ => Msg::FlagFin,
    }
}

pub fn flag_bits(flags: Flags, lang: Lang) -> Html {
    let cells = Flags::HEADER_ORDER.iter().map(|&(flag, name)| {
        let set = flags.contains(flag);
        let state = if set { Msg::BitSet } else { Msg::BitClear };
        html! {
            <li class={classes!("bit", if set { "on" } else { "off" })}
                data-testid={format!("flag-{}", name.to_ascii_lowercase())}
                data-set={set.to_string()}
                aria-label={format!("{name}: {} ({})", state.text(lang), meaning(name).text(lang))}>
                <span class="bit-name" aria-hidden="true">{ name }</span>
                <span class="bit-value" aria-hidden="true">{ if set { "1" } else { "0" } }</span>
                <span class="bit-meaning" aria-hidden="true">{ meaning(name).text(lang) }</span>
            </li>
        }
    });
    html! {
        <>
            <h3>{ Msg::FlagsHeading.text(lang) }</h3>
            <ul class="bits" data-testid="flags">{ for cells }</ul>
        </>
    }
}
