//! The export menu: the panes shown as pcap, pcapng, tcpdump text, Mermaid or JSON (the same
//! `capture` code as the CLI), and the ladders as a self-contained SVG or a PNG.

use super::app::{PaneData, Shared};
use super::dom;
use super::num::px;
use crate::capture::{export, find_str, ExportFormat};
use crate::i18n::{Lang, Ui};
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn mime(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Pcap => "application/vnd.tcpdump.pcap",
        ExportFormat::Pcapng => "application/x-pcapng",
        ExportFormat::Json => "application/json",
        ExportFormat::Tcpdump | ExportFormat::Mermaid => "text/plain;charset=utf-8",
    }
}

fn label(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Pcap => "pcap",
        ExportFormat::Pcapng => "pcapng",
        ExportFormat::Tcpdump => "tcpdump -nn",
        ExportFormat::Mermaid => "Mermaid",
        ExportFormat::Json => "JSON",
    }
}

/// The page's style rules, for an SVG that must look the same outside the page (light scheme:
/// it is meant for printing).
fn page_css(doc: &web_sys::Document) -> String {
    let mut css = String::new();
    let sheets = doc.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else {
            continue;
        };
        for j in 0..rules.length() {
            if let Some(r) = rules.item(j) {
                let text = r.css_text();
                if !text.starts_with("@media (prefers-color-scheme: dark)") {
                    css.push_str(&text);
                    css.push('\n');
                }
            }
        }
    }
    css
}

/// Every ladder on the page side by side in one SVG with its styles inlined; (svg, w, h).
pub fn ladders_svg() -> Option<(String, f64, f64)> {
    let doc = web_sys::window()?.document()?;
    let ladders = doc.query_selector_all("svg.ladder").ok()?;
    let (mut x, mut h, mut inner) = (0.0f64, 0.0f64, String::new());
    for i in 0..ladders.length() {
        let Some(el) = ladders
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let vb = el.get_attribute("viewBox").unwrap_or_default();
        // JS parses the numbers: Rust's f64 parsing would add kilobytes to the wasm.
        let dims: Vec<f64> = vb
            .split_whitespace()
            .map(js_sys::Number::parse_float)
            .filter(|v| v.is_finite())
            .collect();
        let (w, hh) = match dims[..] {
            [_, _, w, h] => (w, h),
            _ => continue,
        };
        inner.push_str(&format!(
            r#"<svg class="ladder" x="{}" y="0" width="{}" height="{}" viewBox="{vb}">{}</svg>"#,
            px(x),
            px(w),
            px(hh),
            el.inner_html()
        ));
        x += w + 24.0;
        h = h.max(hh);
    }
    if inner.is_empty() {
        return None;
    }
    let w = x - 24.0;
    // `replace("]]>", "]] >")`, through `find_str` (no string searcher in the wasm).
    let mut css = page_css(&doc);
    let mut from = 0;
    while let Some(i) = find_str(&css[from..], "]]>") {
        css.replace_range(from + i..from + i + 3, "]] >");
        from += i + 4;
    }
    Some((
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" style="font-family:system-ui,sans-serif"><style><![CDATA[{css}]]></style><rect width="100%" height="100%" fill="white"/>{inner}</svg>"#,
            w = px(w),
            h = px(h)
        ),
        w,
        h,
    ))
}

/// Draw the SVG onto a canvas at twice its size and download it as PNG.
fn download_png(svg: String, w: f64, h: f64, name: String) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        web_sys::js_sys::encode_uri_component(&svg)
    );
    let img2 = img.clone();
    let onload = dom::once_js(Box::new(move || {
        let Some(canvas) = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width((w * 2.0) as u32);
        canvas.set_height((h * 2.0) as u32);
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        if let Some(ctx) = ctx {
            let _ = ctx.scale(2.0, 2.0);
            let _ = ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0);
            if let Ok(data) = canvas.to_data_url() {
                dom::download_url(&data, &name);
            }
        }
    }));
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}

/// The menu; `name` is the file name without extension. Not a component of its own: it
/// re-renders with the header, rarely, and has no state.
pub fn export_menu(lang: Lang, panes: &Shared<Vec<PaneData>>, name: &str) -> Html {
    let items = ExportFormat::ALL.into_iter().map(|f| {
        let (panes, name) = (panes.clone(), name.to_string());
        let onclick = Callback::from(move |_: MouseEvent| {
            let tls: Vec<_> = panes.iter().map(|p| &*p.timeline.0).collect();
            dom::download(
                &export(&tls, f),
                &format!("{name}.{}", f.extension()),
                mime(f),
            );
        });
        html! {
            <li><button type="button" data-testid={format!("export-{}", f.id())} {onclick}>
                { label(f) }</button></li>
        }
    });
    let svg_click = {
        let name = name.to_string();
        Callback::from(move |_: MouseEvent| {
            if let Some((svg, _, _)) = ladders_svg() {
                dom::download(svg.as_bytes(), &format!("{name}.svg"), "image/svg+xml");
            }
        })
    };
    let png_click = {
        let name = name.to_string();
        Callback::from(move |_: MouseEvent| {
            if let Some((svg, w, h)) = ladders_svg() {
                download_png(svg, w, h, format!("{name}.png"));
            }
        })
    };
    html! {
        <details class="menu" data-testid="export-menu">
            <summary>{ Ui::Export.text(lang) }</summary>
            <ul>
                { for items }
                <li><button type="button" data-testid="export-svg" onclick={svg_click}>
                    { Ui::ExportLadderSvg.text(lang) }</button></li>
                <li><button type="button" data-testid="export-png" onclick={png_click}>
                    { Ui::ExportLadderPng.text(lang) }</button></li>
            </ul>
        </details>
    }
}
