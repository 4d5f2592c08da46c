// synack's loader. Trunk would inject this as an inline <script type="module">, which a
// Content-Security-Policy without 'unsafe-inline' refuses to run. Instead Trunk.toml's
// `pattern_script` puts a non-executed data block (<script type="application/json" id="synack-boot">)
// with the hashed file names where the inline loader would be, and this file (hashed and given an
// SRI integrity by Trunk's JS pipeline) reads it, imports the wasm-bindgen JS (its modulepreload
// link carries the integrity), starts the wasm and fires `TrunkApplicationStarted` exactly like
// Trunk's own loader (tests/perf/measure.mjs listens for it). Until the app mounts (Yew empties
// #app), index.html's static first paint says the simulator is loading; if loading fails, the
// page's error banner says why instead.
try {
  const names = JSON.parse(document.getElementById('synack-boot').textContent);
  const bindings = await import(new URL(names.js, document.baseURI).href);
  const wasm = await bindings.default({ module_or_path: new URL(names.wasm, document.baseURI).href });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
} catch (e) {
  // (A panic while starting has already filled the banner through the app's panic hook.)
  const banner = document.getElementById('fatal');
  if (banner?.hidden) {
    document.getElementById('fatal-detail').textContent = `synack could not start: ${e}`;
    banner.hidden = false;
  }
  throw e;
}
