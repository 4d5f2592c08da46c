// Content-Security-Policy (issue 7): the shipped pages carry a policy without 'unsafe-inline' or
// 'unsafe-eval' ('wasm-unsafe-eval' only, for WebAssembly), the app runs with it enforced (no
// `securitypolicyviolation` event, no console message about the policy) through a whole scenario,
// the inspector, a language switch and a scenario switch, and no request leaves the test server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBrowser, testBrowser, testServer, openApp, waitForState, TEST_TIMEOUT, TIMEOUT, UI_TIMEOUT, sleep } from './harness.mjs';
import { defaultDist } from './server.mjs';

useBrowser();

// Records every CSP violation in every frame, from before any script of the page runs.
const RECORD_VIOLATIONS = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample || ''}`);
  });
};

/** Watches a context's pages for CSP console messages and records the origin of every request. */
function watch(context) {
  const seen = { cspConsole: [], requests: [] };
  context.on('request', (req) => seen.requests.push(req.url()));
  context.on('page', (page) => {
    page.on('console', (msg) => {
      if (/Content[- ]Security[- ]Policy/i.test(msg.text())) seen.cspConsole.push(msg.text());
    });
  });
  return seen;
}

/** The policy of a page's `<meta http-equiv="Content-Security-Policy">`, checked. */
async function assertPolicy(frame, what) {
  const csp = await frame.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? null,
  );
  assert.ok(csp, `${what}: a <meta http-equiv="Content-Security-Policy"> is present`);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'/, `${what}: ${csp}`);
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"], `${what}: script-src`);
  assert.deepEqual(directives['style-src'], ["'self'"], `${what}: style-src`);
  assert.deepEqual(directives['default-src'], ["'self'"], `${what}: default-src`);
  assert.deepEqual(directives['object-src'], ["'none'"], `${what}: object-src`);
  return csp;
}

/** Asserts every request went to the test server's own origin (or a blob: of it). */
function assertSameOrigin(urls, what) {
  const origin = testServer().origin;
  const outside = urls.filter((u) => !u.startsWith(origin + '/') && !u.startsWith(`blob:${origin}/`) && !u.startsWith('data:'));
  assert.deepEqual(outside, [], `${what}: every request stays on ${origin}`);
  assert.ok(urls.length > 0, `${what}: requests were seen`);
}

/** A page in a context of its own (openApp's has no hook for an init script before the first
 * load) that records CSP violations, console messages, requests and page errors. */
async function recordingPage(t) {
  const context = await testBrowser().newContext({ reducedMotion: 'reduce', viewport: { width: 1280, height: 800 } });
  t.after(() => context.close());
  context.setDefaultTimeout(TIMEOUT);
  await context.addInitScript(RECORD_VIOLATIONS);
  const seen = watch(context);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { page, seen, pageErrors };
}

test('the built pages contain no inline script or style', () => {
  for (const name of ['index.html', 'embed.html']) {
    const html = fs.readFileSync(path.join(defaultDist, name), 'utf8');
    // An executable inline script: a <script> without src whose type is absent, module or JS.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    const inline = scripts.filter(([, attrs, body]) => {
      if (/\bsrc\s*=/i.test(attrs)) return false;
      const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
      return body.trim() !== '' && (!type || type === 'module' || /javascript|ecmascript/.test(type));
    });
    assert.deepEqual(inline.map((m) => m[0].slice(0, 80)), [], `${name}: no inline executable <script>`);
    assert.doesNotMatch(html, /<style\b/i, `${name}: no <style> element`);
    // style="…" attributes outside <pre><code> examples (escaped there as text).
    assert.doesNotMatch(html.replace(/<pre>[\s\S]*?<\/pre>/gi, ''), /<[a-z][^>]*\sstyle\s*=/i, `${name}: no style attributes`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${name}: no inline event handlers`);
  }
});

test('the app runs with its CSP enforced and stays on its own origin', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, seen, pageErrors } = await recordingPage(t);
  await page.goto(`${testServer().url}#s=handshake&lang=en`, { waitUntil: 'load' });
  await page.locator('[data-testid=app][data-ready="true"]').waitFor({ timeout: TIMEOUT });
  await assertPolicy(page, 'index.html');

  // Play the scenario to its end.
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => {
    const m = /^Step (\d+) \/ (\d+)$/.exec(document.querySelector('[data-testid=step-counter]')?.textContent.trim() ?? '');
    return m && m[1] === m[2];
  }, null, { timeout: TIMEOUT });
  // The scrubber's ticks got their positions (through the CSSOM, which the policy allows).
  const ticks = await page.evaluate(() => [...document.querySelectorAll('.controls .ticks .tick')].map((e) => e.style.left));
  assert.ok(ticks.length > 0 && ticks.every((l) => /%$/.test(l)), `ticks are positioned: ${ticks}`);

  // The inspector: click the first packet.
  await page.locator('[data-testid=packet]').first().click();
  await page.locator('[data-testid=inspector]').waitFor({ timeout: UI_TIMEOUT });
  // Switch the language with its button, then the scenario.
  await page.click('[data-testid=lang-toggle]');
  await waitForState(page, { lang: /^zh/ }, 'switched to Chinese');
  await page.evaluate(() => { location.hash = 's=http10-vs-11&n=3&lang=en'; });
  await waitForState(page, { lang: 'en', packets: (n) => typeof n === 'number' }, 'switched scenario');
  await page.click('[data-testid=to-end]');
  await sleep(500);
  // The metrics bars of the comparison got their widths.
  const bars = await page.evaluate(() => [...document.querySelectorAll('.metrics .bar')].map((e) => e.style.width));
  assert.ok(bars.every((w) => /%$/.test(w)), `metric bars have widths: ${bars}`);

  const violations = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual({ violations, cspConsole: seen.cspConsole, pageErrors }, { violations: [], cspConsole: [], pageErrors: [] },
    'no CSP violation while playing, inspecting, switching language and scenario');
  assertSameOrigin(seen.requests, 'index.html');
});

test('embed.html and its iframes run with the CSP enforced and stay on their own origin', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, seen, pageErrors } = await recordingPage(t);
  await page.goto(`${testServer().url}embed.html`, { waitUntil: 'load' });
  await assertPolicy(page, 'embed.html');
  // Its stylesheet applied (a file, not an inline <style>).
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).maxWidth), '960px', 'embed.css applies');
  // Both iframes mount the app and report their height (embed.js sizes them through the CSSOM).
  for (const id of ['handshake', 'http']) {
    const frame = page.frameLocator(`#${id}`);
    await frame.locator('[data-testid=app][data-ready="true"]').waitFor({ timeout: TIMEOUT });
  }
  await page.waitForFunction(() => [...document.querySelectorAll('iframe')].every((f) => /px$/.test(f.style.height)), null, { timeout: UI_TIMEOUT });
  for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
    await assertPolicy(frame, `iframe ${frame.url()}`);
  }
  const violations = [];
  for (const frame of page.frames()) violations.push(...(await frame.evaluate(() => window.__cspViolations ?? [])));
  assert.deepEqual({ violations, cspConsole: seen.cspConsole, pageErrors }, { violations: [], cspConsole: [], pageErrors: [] },
    'no CSP violation in embed.html or its iframes');
  assertSameOrigin(seen.requests, 'embed.html');
});

test('openApp sees a clean load under the policy', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en' });
  await assertPolicy(page, 'index.html via openApp');
  assertClean();
});
