//! The root component: the whole view state (scenario, parameters, seed, language, playhead,
//! selected packet, embedding) read from and written to the URL hash through `share`, the
//! notice and error banners, the iframe API, and the player of the chosen scenario (or of an
//! imported capture).

use super::dom;
use super::embed::{self, Command};
use super::header::{header, HeaderProps};
use super::import::use_import_state;
use super::params_panel::ParamPanel;
use super::player::{Control, Live, Player, Start};
use super::share_button::use_share_state;
use super::state::Action;
use crate::i18n::scenarios::scenario_name;
use crate::i18n::{Lang, Msg, Ui};
use crate::scenario::{build, Metric, Params, ScenarioId};
use crate::share::{self, Notice, ViewState};
use crate::time::SimTime;
use crate::timeline::Timeline;
use gloo_events::EventListener;
use std::any::Any;
use std::marker::PhantomData;
use std::ops::Deref;
use std::rc::Rc;
use yew::functional::{Hook, TearDown};
use yew::prelude::*;

/// Shared, immutable data in props: equal when it is the *same* allocation, so a 10 000-event
/// timeline is never compared or cloned when a component re-renders.
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A part of the page drawn from its inputs alone (no hooks), shown through [`memo`]: drawn
/// again only when its inputs change, like a component of its own, but without each such
/// component costing its own copy of Yew's component machinery in the wasm (≈ 2.5 KB each).
pub trait Pure: PartialEq + 'static {
    fn view(&self) -> Html;
}

/// A [`Pure`] part behind a pointer: one component type serves them all.
/// Compared as an [`AnyEq`], like effect dependencies and state.
trait AnyPure: AnyEq {
    fn view(&self) -> Html;
}

impl<T: Pure> AnyPure for T {
    fn view(&self) -> Html {
        Pure::view(self)
    }
}

#[derive(Properties)]
struct MemoProps {
    part: Box<dyn AnyPure>,
}

/// Equal when the parts are of the same kind and equal.
impl PartialEq for MemoProps {
    fn eq(&self, other: &Self) -> bool {
        self.part.same(other.part.any())
    }
}

#[component]
fn Memo(p: &MemoProps) -> Html {
    p.part.view()
}

/// `part`, re-rendered only when it differs from what the same place showed before.
pub fn memo(part: impl Pure) -> Html {
    let props = MemoProps {
        part: Box::new(part),
    };
    html! { <Memo ..props /> }
}

/// [`memo`] as an item of a keyed list.
pub fn memo_keyed(key: usize, part: impl Pure) -> Html {
    let props = MemoProps {
        part: Box::new(part),
    };
    html! { <Memo {key} ..props /> }
}

/// An effect, boxed: what it gives back to run before it runs again, or on unmount.
type Run = Box<dyn FnOnce() -> Box<dyn FnOnce()>>;

/// A comparable value behind a pointer (an effect's dependencies, a state): one type for all.
trait AnyEq {
    fn same(&self, other: &dyn Any) -> bool;
    fn any(&self) -> &dyn Any;
}

impl<T: PartialEq + 'static> AnyEq for T {
    fn same(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>().is_some_and(|o| o == self)
    }
    fn any(&self) -> &dyn Any {
        self
    }
}

struct DynEq(Box<dyn AnyEq>);

/// Equal when the values are of the same kind and equal.
impl PartialEq for DynEq {
    fn eq(&self, other: &Self) -> bool {
        self.0.same(other.0.any())
    }
}

/// Dependencies that never equal the last ones: the effect runs after every render.
struct Always;

impl PartialEq for Always {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

#[hook]
fn use_effect_dyn(deps: DynEq, f: Run) {
    use_effect_with(deps, move |_| f());
}

fn boxed<R: TearDown>(f: impl FnOnce() -> R + 'static) -> Run {
    Box::new(move || {
        let r = f();
        Box::new(move || r.tear_down()) as Box<dyn FnOnce()>
    })
}

/// `use_effect_with(deps, |_| f())`: `f` runs after a render whose `deps` differ from the
/// last ones (and after the first), and what it returns before it runs again and on unmount.
/// Boxed, so that Yew's effect machinery is compiled into the wasm once for all effects
/// rather than once per closure and kind of dependencies.
pub fn use_effect_boxed<D: PartialEq + 'static, R: TearDown>(
    deps: D,
    f: impl FnOnce() -> R + 'static,
) -> impl Hook<Output = ()> {
    use_effect_dyn(DynEq(Box::new(deps)), boxed(f))
}

/// `use_effect(f)`: `f` runs after every render, and what it returns before the next run and
/// on unmount; through the same boxed machinery as [`use_effect_boxed`].
pub fn use_effect_always<R: TearDown>(f: impl FnOnce() -> R + 'static) -> impl Hook<Output = ()> {
    use_effect_boxed(Always, f)
}

/// `use_effect_with((), f)`: `f` runs once, after the first render, and what it returns on
/// unmount; through the same boxed machinery as [`use_effect_boxed`].
pub fn use_mount<D: FnOnce() + 'static>(f: impl FnOnce() -> D + 'static) -> impl Hook<Output = ()> {
    use_effect_boxed((), f)
}

type Init = Box<dyn FnOnce() -> DynEq>;

#[hook]
fn use_state_boxed(init: Init) -> UseStateHandle<DynEq> {
    use_state(init)
}

#[hook]
fn use_state_eq_boxed(init: Init) -> UseStateHandle<DynEq> {
    use_state_eq(init)
}

/// A [`UseStateHandle`] whose value is kept as a [`DynEq`]: Yew's state machinery is compiled
/// into the wasm once for all kinds of state rather than once per kind (and per init closure).
pub struct State<T>(UseStateHandle<DynEq>, PhantomData<fn() -> T>);

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone(), PhantomData)
    }
}

impl<T: 'static> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self.0 .0.any().downcast_ref::<T>() {
            Some(v) => v,
            None => unreachable!(),
        }
    }
}

impl<T: PartialEq + 'static> State<T> {
    /// As [`UseStateHandle::set`].
    pub fn set(&self, value: T) {
        self.0.set(DynEq(Box::new(value)));
    }

    /// As [`UseStateHandle::setter`].
    pub fn setter(&self) -> Setter<T> {
        Setter(self.0.setter(), PhantomData)
    }
}

/// The [`UseStateSetter`] of a [`State`].
pub struct Setter<T>(UseStateSetter<DynEq>, PhantomData<fn(T)>);

impl<T> Clone for Setter<T> {
    fn clone(&self) -> Self {
        Setter(self.0.clone(), PhantomData)
    }
}

impl<T: PartialEq + 'static> Setter<T> {
    /// As [`UseStateSetter::set`].
    pub fn set(&self, value: T) {
        self.0.set(DynEq(Box::new(value)));
    }
}

/// `use_state(init)`, through [`State`].
#[hook]
pub fn use_state_dyn<T: PartialEq + 'static>(init: impl FnOnce() -> T + 'static) -> State<T> {
    State(
        use_state_boxed(Box::new(move || DynEq(Box::new(init())))),
        PhantomData,
    )
}

/// `use_state_eq(init)`, through [`State`].
#[hook]
pub fn use_state_eq_dyn<T: PartialEq + 'static>(init: impl FnOnce() -> T + 'static) -> State<T> {
    State(
        use_state_eq_boxed(Box::new(move || DynEq(Box::new(init())))),
        PhantomData,
    )
}

/// `use_node_ref()`, through [`State`] (Yew's own keeps a state of a kind of its own).
#[hook]
pub fn use_node_ref_dyn() -> NodeRef {
    (*use_state_dyn(NodeRef::default)).clone()
}

#[derive(Clone, PartialEq)]
pub struct PaneData {
    pub title: &'static str,
    pub timeline: Shared<Timeline>,
    pub metrics: Rc<Vec<Metric>>,
}

/// The view as the app holds it; `gen` counts loads (a link, `synack:load`), so a load always
/// starts a fresh player even when it names the same run.
#[derive(Clone, PartialEq)]
struct View {
    scenario: ScenarioId,
    params: Params,
    seed: u64,
    lang: Lang,
    embed: bool,
    start: Start,
    packet: Option<(usize, usize)>,
    gen: u32,
}

/// Hash keys that are not scenario parameters: their problems are notices, not errors.
const PAGE_KEYS: [&str; 6] = ["s", "seed", "lang", "t", "pkt", "#"];

fn load(hash: &str, gen: u32) -> (View, Vec<Notice>) {
    let (v, notices) = share::parse_hash(hash);
    let view = View {
        scenario: v.scenario,
        params: v.params,
        seed: v.seed,
        lang: v.lang.unwrap_or_else(dom::browser_lang),
        embed: v.embed || dom::embed_query(),
        start: Start::At(v.t),
        packet: v.packet,
        gen,
    };
    (view, notices)
}

/// The link of `view` as it is shown now.
fn hash_of(view: &View, live: &Live) -> String {
    share::to_hash(&ViewState {
        scenario: view.scenario,
        params: view.params.clone(),
        seed: view.seed,
        lang: Some(view.lang),
        t: live.t,
        packet: live.packet,
        embed: view.embed,
    })
}

/// The name a person reads for a scenario.
pub fn scenario_title(id: ScenarioId, lang: Lang) -> &'static str {
    scenario_name(id, lang)
}

type Panes = Rc<Vec<PaneData>>;

fn run(id: ScenarioId, params: &Params, seed: u64) -> Result<Panes, String> {
    let perf = web_sys::window().and_then(|w| w.performance());
    let t0 = perf.as_ref().map(|p| p.now());
    let panes = build(id, params, seed).map_err(|e| e.to_string())?;
    // How long the simulation + timeline rebuild took, for scripts/measure (not shown).
    if let (Some(p), Some(t0)) = (perf, t0) {
        dom::mark_build_time(p.now() - t0);
    }
    Ok(Rc::new(
        panes
            .into_iter()
            .map(|p| PaneData {
                title: p.title,
                timeline: Shared(Rc::new(p.timeline)),
                metrics: Rc::new(p.metrics),
            })
            .collect(),
    ))
}

#[component]
pub fn App() -> Html {
    let gen = use_mut_ref(|| 0u32);
    let first = use_memo((), |_| load(&dom::hash(), 0));
    let view = {
        let first = first.clone();
        use_state_dyn(move || first.0.clone())
    };
    let notices = {
        let first = first.clone();
        use_state_dyn(move || first.1.clone())
    };
    let imported = use_state_dyn(|| None::<Panes>);
    let live = use_mut_ref(|| Live {
        t: match first.0.start {
            Start::At(t) => t,
            Start::Fraction(_) => SimTime::ZERO,
        },
        packet: first.0.packet,
        ..Live::default()
    });
    let control: Rc<Control> = use_mut_ref(|| None);
    // The header's share button and import control keep their state here (they are plain
    // functions of the header, not components).
    let share = use_share_state();
    let lang = view.lang;

    // Write the link: when the view changes, and when the player settles.
    let write_hash = {
        let (view, live, imported) = (view.clone(), live.clone(), imported.is_some());
        Callback::from(move |()| {
            if !imported {
                dom::replace_hash(&hash_of(&view, &live.borrow()));
            }
        })
    };
    {
        let write_hash = write_hash.clone();
        use_effect_boxed((lang, (*view).clone(), imported.is_some()), move || {
            dom::set_html_lang(lang);
            write_hash.emit(());
        });
    }
    // Open a view from a hash (a link followed, an edited address bar, `synack:load`).
    let open = {
        let (view, notices, imported, gen) = (
            view.setter(),
            notices.setter(),
            imported.setter(),
            gen.clone(),
        );
        let live = live.clone();
        Callback::from(move |hash: String| {
            let g = {
                let mut g = gen.borrow_mut();
                *g += 1;
                *g
            };
            let (v, n) = load(&hash, g);
            *live.borrow_mut() = Live {
                t: SimTime::ZERO,
                packet: v.packet,
                ..Live::default()
            };
            if let Start::At(t) = v.start {
                live.borrow_mut().t = t;
            }
            imported.set(None);
            notices.set(n);
            view.set(v);
        })
    };
    {
        let open = open.clone();
        use_mount(move || {
            let listener = web_sys::window()
                .map(|w| EventListener::new(&w, "hashchange", move |_| open.emit(dom::hash())));
            move || drop(listener)
        });
    }
    // The iframe API: ready now, resize as the page grows, commands from allowed parents.
    use_mount(|| {
        embed::post("ready", &[]);
        || ()
    });
    embed::use_resize_reports();
    {
        let (control, open) = (control.clone(), open.clone());
        embed::use_parent_commands(Callback::from(move |c: Command| {
            let action = match c {
                Command::Load(h) => {
                    let h = if h.starts_with('#') {
                        h
                    } else {
                        format!("#{h}")
                    };
                    dom::replace_hash(&h);
                    return open.emit(h);
                }
                Command::Play => Action::Play,
                Command::Pause => Action::Pause,
                Command::Seek(t) => Action::Seek(t),
                Command::SeekStep(n) => Action::SeekStep(n),
            };
            if let Some(d) = control.borrow().as_ref() {
                d.dispatch(action);
            }
        }));
    }

    let built = use_memo(
        (view.scenario, view.params.clone(), view.seed),
        |(id, params, seed)| run(*id, params, *seed),
    );
    let on_toggle_lang = {
        let view = view.clone();
        Callback::from(move |()| {
            view.set(View {
                lang: view.lang.other(),
                ..(*view).clone()
            })
        })
    };
    let on_pick = {
        let (view, notices, imported, live) = (
            view.clone(),
            notices.clone(),
            imported.clone(),
            live.clone(),
        );
        Callback::from(move |id: ScenarioId| {
            // Another scenario starts from its own defaults, at its beginning.
            *live.borrow_mut() = Live::default();
            notices.set(Vec::new());
            imported.set(None);
            view.set(View {
                scenario: id,
                params: Params::defaults(id),
                start: Start::At(SimTime::ZERO),
                packet: None,
                ..(*view).clone()
            });
        })
    };
    let on_params = {
        let (view, live) = (view.clone(), live.clone());
        Callback::from(move |(params, seed): (Params, u64)| {
            // A rebuilt run keeps the playhead at the same relative place.
            let frac = live.borrow().fraction;
            live.borrow_mut().packet = None;
            view.set(View {
                params,
                seed,
                start: Start::Fraction(frac),
                packet: None,
                ..(*view).clone()
            });
        })
    };
    let share_url = {
        let (view, live) = (view.clone(), live.clone());
        Callback::from(move |()| dom::url_with_hash(&hash_of(&view, &live.borrow())))
    };
    let on_import = {
        let imported = imported.clone();
        Callback::from(move |panes: Panes| imported.set(Some(panes)))
    };
    let import = use_import_state(&on_import, !view.embed);
    let back = {
        let imported = imported.clone();
        Callback::from(move |_: MouseEvent| imported.set(None))
    };
    // A way back that works even when the link equals the hash already shown.
    let go = |hash: String| {
        let open = open.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            dom::replace_hash(&hash);
            open.emit(hash.clone());
        })
    };
    let (page_notices, param_notices): (Vec<&Notice>, Vec<&Notice>) = notices
        .iter()
        .partition(|n| PAGE_KEYS.contains(&n.key.as_str()));
    let notice_html = (!page_notices.is_empty()).then(|| {
        let dismiss = {
            let notices = notices.clone();
            Callback::from(move |_: MouseEvent| notices.set(Vec::new()))
        };
        html! {
            <div class="notice" role="status" data-testid="notice">
                <p>{ Ui::LinkProblems.text(lang) }</p>
                <ul>{ for page_notices.iter().map(|n| html! {
                    <li data-key={n.key.clone()}><code>{ &n.key }</code>{ format!(": {}", n.problem) }</li>
                }) }</ul>
                <button type="button" onclick={dismiss}>{ Msg::Dismiss.text(lang) }</button>
            </div>
        }
    });
    let defaults_hash = format!("#s={}&lang={}", view.scenario.id(), lang.code());
    let handshake_hash = format!("#s=handshake&lang={}", lang.code());
    let ways_back = html! {
        <p class="ways-back">
            <a href={defaults_hash.clone()} onclick={go(defaults_hash.clone())}>
                { Msg::ErrorDefaults.text(lang) }</a>
            <a href={handshake_hash.clone()} onclick={go(handshake_hash.clone())}>
                { Msg::ErrorBack.text(lang) }</a>
        </p>
    };
    // A bad parameter in the link: the run is shown with its default, and this says so.
    let param_error = (!param_notices.is_empty()).then(|| {
        html! {
            <div class="error-banner" role="alert" data-testid="error">
                <strong>{ Msg::ErrorTitle.text(lang) }</strong>
                { for param_notices.iter().map(|n| html! { <p>{ n.to_string() }</p> }) }
                { ways_back.clone() }
            </div>
        }
    });
    let live_shared = Shared(live.clone());
    let control_shared = Shared(control.clone());
    let on_settle = write_hash.clone();
    let body = match (&*imported, &*built) {
        (Some(panes), _) => html! {
            <>
                <p class="import-bar">
                    <button type="button" data-testid="back-to-scenario" onclick={back}>
                        { Ui::BackToScenario.text(lang) }</button>
                </p>
                <Player key={format!("import{}", Rc::as_ptr(panes) as usize)}
                        panes={Shared(panes.clone())} {lang} start={Start::At(SimTime::ZERO)}
                        live={live_shared} on_settle={Callback::noop()}
                        control={control_shared} embed={view.embed} />
            </>
        },
        (None, Ok(panes)) => {
            // A new run (other scenario, parameters, seed or a load) starts a new player.
            let key = format!(
                "{}{}",
                share::to_hash(&ViewState {
                    scenario: view.scenario,
                    params: view.params.clone(),
                    seed: view.seed,
                    ..ViewState::default()
                }),
                view.gen
            );
            let aside = html! {
                <ParamPanel key={view.scenario.id()} {lang} scenario={view.scenario}
                            params={view.params.clone()} seed={view.seed} on_change={on_params} />
            };
            html! { <Player {key} panes={Shared(panes.clone())} {lang} start={view.start}
            packet={view.packet} live={live_shared} {on_settle}
            control={control_shared} embed={view.embed} {aside} /> }
        }
        (None, Err(e)) => html! {
            <div class="error-banner" role="alert" data-testid="error">
                <strong>{ Msg::ErrorTitle.text(lang) }</strong>
                <p>{ e }</p>
                { ways_back }
            </div>
        },
    };
    let export_panes = match (&*imported, &*built) {
        (Some(p), _) | (None, Ok(p)) => Some(Shared(p.clone())),
        _ => None,
    };
    let export_name = if imported.is_some() {
        "synack-import".to_string()
    } else {
        format!("synack-{}", view.scenario.id())
    };
    html! {
        <main data-testid="app" data-ready="true"
              class={classes!("shell", view.embed.then_some("embed"))}>
            if !view.embed {
                { header(&HeaderProps {
                    lang,
                    scenario: view.scenario,
                    on_toggle_lang,
                    on_pick,
                    share_url,
                    share,
                    panes: export_panes,
                    export_name,
                    on_import,
                    import,
                    importing: imported.is_some(),
                }) }
            }
            { for notice_html }
            { for param_error }
            { body }
        </main>
    }
}
