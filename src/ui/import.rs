//! Import a capture: a file input, or a file dropped anywhere on the page. The bytes go to
//! `capture` (format auto-detected), the result becomes an `import` pane with inferred states.
//! On a problem the message names the position; what was read before it is still shown; with
//! nothing readable the current view stays.

use super::app::{use_effect_boxed, use_state_dyn, PaneData, Setter, Shared, State};
use super::pane::IMPORT_TITLE;
use crate::capture::{self, Spacing};
use crate::i18n::{Lang, Ui};
use crate::time::SimDuration;
use gloo_events::{EventListener, EventListenerOptions};
use std::cell::Cell;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{File, FileReader, HtmlInputElement, HtmlSelectElement, ProgressEvent};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    /// Percent read.
    Reading(u32),
    /// Shown, with what to tell (a problem after some packets, a cap).
    Done(Vec<String>),
    /// Nothing could be shown.
    Failed(String),
}

/// One file being read: the reader and its callbacks live until the next file.
struct Reading {
    _reader: FileReader,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
    _load: Closure<dyn FnMut()>,
}

/// The step of evenly spaced timing: every send and every arrival this long after the last.
const EVEN_STEP: SimDuration = SimDuration::from_millis(100);

fn spacing(even: bool) -> Spacing {
    if even {
        Spacing::Even(EVEN_STEP)
    } else {
        Spacing::Real
    }
}

/// Read, analyse and lay out a capture; `Err` when nothing could be read.
fn to_panes(bytes: &[u8], spacing: Spacing) -> Result<(Rc<Vec<PaneData>>, Vec<String>), String> {
    let import = capture::read(bytes);
    let cap = &import.capture;
    let mut told: Vec<String> = cap.notices.iter().map(|n| n.to_string()).collect();
    if cap.packets.is_empty() {
        return Err(match import.error {
            Some(e) => e.to_string(),
            None => "no TCP packets in this capture".to_string(),
        });
    }
    if let Some(e) = import.error {
        told.insert(0, e.to_string());
    }
    let analysis = capture::analyze(cap);
    let (tl, notices) = capture::to_timeline(cap, &analysis, spacing);
    told.extend(notices.iter().map(|n| n.to_string()));
    let pane = PaneData {
        title: IMPORT_TITLE,
        timeline: Shared(Rc::new(tl)),
        metrics: Rc::new(Vec::new()),
    };
    Ok((Rc::new(vec![pane]), told))
}

/// What the timing toggle needs to lay the last capture out again.
#[derive(Default)]
struct Last {
    /// The bytes of the last capture shown.
    bytes: Option<Rc<Vec<u8>>>,
    /// Evenly spaced (`true`) or real timing.
    even: Cell<bool>,
}

fn start_reading(
    file: &File,
    status: Setter<Status>,
    on_import: Callback<Rc<Vec<PaneData>>>,
    last: Rc<RefCell<Last>>,
) -> Option<Reading> {
    let reader = FileReader::new().ok()?;
    let s = status.clone();
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            s.set(Status::Reading((e.loaded() * 100.0 / e.total()) as u32));
        }
    });
    let r = reader.clone();
    let load = Closure::<dyn FnMut()>::new(move || {
        let Ok(buf) = r.result() else {
            return status.set(Status::Failed("the file could not be read".into()));
        };
        let bytes = web_sys::js_sys::Uint8Array::new(&buf).to_vec();
        let even = last.borrow().even.get();
        match to_panes(&bytes, spacing(even)) {
            Ok((panes, told)) => {
                last.borrow_mut().bytes = Some(Rc::new(bytes));
                status.set(Status::Done(told));
                on_import.emit(panes);
            }
            Err(e) => status.set(Status::Failed(e)),
        }
    });
    reader.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    reader.set_onload(Some(load.as_ref().unchecked_ref()));
    reader.read_as_array_buffer(file).ok()?;
    Some(Reading {
        _reader: reader,
        _progress: progress,
        _load: load,
    })
}

/// The import control's state, kept by the app: the control is not a component of its own
/// (it would re-render with the header anyway, whose `on_import` is new each time).
#[derive(Clone)]
pub struct ImportState {
    status: State<Status>,
    last: Rc<RefCell<Last>>,
    /// Mirrors `last.even` so that the toggle re-renders.
    even: State<bool>,
    take: Rc<dyn Fn(File)>,
}

/// `on_import` gets the panes of each capture read. Files dropped on the page are taken only
/// while `enabled` (the control is on the page: not in an embedded view).
#[hook]
pub fn use_import_state(on_import: &Callback<Rc<Vec<PaneData>>>, enabled: bool) -> ImportState {
    let status = use_state_dyn(|| Status::Idle);
    let reading: Rc<RefCell<Option<Reading>>> = use_mut_ref(|| None);
    let last: Rc<RefCell<Last>> = use_mut_ref(Last::default);
    let even = use_state_dyn(|| false);
    let take: Rc<dyn Fn(File)> = {
        let (status, reading, on_import) = (status.setter(), reading.clone(), on_import.clone());
        let last = last.clone();
        Rc::new(move |file: File| {
            status.set(Status::Reading(0));
            *reading.borrow_mut() =
                start_reading(&file, status.clone(), on_import.clone(), last.clone());
        })
    };
    // Drop a file anywhere on the page.
    {
        let take = take.clone();
        use_effect_boxed(enabled, move || {
            let doc = web_sys::window()
                .and_then(|w| w.document())
                .filter(|_| enabled);
            let listeners = doc.map(|d| {
                let opts = EventListenerOptions::enable_prevent_default();
                let over =
                    EventListener::new_with_options(&d, "dragover", opts, |e| e.prevent_default());
                let drop = EventListener::new_with_options(&d, "drop", opts, move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::DragEvent>() else {
                        return;
                    };
                    if let Some(f) = e
                        .data_transfer()
                        .and_then(|d| d.files())
                        .and_then(|l| l.get(0))
                    {
                        e.prevent_default();
                        take(f);
                    }
                });
                (over, drop)
            });
            move || drop(listeners)
        });
    }
    ImportState {
        status,
        last,
        even,
        take,
    }
}

/// `showing`: the imported capture is what the page shows (not a scenario picked since).
pub fn import_control(
    lang: Lang,
    showing: bool,
    on_import: &Callback<Rc<Vec<PaneData>>>,
    state: &ImportState,
) -> Html {
    let ImportState {
        status,
        last,
        even,
        take,
    } = state;
    // Lay the last capture out again with the other timing.
    let on_timing = {
        let (last, even, on_import) = (last.clone(), even.setter(), on_import.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value() == "even";
            last.borrow().even.set(v);
            even.set(v);
            let bytes = last.borrow().bytes.clone();
            if let Some(Ok((panes, _))) = bytes.map(|b| to_panes(&b, spacing(v))) {
                on_import.emit(panes);
            }
        })
    };
    let onchange = {
        let take = take.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                take(f);
            }
            input.set_value(""); // the same file again is a new import
        })
    };
    let shown = match &**status {
        Status::Idle => html! {},
        Status::Reading(pct) => html! {
            <progress data-testid="import-progress" max="100" value={pct.to_string()}
                      aria-label={Ui::Reading.text(lang)}></progress>
        },
        // Notes on an import are stale once another scenario is on show.
        Status::Done(told) if told.is_empty() || !showing => html! {},
        Status::Done(told) => html! {
            <div class="import-note" role="status" data-testid="import-note">
                <strong>{ Ui::ImportPartial.text(lang) }</strong>
                { for told.iter().map(|t| html! { <p>{ t }</p> }) }
            </div>
        },
        Status::Failed(why) => html! {
            <div class="import-error" role="alert" data-testid="import-error">
                <strong>{ Ui::ImportFailed.text(lang) }</strong>
                <p>{ why }</p>
            </div>
        },
    };
    let timing = (showing && matches!(&**status, Status::Done(_))).then(|| {
        html! {
            <label class="timing">
                <span>{ Ui::Timing.text(lang) }</span>
                <select data-testid="import-timing" onchange={on_timing}>
                    <option value="real" selected={!**even}>{ Ui::TimingReal.text(lang) }</option>
                    <option value="even" selected={**even}>{ Ui::TimingEven.text(lang) }</option>
                </select>
            </label>
        }
    });
    html! {
        <div class="import">
            <label class="file">
                <span>{ Ui::Import.text(lang) }</span>
                <input type="file" data-testid="import-file" {onchange}
                       accept=".pcap,.pcapng,.cap,.txt,application/vnd.tcpdump.pcap"
                       title={Ui::ImportHint.text(lang)} />
            </label>
            { timing }
            { shown }
        </div>
    }
}
