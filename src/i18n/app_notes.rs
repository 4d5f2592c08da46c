//! Narration of what applications did (HTTP, heartbeats, polling, push).

use super::Lang;
use crate::sim::AppNote;

pub fn app_note(lang: Lang, note: &AppNote) -> String {
    match (lang, note) {
        (
            Lang::En,
            AppNote::HttpRequest {
                path,
                version,
                keep_alive,
            },
        ) => {
            let v = if *version == 10 {
                "HTTP/1.0"
            } else {
                "HTTP/1.1"
            };
            let conn = match (*version, *keep_alive) {
                (10, false) => " (HTTP/1.0: the server will close the connection after answering)",
                (_, false) => {
                    " with \"Connection: close\": this is the last request on this connection"
                }
                _ => " and keeps the connection open for more",
            };
            format!(" The browser asks for {path} ({v}){conn}.")
        }
        (
            Lang::ZhCn,
            AppNote::HttpRequest {
                path,
                version,
                keep_alive,
            },
        ) => {
            let v = if *version == 10 {
                "HTTP/1.0"
            } else {
                "HTTP/1.1"
            };
            let conn = match (*version, *keep_alive) {
                (10, false) => "（HTTP/1.0：服务器回答后就会关闭连接）",
                (_, false) => "，带着“Connection: close”：这是这条连接上的最后一个请求",
                _ => "，并让连接保持打开以便继续请求",
            };
            format!("浏览器请求 {path}（{v}）{conn}。")
        }
        (Lang::En, AppNote::HttpResponse { path, status, body }) => {
            format!(" The server answers {path}: {status}, {body} bytes of body.")
        }
        (Lang::ZhCn, AppNote::HttpResponse { path, status, body }) => {
            format!("服务器回应 {path}：{status}，正文 {body} 字节。")
        }
        (Lang::En, AppNote::ResponseComplete { path }) => {
            format!(" The whole response for {path} has arrived.")
        }
        (Lang::ZhCn, AppNote::ResponseComplete { path }) => format!("{path} 的响应已全部到达。"),
        (Lang::En, AppNote::PollEmpty) => " Nothing new: this poll was wasted.".to_string(),
        (Lang::ZhCn, AppNote::PollEmpty) => "没有新消息：这次轮询白跑了一趟。".to_string(),
        (Lang::En, AppNote::ServerEvent { id }) => {
            format!(" News #{id} appears on the server.")
        }
        (Lang::ZhCn, AppNote::ServerEvent { id }) => format!("服务器上出现了第 {id} 条新消息。"),
        (Lang::En, AppNote::EventDelivered { id, latency }) => {
            format!(" The client now has news #{id}, {latency} after it appeared.")
        }
        (Lang::ZhCn, AppNote::EventDelivered { id, latency }) => {
            format!("客户端拿到了第 {id} 条消息，距它出现已过去 {latency}。")
        }
        (Lang::En, AppNote::Heartbeat) => {
            " Heartbeat: the client says \"still here\" so the connection is not idle.".to_string()
        }
        (Lang::ZhCn, AppNote::Heartbeat) => {
            "心跳：客户端发出“我还在”，让连接不至于空闲。".to_string()
        }
        (Lang::En, AppNote::HeartbeatReply) => " The heartbeat is answered.".to_string(),
        (Lang::ZhCn, AppNote::HeartbeatReply) => "心跳得到了回应。".to_string(),
        (Lang::En, AppNote::PeerOffline) => {
            " The application gives up: it considers the other side offline.".to_string()
        }
        (Lang::ZhCn, AppNote::PeerOffline) => "应用放弃了：它认为对方已经下线。".to_string(),
        (Lang::En, AppNote::Datagram { len }) => format!(" A {len}-byte datagram."),
        (Lang::ZhCn, AppNote::Datagram { len }) => format!("一个 {len} 字节的数据报。"),
    }
}
