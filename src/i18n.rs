//! Pure layer `i18n`: every string a person reads, in English and Simplified Chinese.
//!
//! It sits above `timeline` (narration is composed from a step's facts) and below `ui`; it has
//! no web dependency so the CLI and native tests can check every string in both languages.

mod app_notes;
mod narration;
pub mod scenarios;

pub use narration::narrate;

/// Interface language. `zh-CN` and `en` as in the URL hash and `<html lang>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Accepts `en`, `en-US`, `zh`, `zh-CN`, `zh-Hans` (case-insensitive).
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.to_ascii_lowercase();
        if l == "en" || l.starts_with("en-") {
            Some(Lang::En)
        } else if l == "zh" || l.starts_with("zh-") {
            Some(Lang::ZhCn)
        } else {
            None
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::ZhCn,
            Lang::ZhCn => Lang::En,
        }
    }
}

/// Fixed interface strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Tagline,
    Play,
    Pause,
    StepBack,
    StepForward,
    Restart,
    ToEnd,
    Speed,
    Scrubber,
    NarrationHeading,
    BeforeStart,
    /// The name of the *other* language, shown on the toggle.
    OtherLanguage,
    SwitchLanguage,
    KeyboardHint,
    Client,
    Server,
    Middlebox,
    PaneHandshake,
    LadderLabel,
    Controls,
    Lost,
    Retransmission,
    ErrorTitle,
    ErrorBack,
}

impl Msg {
    pub const ALL: [Msg; 24] = [
        Msg::Tagline,
        Msg::Play,
        Msg::Pause,
        Msg::StepBack,
        Msg::StepForward,
        Msg::Restart,
        Msg::ToEnd,
        Msg::Speed,
        Msg::Scrubber,
        Msg::NarrationHeading,
        Msg::BeforeStart,
        Msg::OtherLanguage,
        Msg::SwitchLanguage,
        Msg::KeyboardHint,
        Msg::Client,
        Msg::Server,
        Msg::Middlebox,
        Msg::PaneHandshake,
        Msg::LadderLabel,
        Msg::Controls,
        Msg::Lost,
        Msg::Retransmission,
        Msg::ErrorTitle,
        Msg::ErrorBack,
    ];

    /// Look up a pane title key produced by the scenario layer.
    pub fn pane_title(key: &str) -> Option<Msg> {
        match key {
            "pane.handshake" => Some(Msg::PaneHandshake),
            _ => None,
        }
    }

    pub fn text(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Msg::Tagline => ("watch TCP connections happen", "看 TCP 连接一步步发生"),
            Msg::Play => ("Play", "播放"),
            Msg::Pause => ("Pause", "暂停"),
            Msg::StepBack => ("Previous step", "上一步"),
            Msg::StepForward => ("Next step", "下一步"),
            Msg::Restart => ("Back to start", "回到开头"),
            Msg::ToEnd => ("Jump to end", "跳到结尾"),
            Msg::Speed => ("Speed", "速度"),
            Msg::Scrubber => ("Playback position", "播放位置"),
            Msg::NarrationHeading => ("What is happening", "正在发生什么"),
            Msg::BeforeStart => (
                "Nothing has happened yet. Press Play or step forward.",
                "还什么都没发生。按“播放”或“下一步”开始。",
            ),
            Msg::OtherLanguage => ("中文", "English"),
            Msg::SwitchLanguage => ("Switch to Chinese", "切换到英文"),
            Msg::KeyboardHint => (
                "Keys: Space play/pause · ← → step · Home/End start/end",
                "按键：空格 播放/暂停 · ← → 单步 · Home/End 开头/结尾",
            ),
            Msg::Client => ("client", "客户端"),
            Msg::Server => ("server", "服务器"),
            Msg::Middlebox => ("firewall", "防火墙"),
            Msg::PaneHandshake => (
                "Three-way handshake — the seed's worked example",
                "三次握手——原文中的实例",
            ),
            Msg::LadderLabel => (
                "Ladder diagram: time runs downward, each arrow is one TCP segment",
                "时序图：时间自上而下，每个箭头是一个 TCP 报文段",
            ),
            Msg::Controls => ("Playback controls", "播放控制"),
            Msg::Lost => ("lost", "丢失"),
            Msg::Retransmission => ("retransmission", "重传"),
            Msg::ErrorTitle => ("Something went wrong", "出错了"),
            Msg::ErrorBack => ("Back to the handshake", "回到三次握手"),
        };
        match lang {
            Lang::En => en,
            Lang::ZhCn => zh,
        }
    }
}

/// "Step 3 / 5" / "第 3 / 5 步".
pub fn step_counter(lang: Lang, current: usize, total: usize) -> String {
    match lang {
        Lang::En => format!("Step {current} / {total}"),
        Lang::ZhCn => format!("第 {current} / {total} 步"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            for l in Lang::ALL {
                assert!(!m.text(l).trim().is_empty(), "{m:?} lacks {l:?}");
            }
            assert_ne!(
                m.text(Lang::En),
                m.text(Lang::ZhCn),
                "{m:?} is not translated"
            );
        }
    }

    #[test]
    fn lang_codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
        assert_eq!(Lang::parse("zh-Hans"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
    }
}
