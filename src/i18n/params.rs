//! Strings of the parameter panel, sharing, embedding, export and import, in both languages.
//! Kept apart from `Msg` so these panels can grow without touching the main table.

use super::Lang;
use crate::scenario::Unit;

fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

/// The name a person reads for a scenario parameter; the key itself if the table lacks it.
pub fn param_label(key: &str, lang: Lang) -> &str {
    let (en, zh) = match key {
        "latency" => ("One-way latency", "单程时延"),
        "think" => ("Server think time", "服务器处理时间"),
        "size" => ("Payload size", "数据大小"),
        "close_after" => ("Close after", "多久后关闭"),
        "unsent" => ("Unsent bytes", "未发送的字节"),
        "example" => ("Example", "示例"),
        "msl" => ("MSL (max segment lifetime)", "MSL（报文段最长寿命）"),
        "app_delay" => ("Application delay", "应用延迟"),
        "n" => ("Requests", "请求数"),
        "rtt" => ("Round-trip time", "往返时间"),
        "parallel" => ("Parallel connections", "并行连接数"),
        "slow" => (
            "Slow resource (its number; 0: none)",
            "慢资源编号（0 表示没有）",
        ),
        "loss" => ("Packet loss", "丢包率"),
        "slow_ms" => ("Slow response delay", "慢响应延迟"),
        "clients" => ("Clients", "客户端数"),
        "backlog" => ("Listen backlog", "监听队列长度"),
        "accept_delay" => ("accept() delay", "accept() 延迟"),
        "stagger" => ("Client stagger", "客户端间隔"),
        "events" => ("Events", "事件数"),
        "span" => ("Time span", "时间跨度"),
        "period" => ("Polling period", "轮询周期"),
        "timeout" => ("Firewall idle timeout", "防火墙空闲超时"),
        "heartbeat" => ("Heartbeat interval", "心跳间隔"),
        "request_at" => ("Request at", "请求时刻"),
        "firewall" => ("Firewall on expiry", "防火墙超时后"),
        "missed" => ("Missed heartbeats", "允许丢失的心跳"),
        "rto_min" => ("Minimum RTO", "最小 RTO"),
        "burst" => ("Burst length", "突发长度"),
        "messages" => ("Messages", "消息数"),
        "lose" => ("Message lost (0: none)", "丢失第几条消息（0：不丢）"),
        "interval" => ("Interval between messages", "消息间隔"),
        _ => return key,
    };
    pick(lang, en, zh)
}

/// A choice word of a parameter, for a person.
pub fn choice_label(word: &str, lang: Lang) -> &str {
    match word {
        "seed" => pick(lang, "the seed's example", "原文示例"),
        "random" => pick(lang, "random", "随机"),
        "drop" => pick(lang, "drop silently", "静默丢弃"),
        "reset" => pick(lang, "answer with RST", "回复 RST"),
        _ => word,
    }
}

/// The unit shown beside a number input (empty for counts and choices).
pub fn unit_label(unit: Unit, lang: Lang) -> &'static str {
    match unit {
        Unit::Ms => pick(lang, "ms", "毫秒"),
        Unit::Seconds => pick(lang, "s", "秒"),
        Unit::Bytes => pick(lang, "bytes", "字节"),
        Unit::Percent => "%",
        Unit::Count | Unit::Choice => "",
    }
}

/// Fixed strings of the panels added for sharing, embedding, export and import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ui {
    Parameters,
    Seed,
    ResetDefaults,
    /// Shown under a rejected value: what is accepted follows.
    InvalidValue,
    Share,
    LinkCopied,
    CopyByHand,
    Export,
    ExportLadderSvg,
    ExportLadderPng,
    Import,
    ImportHint,
    Reading,
    ImportFailed,
    ImportPartial,
    ImportedPane,
    BackToScenario,
    LinkProblems,
    /// The timing of an imported capture's animation.
    Timing,
    TimingReal,
    TimingEven,
}

impl Ui {
    pub const ALL: [Ui; 21] = [
        Ui::Parameters,
        Ui::Seed,
        Ui::ResetDefaults,
        Ui::InvalidValue,
        Ui::Share,
        Ui::LinkCopied,
        Ui::CopyByHand,
        Ui::Export,
        Ui::ExportLadderSvg,
        Ui::ExportLadderPng,
        Ui::Import,
        Ui::ImportHint,
        Ui::Reading,
        Ui::ImportFailed,
        Ui::ImportPartial,
        Ui::ImportedPane,
        Ui::BackToScenario,
        Ui::LinkProblems,
        Ui::Timing,
        Ui::TimingReal,
        Ui::TimingEven,
    ];

    pub fn text(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Ui::Parameters => ("Parameters", "参数"),
            Ui::Seed => ("Random seed", "随机种子"),
            Ui::ResetDefaults => ("Reset to defaults", "恢复默认值"),
            Ui::InvalidValue => (
                "Not accepted; keeping the last good value.",
                "无效，保留上一个有效值。",
            ),
            Ui::Share => ("Share", "分享"),
            Ui::LinkCopied => ("Link copied", "链接已复制"),
            Ui::CopyByHand => ("Copy this link", "请复制此链接"),
            Ui::Export => ("Export", "导出"),
            Ui::ExportLadderSvg => ("Ladder as SVG", "时序图 SVG"),
            Ui::ExportLadderPng => ("Ladder as PNG", "时序图 PNG"),
            Ui::Import => ("Import capture", "导入抓包"),
            Ui::ImportHint => (
                "pcap, pcapng or tcpdump -nn text; or drop a file on the page",
                "pcap、pcapng 或 tcpdump -nn 文本；也可以把文件拖到页面上",
            ),
            Ui::Reading => ("Reading", "正在读取"),
            Ui::ImportFailed => ("The capture could not be read", "无法读取这个抓包文件"),
            Ui::ImportPartial => (
                "The capture is shown up to the problem",
                "已显示出错位置之前的内容",
            ),
            Ui::ImportedPane => ("Imported capture", "导入的抓包"),
            Ui::BackToScenario => ("Back to the scenario", "回到场景"),
            Ui::LinkProblems => (
                "Some values in the link were not usable; their defaults are shown instead:",
                "链接中有些值无法使用，已改用默认值：",
            ),
            Ui::Timing => ("Timing", "时间"),
            Ui::TimingReal => ("real", "真实间隔"),
            Ui::TimingEven => ("evenly spaced", "均匀间隔"),
        };
        pick(lang, en, zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ScenarioId;

    #[test]
    fn every_string_has_both_languages() {
        for m in Ui::ALL {
            assert!(!m.text(Lang::En).is_empty());
            assert_ne!(m.text(Lang::En), m.text(Lang::ZhCn), "{m:?}");
        }
    }

    #[test]
    fn every_parameter_has_a_name_in_both_languages() {
        for id in ScenarioId::ALL {
            for p in id.params() {
                assert_ne!(param_label(p.key, Lang::En), p.key, "{}", p.key);
                assert_ne!(param_label(p.key, Lang::ZhCn), p.key, "{}", p.key);
                for c in p.choices {
                    assert_ne!(choice_label(c, Lang::ZhCn), *c, "{c}");
                }
            }
        }
    }
}
