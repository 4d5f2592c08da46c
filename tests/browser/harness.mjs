// Shared harness of the browser tests: the test server for dist/ under /synack/, Debian's headless
// Chromium driven by playwright-core, and helpers that read what a person sees.
//
//   SYNACK_DIST=/some/dir                 test another build
//   SYNACK_SCREENSHOTS=/some/dir          where screenshots go (default target/screenshots)
//   SYNACK_CHROMIUM=/path/to/chromium     default /usr/bin/chromium

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { start, defaultDist, repoRoot, CHROMIUM, CHROMIUM_ARGS } from './server.mjs';

export { repoRoot, sleep };

export const TIMEOUT = 20_000; // any single wait
export const UI_TIMEOUT = 5_000; // the page reacting to a click or a key
export const TEST_TIMEOUT = 90_000; // any whole test
export const SHOTS = path.resolve(repoRoot, process.env.SYNACK_SCREENSHOTS || 'target/screenshots');

// The seed's example: 192.168.1.116:3337 -> 192.168.1.123:7788, ISNs 3626544836 / 1739326486.
export const CLIENT_ADDR = '192.168.1.116:3337';
export const SERVER_ADDR = '192.168.1.123:7788';
export const HANDSHAKE_LABELS = [
  'SYN seq=3626544836',
  'SYN+ACK seq=1739326486 ack=3626544837',
  'ACK seq=3626544837 ack=1739326487',
];
export const CJK = /[\u4e00-\u9fff]/;

let server;
let browser;

/** The running test server (its origin, base path and the requests it saw). */
export function testServer() {
  return server;
}

/** The shared headless Chromium (for tests that need contexts of their own, e.g. two origins). */
export function testBrowser() {
  return browser;
}

/** Starts the test server and Chromium before this file's tests, stops them after. */
export function useBrowser() {
  before(async () => {
    const index = path.join(defaultDist, 'index.html');
    if (!fs.existsSync(index)) {
      throw new Error(`${index} does not exist: run trunk build --release first (or set SYNACK_DIST)`);
    }
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} does not exist: run scripts/setup (Debian package chromium)`);
    }
    server = await start({ dir: defaultDist, base: '/synack/' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: TIMEOUT,
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** Everything the tests look at, read in one go. */
export async function readState(page) {
  return page.evaluate(() => {
    const text = (sel) => {
      const el = document.querySelector(sel);
      return el ? el.textContent.trim() : null;
    };
    const play = document.querySelector('[data-testid=play]');
    return {
      client: text('[data-testid=badge-client]'),
      server: text('[data-testid=badge-server]'),
      packets: document.querySelectorAll('[data-testid=packet]').length,
      labels: [...document.querySelectorAll('[data-testid=packet] [data-testid=packet-label]')].map((e) =>
        e.textContent.trim(),
      ),
      counter: text('[data-testid=step-counter]'),
      narration: text('[data-testid=narration]'),
      playing: play ? play.getAttribute('aria-pressed') : null,
      lang: document.documentElement.lang,
      hash: location.hash,
    };
  });
}

function matches(state, want) {
  return Object.entries(want).every(([k, v]) => {
    if (typeof v === 'function') return v(state[k]);
    if (v instanceof RegExp) return typeof state[k] === 'string' && v.test(state[k]);
    return JSON.stringify(state[k]) === JSON.stringify(v);
  });
}

function describeWant(want) {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(want).map(([k, v]) => [k, typeof v === 'function' ? `<${v.name || 'predicate'}>` : String(v instanceof RegExp ? v : JSON.stringify(v))]),
    ),
  );
}

/** Polls the page until `want` holds (every key equal / regexp matches / predicate true); fails with the observed state. */
export async function waitForState(page, want, what, timeout = UI_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let state;
  for (;;) {
    state = await readState(page);
    if (matches(state, want)) return state;
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  assert.fail(
    `${what}: after ${timeout} ms the page still does not show ${describeWant(want)}\n` +
      `observed: ${JSON.stringify(state, null, 2)}`,
  );
}

export function parseCounter(counter) {
  const m = /^Step (\d+) \/ (\d+)$/.exec(counter ?? '');
  assert.ok(m, `step counter should read "Step N / M" in English; observed ${JSON.stringify(counter)}`);
  return { step: Number(m[1]), total: Number(m[2]) };
}

/**
 * Opens the app in a fresh browser context and waits until Yew has mounted.
 * Records console errors, page errors, failed or non-2xx requests and requests to any other origin.
 */
export async function openApp(
  t,
  { hash = 'lang=en', reducedMotion = 'no-preference', viewport = { width: 1280, height: 800 }, colorScheme = 'light' } = {},
) {
  const context = await browser.newContext({ reducedMotion, viewport, colorScheme });
  t.after(() => context.close());
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [], badResponses: [], foreignRequests: [] };
  // Nothing may leave the test server: any other URL is recorded and aborted (never waited for).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    // Downloads the page makes itself (blob: URLs of its own origin) stay in the browser.
    if (url.startsWith(server.origin + '/') || url.startsWith(`blob:${server.origin}/`)) return route.continue();
    problems.foreignRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.consoleErrors.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err?.stack || err)));
  page.on('requestfailed', (req) => {
    if (!problems.foreignRequests.includes(req.url())) {
      problems.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
    }
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.badResponses.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });

  const firstRequest = server.requests.length;
  const url = `${server.url}#${hash}`;
  await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
  // Wait for Yew to mount; stop early when the page throws (a panic shows up as a page error).
  const deadline = Date.now() + TIMEOUT;
  let mounted = false;
  while (!mounted && Date.now() < deadline && problems.pageErrors.length === 0) {
    mounted = (await page.locator('[data-testid=app][data-ready="true"]').count()) > 0;
    if (!mounted) await sleep(100);
  }
  if (!mounted) {
    throw new Error(
      `the app did not mount at ${url} (no [data-testid=app][data-ready=true] ` +
        `${problems.pageErrors.length ? 'and the page threw' : `within ${TIMEOUT} ms`}).\n` +
        `problems so far: ${JSON.stringify(problems, null, 2)}\nserver saw: ${JSON.stringify(server.requests.slice(firstRequest))}`,
    );
  }

  /** Asserts nothing went wrong on this page so far. */
  const assertClean = () => {
    const seen = server.requests.slice(firstRequest);
    const outside = seen.filter((r) => !r.path.startsWith(server.base) && r.path !== '/favicon.ico');
    // Status 0 = still being answered (e.g. the favicon fetched as the test ends): not a failure
    // yet; a request that does fail shows up in the browser's requestfailed/response events.
    const notOk = seen.filter((r) => r.status !== 200 && r.status !== 0 && r.path !== '/favicon.ico');
    assert.deepEqual(
      { ...problems, requestsOutsideSubPath: outside.map((r) => r.path), serverNon200: notOk.map((r) => `${r.status} ${r.path}`) },
      { consoleErrors: [], pageErrors: [], failedRequests: [], badResponses: [], foreignRequests: [], requestsOutsideSubPath: [], serverNon200: [] },
      'the page must load cleanly: no console errors, page errors, failed requests, other origins, or paths outside /synack/',
    );
  };
  return { page, problems, assertClean, firstRequest };
}

export async function pause(page) {
  if ((await readState(page)).playing === 'true') {
    await page.click('[data-testid=play]');
    await waitForState(page, { playing: (v) => v !== 'true' }, 'pause');
  }
}


const AXE = path.join(repoRoot, 'node_modules/axe-core/axe.min.js');

/** Runs axe-core on the page; fails listing every violation with its nodes. */
export async function audit(page, what) {
  if ((await page.evaluate(() => typeof window.axe)) === 'undefined') {
    // Evaluated through DevTools, not as an inline <script>: the page's CSP stays enforced.
    await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  }
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`),
    }));
  });
  assert.deepEqual(result, [], `axe-core violations (${what}):\n${JSON.stringify(result, null, 2)}`);
}
