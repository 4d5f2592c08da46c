//! Names of scenarios, pane titles, parameters and metrics, in both languages.

use super::Lang;
use crate::scenario::{MetricKey, ScenarioId};

fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

pub fn scenario_name(id: ScenarioId, lang: Lang) -> &'static str {
    match id {
        ScenarioId::Handshake => pick(lang, "Three-way handshake", "三次握手"),
        ScenarioId::Close => pick(lang, "Four-way close", "四次挥手"),
        ScenarioId::PageFetch => pick(lang, "Fetching a web page", "浏览网页的全过程"),
        ScenarioId::Http10Vs11 => pick(lang, "HTTP/1.0 vs HTTP/1.1", "HTTP/1.0 与 HTTP/1.1"),
        ScenarioId::Keepalive => pick(lang, "Keep-alive through a firewall", "穿过防火墙的保活"),
        ScenarioId::PushVsPoll => pick(lang, "Push vs polling", "推送与轮询"),
        ScenarioId::Sockets => pick(
            lang,
            "Sockets: listen, connect, accept",
            "套接字：监听、连接、接受",
        ),
        ScenarioId::Loss => pick(lang, "Packet loss and retransmission", "丢包与重传"),
        ScenarioId::Rst => pick(lang, "Resets (RST)", "复位（RST）"),
        ScenarioId::States => pick(lang, "The TCP state machine", "TCP 状态机"),
        ScenarioId::TcpVsUdp => pick(lang, "TCP vs UDP", "TCP 与 UDP"),
    }
}

/// Title of a pane from its key (see `scenario::Pane::title`).
pub fn pane_title(key: &str, lang: Lang) -> Option<&'static str> {
    Some(match key {
        "pane.handshake" => pick(
            lang,
            "Three-way handshake — the seed's worked example",
            "三次握手——原文中的实例",
        ),
        "pane.close.client" => pick(lang, "The client closes first", "客户端先关闭"),
        "pane.close.server" => pick(lang, "The server closes first", "服务器先关闭"),
        "pane.close.both" => pick(lang, "Both close at once", "双方同时关闭"),
        "pane.page_fetch" => pick(lang, "A browser fetches one page", "浏览器获取一个网页"),
        "pane.http.10" => pick(
            lang,
            "HTTP/1.0: a connection per request",
            "HTTP/1.0：每个请求一条连接",
        ),
        "pane.http.11" => pick(
            lang,
            "HTTP/1.1: one persistent connection",
            "HTTP/1.1：一条持久连接",
        ),
        "pane.http.pipelined" => pick(lang, "HTTP/1.1 pipelined", "HTTP/1.1 流水线"),
        "pane.keepalive.none" => pick(lang, "No heartbeat", "没有心跳"),
        "pane.keepalive.heartbeat" => pick(lang, "Application heartbeat", "应用层心跳"),
        "pane.keepalive.tcp" => pick(lang, "TCP keep-alive probes", "TCP 保活探测"),
        "pane.push.short" => pick(lang, "Short polling", "短轮询"),
        "pane.push.long" => pick(lang, "Long polling", "长轮询"),
        "pane.push.push" => pick(lang, "Push over one socket", "通过套接字推送"),
        "pane.sockets" => pick(
            lang,
            "One listening socket, one socket per client",
            "一个监听套接字，每个客户端一个套接字",
        ),
        "pane.rst.closed" => pick(
            lang,
            "Connecting to a closed port",
            "连接一个没有监听的端口",
        ),
        "pane.rst.abort" => pick(lang, "An application aborts", "应用中止连接"),
        "pane.loss.rto" => pick(
            lang,
            "Lost data, retransmitted after the timeout",
            "数据丢失，超时后重传",
        ),
        "pane.loss.syn" => pick(lang, "Lost SYN, tried again", "SYN 丢失，重新尝试"),
        "pane.loss.fast" => pick(
            lang,
            "Fast retransmit after three duplicate ACKs",
            "三个重复 ACK 后快速重传",
        ),
        "pane.udp" => pick(
            lang,
            "UDP: datagrams, nothing acknowledged",
            "UDP：数据报，没有确认",
        ),
        "pane.tcp" => pick(
            lang,
            "TCP: a connection, every byte acknowledged",
            "TCP：一条连接，每个字节都有确认",
        ),
        "pane.states" => pick(lang, "One connection's whole life", "一条连接的一生"),
        _ => return None,
    })
}

pub fn metric_name(key: MetricKey, lang: Lang) -> &'static str {
    match key {
        MetricKey::Connections => pick(lang, "connections opened", "建立的连接"),
        MetricKey::Requests => pick(lang, "requests", "请求数"),
        MetricKey::TotalTime => pick(lang, "total time", "总时间"),
        MetricKey::RoundTrips => pick(lang, "round trips (RTT)", "往返次数（RTT）"),
        MetricKey::Segments => pick(lang, "segments", "报文段"),
        MetricKey::BytesOnWire => pick(lang, "bytes on the wire", "线路上的字节"),
        MetricKey::Retransmissions => pick(lang, "retransmissions", "重传"),
        MetricKey::LatencyMin => pick(lang, "latency min", "最小延迟"),
        MetricKey::LatencyMedian => pick(lang, "latency median", "延迟中位数"),
        MetricKey::LatencyMax => pick(lang, "latency max", "最大延迟"),
        MetricKey::EventsDelivered => pick(lang, "events delivered", "送达的事件"),
        MetricKey::MessagesDelivered => pick(lang, "messages delivered", "送达的消息"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::build_default;

    #[test]
    fn every_scenario_and_pane_has_both_names() {
        for id in ScenarioId::ALL {
            assert_ne!(scenario_name(id, Lang::En), scenario_name(id, Lang::ZhCn));
            for pane in build_default(id, 1).unwrap() {
                for lang in Lang::ALL {
                    assert!(
                        pane_title(pane.title, lang).is_some(),
                        "{} has no {lang:?} title",
                        pane.title
                    );
                }
                for m in &pane.metrics {
                    assert_ne!(metric_name(m.key, Lang::En), metric_name(m.key, Lang::ZhCn));
                }
            }
        }
    }
}
