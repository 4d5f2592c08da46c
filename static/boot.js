// synack's loader. Trunk would inject this as an inline <script type="module">, which a
// Content-Security-Policy without 'unsafe-inline' refuses to run. Instead Trunk.toml's
// `pattern_script` puts a non-executed data block (<script type="application/json" id="synack-boot">)
// with the hashed file names where the inline loader would be, and this file (hashed and given an
// SRI integrity by Trunk's JS pipeline) reads it, imports the wasm-bindgen JS (its modulepreload
// link carries the integrity), starts the wasm and fires `TrunkApplicationStarted` exactly like
// Trunk's own loader (tests/perf/measure.mjs listens for it). Until the app mounts (Yew empties
// #app), index.html's static first paint says the simulator is loading; if loading fails, the
// page's error banner says why instead.
// A panic in a release build is a bare trap (panic=immediate-abort, ARCHITECTURE.md "The small
// wasm"): no panic hook runs, the trap surfaces here as an uncaught WebAssembly.RuntimeError,
// from whichever event, frame or timer callback was running. The app cannot go on after it, so
// the banner says so and offers a reload that keeps the address (scenario, settings, language
// and playhead live in the URL hash).
function showFatal(text) {
  const banner = document.getElementById('fatal');
  if (!banner?.hidden) return; // already showing (the first error is the one to read)
  document.getElementById('fatal-detail').textContent = text;
  const reload = banner.querySelector('a');
  if (reload) reload.href = location.href;
  banner.hidden = false;
}
// The banner's link reloads the page as it is now (a link to the same address with the same
// hash would only scroll); its href is the address, for opening it in a new tab.
document.querySelector('#fatal a')?.addEventListener('click', (e) => {
  e.preventDefault();
  location.reload();
});
const trapped = (e) => e instanceof WebAssembly.RuntimeError;
addEventListener('error', (e) => {
  if (trapped(e.error)) showFatal(`synack stopped after an internal error (${e.error}).`);
});
addEventListener('unhandledrejection', (e) => {
  if (trapped(e.reason)) showFatal(`synack stopped after an internal error (${e.reason}).`);
});

try {
  const names = JSON.parse(document.getElementById('synack-boot').textContent);
  const bindings = await import(new URL(names.js, document.baseURI).href);
  const wasm = await bindings.default({ module_or_path: new URL(names.wasm, document.baseURI).href });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
} catch (e) {
  // (A panic while starting has already filled the banner through the app's panic hook in a
  // build that has one.)
  showFatal(`synack could not start: ${e}`);
  throw e;
}
