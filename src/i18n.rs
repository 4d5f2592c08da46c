//! Pure layer `i18n`: every string a person reads, in English and Simplified Chinese.
//!
//! It sits above `timeline` (narration is composed from a step's facts) and below `ui`; it has
//! no web dependency so the CLI and native tests can check every string in both languages.

mod app_notes;
mod narration;
mod params;
pub mod scenarios;

pub use narration::narrate;
pub use params::{choice_label, param_label, unit_label, Ui};

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
    // --- scenario picker, notices ---
    Scenario,
    Dismiss,
    // --- packet inspector ---
    Inspector,
    InspectHint,
    CloseInspector,
    FlagsHeading,
    FlagUrg,
    FlagAck,
    FlagPsh,
    FlagRst,
    FlagSyn,
    FlagFin,
    BitSet,
    BitClear,
    SeqNumber,
    AckNumber,
    Absolute,
    Relative,
    PayloadLength,
    Window,
    MssOption,
    UrgentPointer,
    Payload,
    NoPayload,
    NoneValue,
    WhenSent,
    OnArrival,
    NoStateChange,
    NotDelivered,
    Delivered,
    SentAt,
    // --- state diagram ---
    StateDiagram,
    StateDiagramLabel,
    ConnectionShown,
    LastTransition,
    NoTransitionYet,
    Metrics,
    ErrorDefaults,
}

impl Msg {
    pub const ALL: [Msg; 62] = [
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
        Msg::Scenario,
        Msg::Dismiss,
        Msg::Inspector,
        Msg::InspectHint,
        Msg::CloseInspector,
        Msg::FlagsHeading,
        Msg::FlagUrg,
        Msg::FlagAck,
        Msg::FlagPsh,
        Msg::FlagRst,
        Msg::FlagSyn,
        Msg::FlagFin,
        Msg::BitSet,
        Msg::BitClear,
        Msg::SeqNumber,
        Msg::AckNumber,
        Msg::Absolute,
        Msg::Relative,
        Msg::PayloadLength,
        Msg::Window,
        Msg::MssOption,
        Msg::UrgentPointer,
        Msg::Payload,
        Msg::NoPayload,
        Msg::NoneValue,
        Msg::WhenSent,
        Msg::OnArrival,
        Msg::NoStateChange,
        Msg::NotDelivered,
        Msg::Delivered,
        Msg::SentAt,
        Msg::StateDiagram,
        Msg::StateDiagramLabel,
        Msg::ConnectionShown,
        Msg::LastTransition,
        Msg::NoTransitionYet,
        Msg::Metrics,
        Msg::ErrorDefaults,
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
                "Keys: Space play/pause · ← → step · Home/End start/end · in a ladder ↑ ↓ pick a packet, Enter inspect it",
                "按键：空格 播放/暂停 · ← → 单步 · Home/End 开头/结尾 · 在时序图里 ↑ ↓ 选报文，回车查看详情",
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
            Msg::Scenario => ("Scenario", "场景"),
            Msg::Dismiss => ("Dismiss", "知道了"),
            Msg::Inspector => ("Packet inspector", "报文检查器"),
            Msg::InspectHint => (
                "Click a packet, or Tab to it and press Enter, to see its header.",
                "点击一个报文（或用 Tab 选中后按回车）查看它的首部。",
            ),
            Msg::CloseInspector => ("Close the inspector (Esc)", "关闭检查器（Esc）"),
            Msg::FlagsHeading => ("Control bits (flags)", "控制位（标志）"),
            Msg::FlagUrg => ("urgent", "紧急"),
            Msg::FlagAck => ("acknowledge", "确认"),
            Msg::FlagPsh => ("push", "推送"),
            Msg::FlagRst => ("reset", "复位"),
            Msg::FlagSyn => ("synchronize", "同步"),
            Msg::FlagFin => ("finish", "结束"),
            Msg::BitSet => ("set", "置 1"),
            Msg::BitClear => ("not set", "为 0"),
            Msg::SeqNumber => ("Sequence number", "序号 seq"),
            Msg::AckNumber => ("Acknowledgment number", "确认号 ack"),
            Msg::Absolute => ("raw", "原始值"),
            Msg::Relative => ("relative", "相对值"),
            Msg::PayloadLength => ("Payload length", "数据长度"),
            Msg::Window => ("Window", "窗口"),
            Msg::MssOption => ("MSS option", "MSS 选项"),
            Msg::UrgentPointer => ("Urgent pointer", "紧急指针"),
            Msg::Payload => ("Payload", "数据内容"),
            Msg::NoPayload => ("no payload", "无数据"),
            Msg::NoneValue => ("none", "无"),
            Msg::WhenSent => ("When it was sent", "发送时"),
            Msg::OnArrival => ("When it arrived", "到达时"),
            Msg::NoStateChange => ("no state change", "状态不变"),
            Msg::NotDelivered => ("never arrived", "没有到达"),
            Msg::Delivered => ("arrived", "到达"),
            Msg::SentAt => ("sent", "发出"),
            Msg::StateDiagram => ("TCP state diagram (RFC 9293)", "TCP 状态图（RFC 9293）"),
            Msg::StateDiagramLabel => (
                "The eleven TCP states and the transitions between them",
                "TCP 的 11 个状态以及它们之间的转换",
            ),
            Msg::ConnectionShown => ("Connection shown", "显示的连接"),
            Msg::LastTransition => ("Last transition", "最近一次转换"),
            Msg::NoTransitionYet => ("no transition yet", "尚无状态转换"),
            Msg::Metrics => ("Metrics", "统计"),
            Msg::ErrorDefaults => (
                "Open this scenario with its default settings",
                "用默认设置打开这个场景",
            ),
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

/// The notice shown when the link names a scenario that does not exist.
pub fn unknown_scenario(lang: Lang, key: &str, fallback: &str) -> String {
    match lang {
        Lang::En => format!("The link asks for a scenario “{key}”, which does not exist; showing “{fallback}” instead."),
        Lang::ZhCn => format!("链接里的场景“{key}”不存在，改为显示“{fallback}”。"),
    }
}

/// What a screen reader says for one packet of the ladder.
pub fn packet_description(
    lang: Lang,
    label: &str,
    from: &str,
    to: &str,
    retransmission: bool,
    lost: bool,
) -> String {
    let mut s = match lang {
        Lang::En => format!("{label}, {from} to {to}"),
        Lang::ZhCn => format!("{label}，{from}发往{to}"),
    };
    if retransmission {
        s.push_str(match lang {
            Lang::En => ", retransmission",
            Lang::ZhCn => "，重传",
        });
    }
    if lost {
        s.push_str(match lang {
            Lang::En => ", lost",
            Lang::ZhCn => "，丢失",
        });
    }
    s.push_str(match lang {
        Lang::En => ". Press Enter to inspect.",
        Lang::ZhCn => "。按回车查看详情。",
    });
    s
}

/// "3 bytes" / "3 字节".
pub fn bytes(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En if n == 1 => "1 byte".to_string(),
        Lang::En => format!("{n} bytes"),
        Lang::ZhCn => format!("{n} 字节"),
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
