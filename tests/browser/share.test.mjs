// Browser tests of sharing, embedding, export and import: deep links that reproduce a view
// exactly, malformed links, embed mode and its postMessage API (same origin and another origin),
// downloads (pcap, tcpdump, SVG), capture import (file input, drag-and-drop, bad files), the
// parameter panel, and an axe-core audit of the new panels.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useBrowser, testBrowser, testServer, openApp, readState, waitForState, parseCounter, pause, sleep, audit,
  repoRoot, TEST_TIMEOUT, TIMEOUT, UI_TIMEOUT,
} from './harness.mjs';
import { start, defaultDist } from './server.mjs';

useBrowser();

const FIXTURES = path.join(repoRoot, 'tests/fixtures/capture');

// A second origin (same files, another port): its pages may read events but not control.
let other;
before(async () => {
  other = await start({ dir: defaultDist, base: '/synack/' });
});
after(async () => {
  await other?.close();
});


/** What a link must reproduce: the harness's reading plus the inspector and the parameters. */
async function snapshot(page) {
  const base = await readState(page);
  const extra = await page.evaluate(() => ({
    inspector: document.querySelector('[data-testid=inspector-label]')?.textContent.trim() ?? null,
    params: [...document.querySelectorAll('[data-testid=params] input, [data-testid=params] select')].map(
      (e) => `${e.id}=${e.value}`,
    ),
    scrubber: document.querySelector('[data-testid=scrubber]')?.value ?? null,
  }));
  return { ...base, ...extra };
}

/**
 * A page in its own context that may load from both test origins; records every message posted to
 * the top window, console errors and warnings (of all frames) and page errors.
 */
async function openParent(t, url, { reducedMotion = 'reduce' } = {}) {
  const context = await testBrowser().newContext({ reducedMotion, viewport: { width: 1100, height: 900 } });
  t.after(() => context.close());
  context.setDefaultTimeout(TIMEOUT);
  const allowed = [testServer().origin, other.origin];
  const foreign = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (allowed.some((o) => u.startsWith(o + '/'))) return route.continue();
    foreign.push(u);
    return route.abort('blockedbyclient');
  });
  await context.addInitScript(() => {
    if (window !== window.top) return;
    window.__msgs = [];
    addEventListener('message', (e) => window.__msgs.push({ data: e.data, origin: e.origin }));
  });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  const assertClean = () => assert.deepEqual({ errors, foreign }, { errors: [], foreign: [] }, 'no console errors, no other origins');
  return { page, warnings, assertClean };
}

async function messages(page) {
  return page.evaluate(() => window.__msgs.map((m) => ({ ...m.data, origin: m.origin })));
}

async function waitForMessages(page, pred, what) {
  const deadline = Date.now() + TIMEOUT;
  let msgs;
  while (Date.now() < deadline) {
    msgs = await messages(page);
    if (pred(msgs)) return msgs;
    await sleep(100);
  }
  assert.fail(`${what}: messages seen: ${JSON.stringify(msgs?.slice(-10))}`);
}

/** The app inside an iframe, once mounted. */
async function appFrame(page, selector) {
  const handle = await page.waitForSelector(selector);
  const frame = await handle.contentFrame();
  await frame.waitForSelector('[data-testid=app][data-ready="true"]');
  return frame;
}

async function frameState(frame) {
  return frame.evaluate(() => ({
    counter: document.querySelector('[data-testid=step-counter]')?.textContent.trim(),
    playing: document.querySelector('[data-testid=play]')?.getAttribute('aria-pressed'),
    hash: location.hash,
    header: document.querySelectorAll('header.top').length,
    side: document.querySelectorAll('.side').length,
    ladders: document.querySelectorAll('svg.ladder').length,
    controls: document.querySelectorAll('[data-testid=play]').length,
    narration: document.querySelector('[data-testid=narration]')?.textContent.trim() ?? null,
  }));
}

async function waitFrame(frame, pred, what) {
  const deadline = Date.now() + UI_TIMEOUT;
  let s;
  while (Date.now() < deadline) {
    s = await frameState(frame);
    if (pred(s)) return s;
    await sleep(50);
  }
  assert.fail(`${what}: frame shows ${JSON.stringify(s)}`);
}

test('a deep link reproduces the whole view: parameters, seed, language, playhead, selected packet', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=http10-vs-11&lang=en', reducedMotion: 'reduce' });
  await pause(page);
  await page.fill('[data-testid=param-n]', '3');
  await page.press('[data-testid=param-n]', 'Enter');
  await page.fill('[data-testid=param-seed]', '7');
  await page.locator('[data-testid=param-seed]').dispatchEvent('change');
  await waitForState(page, { hash: (h) => /(^#|&)n=3(&|$)/.test(h) && /(^#|&)seed=7(&|$)/.test(h) }, 'parameters and seed go into the link');
  const { step: first, total } = parseCounter((await readState(page)).counter);
  for (let i = 0; i < 6; i++) await page.click('[data-testid=step-forward]');
  await waitForState(page, { counter: `Step ${first + 6} / ${total}` }, 'six steps on');
  const pkt = page.locator('[data-testid=packet]').nth(1);
  const pktId = await pkt.getAttribute('id');
  await pkt.click();
  await page.locator('[data-testid=inspector]').waitFor();
  await page.click('[data-testid=lang-toggle]');
  const [, pane, index] = /^pkt-(\d+)-(\d+)$/.exec(pktId);
  const before = await waitForState(page, {
    lang: 'zh-CN',
    hash: (h) => h.includes(`pkt=${pane}.${index}`) && /(^#|&)t=\d+(&|$)/.test(h) && h.includes('lang=zh-CN'),
  }, 'language, playhead and packet go into the link');
  const want = await snapshot(page);
  assert.ok(want.inspector, 'the inspector shows the packet');
  await page.waitForLoadState('networkidle'); // a reload must not cut the favicon short

  await page.reload({ waitUntil: 'load' });
  await page.locator('[data-testid=app][data-ready="true"]').waitFor();
  await page.locator('[data-testid=inspector]').waitFor();
  const got = await snapshot(page);
  assert.deepEqual(got, want, `reloading ${before.hash} shows the same view`);
  assert.equal(got.playing, 'false', 'a link to a moment opens paused there');

  // Opening the link in a fresh page (not a reload) gives the same view too.
  const fresh = await openApp(t, { hash: before.hash.slice(1), reducedMotion: 'no-preference' });
  await fresh.page.locator('[data-testid=inspector]').waitFor();
  assert.deepEqual(await snapshot(fresh.page), want, 'a fresh page on the link');
  assertClean();
  fresh.assertClean();
});

test('Share copies the link of the view; the clipboard holds the page address', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: testServer().origin });
  await page.click('[data-testid=step-forward]');
  await page.click('[data-testid=step-forward]');
  await page.click('[data-testid=share]');
  await page.waitForFunction(() => document.querySelector('[data-testid=share-status]').textContent.includes('Link copied'));
  const [clip, href] = await page.evaluate(async () => [await navigator.clipboard.readText(), location.href]);
  assert.equal(clip, href, 'the copied link is the address of the view');
  assert.match(clip, /#s=handshake&lang=en&t=\d+$/);
  assertClean();
});

test('a malformed link shows a notice naming each bad key and opens the defaults', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=http10-vs-11&seed=x&t=zz&pkt=9&n=999&lang=en', reducedMotion: 'reduce' });
  const notice = page.locator('[data-testid=notice]');
  await notice.waitFor();
  const keys = await notice.locator('li').evaluateAll((ls) => ls.map((l) => l.dataset.key));
  assert.deepEqual(keys, ['seed', 't', 'pkt'], 'each bad page key is named');
  const banner = await page.locator('[data-testid=error]').textContent();
  assert.match(banner, /n=999/, `the bad parameter is named; observed ${JSON.stringify(banner)}`);
  assert.equal(await page.inputValue('[data-testid=param-n]'), '4', 'n falls back to its default');
  assert.equal(await page.inputValue('[data-testid=param-seed]'), '1', 'seed falls back to 1');
  assert.equal(await page.inputValue('[data-testid=scrubber]'), '0', 'the run is shown from its start');
  await waitForState(page, { hash: '#s=http10-vs-11&lang=en' }, 'the link is rewritten without the bad values');
  await audit(page, 'notice and parameter banner');
  await notice.locator('button').click();
  await notice.waitFor({ state: 'detached' });

  // Garbage of every kind still opens a page.
  for (const hash of ['%%%&&&==', 's=&=&t=1e99', 'x'.repeat(5000)]) {
    const p = await openApp(t, { hash, reducedMotion: 'reduce' });
    await p.page.locator('[data-testid=ladder], svg.ladder').first().waitFor();
    p.assertClean();
  }
  assertClean();
});

test('parameter panel: a change rebuilds keeping the relative playhead; a bad value shows an inline error; reset', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await page.click('[data-testid=to-end]');
  const endT = (await readState(page)).hash;
  assert.match(endT, /t=\d+/);
  await page.fill('[data-testid=param-latency]', '200');
  await page.press('[data-testid=param-latency]', 'Enter');
  await waitForState(page, { hash: /latency=200/, client: 'ESTABLISHED', server: 'ESTABLISHED' }, 'rebuilt at the same (final) place');
  const s = await readState(page);
  const { step, total } = parseCounter(s.counter);
  assert.equal(step, total, 'still at the end after the rebuild');

  await page.fill('[data-testid=param-latency]', '99999');
  await page.press('[data-testid=param-latency]', 'Enter');
  const err = page.locator('[data-testid=param-error]');
  await err.waitFor();
  assert.match(await err.textContent(), /latency=99999.*from 1 to 2000/);
  assert.equal(await page.getAttribute('[data-testid=param-latency]', 'aria-invalid'), 'true');
  await waitForState(page, { hash: /latency=200(&|$)/ }, 'the last good value stays in force');
  await audit(page, 'parameter panel with an error');

  await page.click('[data-testid=reset-params]');
  await waitForState(page, { hash: (h) => !h.includes('latency') }, 'reset to defaults');
  assert.equal(await page.inputValue('[data-testid=param-latency]'), '25');
  assert.equal(await err.count(), 0, 'the error is gone');
  assertClean();
});

test('embed mode: no header or side panels; ready, step and resize reach the parent page', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openParent(t, testServer().url + 'embed.html', { reducedMotion: 'no-preference' });
  const frame = await appFrame(page, 'iframe#handshake');
  await appFrame(page, 'iframe#http');
  const s = await frameState(frame);
  assert.deepEqual({ header: s.header, side: s.side, controls: s.controls }, { header: 0, side: 0, controls: 1 }, 'chrome hidden, controls kept');
  assert.ok(s.ladders >= 1 && s.narration, 'ladder and narration kept');
  const msgs = await waitForMessages(
    page,
    (m) => m.filter((x) => x.type === 'synack:ready').length >= 2 && m.some((x) => x.type === 'synack:step' && x.index > 0) && m.some((x) => x.type === 'synack:resize'),
    'ready from both frames, steps while playing, and a resize',
  );
  const step = msgs.find((x) => x.type === 'synack:step' && x.index > 0);
  assert.equal(typeof step.t, 'number');
  assert.match(step.narrationKey, /^(client|server|middlebox|host)(:[A-Z-]+)?$/);
  assert.ok(step.narration.length > 10);
  const resize = msgs.filter((x) => x.type === 'synack:resize').at(-1);
  assert.ok(resize.height > 150 && resize.height < 3000, `a sensible height: ${resize.height}`);
  // embed.html sizes each frame to what it reports.
  await page.waitForFunction(() => [...document.querySelectorAll('iframe')].every((f) => f.style.height.endsWith('px')));
  // ?embed alone (no hash key) also embeds, and a link from it keeps embed=1.
  const alone = await openParent(t, testServer().url + '?embed#s=handshake&lang=en');
  await alone.page.locator('[data-testid=app][data-ready="true"]').waitFor();
  assert.equal(await alone.page.locator('header.top').count(), 0);
  assert.match(await alone.page.evaluate(() => location.hash), /embed=1/);
  alone.assertClean();
  assertClean();
});

test('postMessage control: play, pause, seek, load from the same origin; another origin is ignored', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, warnings, assertClean } = await openParent(t, testServer().url + 'embed.html');
  const frame = await appFrame(page, 'iframe#handshake');
  const post = (msg) => page.evaluate((m) => document.getElementById('handshake').contentWindow.postMessage(m, '*'), msg);
  const start = await frameState(frame);
  const { total } = parseCounter(start.counter);
  await post({ type: 'synack:seek', step: 2 });
  await waitFrame(frame, (x) => x.counter === `Step 2 / ${total}`, 'seek to step 2');
  await post({ type: 'synack:seek', t: 0 });
  await waitFrame(frame, (x) => x.counter === start.counter, 'seek to t=0: back at the start');
  await post({ type: 'synack:seek', t: 1e12 });
  await waitFrame(frame, (x) => x.counter === `Step ${total} / ${total}`, 'seek past the end: the end');
  await post({ type: 'synack:seek', step: 0 });
  await waitFrame(frame, (x) => x.counter === start.counter, 'step 0: the start');
  await post({ type: 'synack:play' });
  await waitFrame(frame, (x) => x.playing === 'true', 'play');
  await post({ type: 'synack:pause' });
  await waitFrame(frame, (x) => x.playing === 'false', 'pause');
  await post({ type: 'synack:load', hash: '#s=close&lang=en&embed=1' });
  await waitFrame(frame, (x) => /s=close/.test(x.hash) && x.header === 0, 'load another scenario, still embedded');
  // Bad shapes are ignored with a console warning (never an error).
  await post({ type: 'synack:seek', t: 'soon' });
  await post({ type: 'synack:load' });
  await post({ type: 'synack:fly' });
  await post('not even an object');
  const deadline = Date.now() + UI_TIMEOUT;
  while (warnings.filter((w) => w.includes('synack: ignored')).length < 3 && Date.now() < deadline) await sleep(50);
  assert.equal(warnings.filter((w) => w.includes('synack: ignored')).length, 3, `three warnings: ${JSON.stringify(warnings)}`);
  assertClean();

  // Another origin: its page gets the events but cannot control the app.
  const foreign = await openParent(t, other.url + 'embed.html');
  await foreign.page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.id = 'x';
    f.title = 'synack from another origin';
    f.src = src;
    document.body.prepend(f);
  }, testServer().url + '?embed#s=handshake&lang=en');
  const xf = await appFrame(foreign.page, 'iframe#x');
  await waitForMessages(foreign.page, (m) => m.some((x) => x.type === 'synack:ready' && x.origin === testServer().origin), 'events reach a parent on another origin');
  const before = await frameState(xf);
  const xpost = (msg) => foreign.page.evaluate((m) => document.getElementById('x').contentWindow.postMessage(m, '*'), msg);
  await xpost({ type: 'synack:seek', step: 2 });
  await xpost({ type: 'synack:play' });
  await xpost({ type: 'synack:load', hash: '#s=rst&embed=1' });
  const dl = Date.now() + UI_TIMEOUT;
  while (foreign.warnings.filter((w) => w.includes('not an allowed origin')).length < 3 && Date.now() < dl) await sleep(50);
  const after = await frameState(xf);
  assert.deepEqual(
    { counter: after.counter, playing: after.playing, hash: after.hash },
    { counter: before.counter, playing: before.playing, hash: before.hash },
    'commands from another origin change nothing',
  );
  assert.equal(foreign.warnings.filter((w) => w.includes('not an allowed origin')).length, 3);
  foreign.assertClean();
});

test('export: pcap starts with the pcap magic, tcpdump text and an SVG ladder download', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=http10-vs-11&lang=en', reducedMotion: 'reduce' });
  await page.click('[data-testid=to-end]');
  await page.click('[data-testid=export-menu] summary');
  await audit(page, 'export menu open');
  const save = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=export-${id}]`)]);
    return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
  };
  const pcap = await save('pcap');
  assert.equal(pcap.name, 'synack-http10-vs-11.pcap');
  assert.deepEqual([...pcap.bytes.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1], 'pcap magic (little endian)');
  assert.ok(pcap.bytes.length > 24 + 16 * 10, 'packets follow the header');
  const txt = await save('tcpdump');
  assert.equal(txt.name, 'synack-http10-vs-11.txt');
  assert.match(txt.bytes.toString('utf8'), /IP \d+\.\d+\.\d+\.\d+\.\d+ > \d+\.\d+\.\d+\.\d+\.\d+: Flags \[S\]/);
  const svg = await save('svg');
  assert.equal(svg.name, 'synack-http10-vs-11.svg');
  const text = svg.bytes.toString('utf8');
  assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(text.includes('<style>') && text.includes('.pkt-syn'), 'styles are inlined');
  assert.equal((text.match(/class="ladder"/g) || []).length, 3, 'one ladder per pane');
  assertClean();
});

test('import: pcap fixtures animate with inferred states; garbage and truncated files say where', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  const pcaps = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap'));
  assert.ok(pcaps.length >= 3);
  for (const f of pcaps) {
    await page.setInputFiles('[data-testid=import-file]', path.join(FIXTURES, f));
    await page.locator('[data-testid=back-to-scenario]').waitFor();
    await page.waitForFunction(() => document.querySelector('.pane h2')?.textContent === 'Imported capture');
    await page.click('[data-testid=to-end]');
    const s = await readState(page);
    assert.ok(s.packets > 0, `${f}: packets drawn`);
    assert.ok(s.client && s.server, `${f}: inferred states shown: ${s.client} / ${s.server}`);
    assert.equal(await page.locator('[data-testid=import-error]').count(), 0, `${f}: no error`);
  }
  await page.click('[data-testid=back-to-scenario]');
  await page.locator('[data-testid=back-to-scenario]').waitFor({ state: 'detached' });
  await page.setInputFiles('[data-testid=import-file]', path.join(FIXTURES, 'http10.pcap'));
  await page.locator('[data-testid=back-to-scenario]').waitFor();
  await page.click('[data-testid=to-end]');
  // tshark: 12 frames; curl closes first (tests/capture_import.rs).
  const http10 = await waitForState(page, { packets: 12, client: 'TIME-WAIT', server: 'CLOSED' }, 'http10.pcap at its end');
  await audit(page, 'imported capture');

  // Garbage: an error naming the position; the view shown stays.
  await page.setInputFiles('[data-testid=import-file]', { name: 'garbage.pcap', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a capture \u0000\u0001\u0002 at all\n') });
  const err = page.locator('[data-testid=import-error]');
  await err.waitFor();
  assert.match(await err.textContent(), /byte 0: unknown format/);
  assert.deepEqual((await readState(page)).labels, http10.labels, 'the current view is not lost');
  await audit(page, 'import error');

  // Truncated: what was read before the cut is shown, with the position of the cut.
  const whole = fs.readFileSync(path.join(FIXTURES, 'http10.pcap'));
  const cut = whole.subarray(0, 700);
  await page.setInputFiles('[data-testid=import-file]', { name: 'cut.pcap', mimeType: 'application/octet-stream', buffer: cut });
  const note = page.locator('[data-testid=import-note]');
  await note.waitFor();
  assert.match(await note.textContent(), /byte \d+: file ends early/);
  await page.click('[data-testid=to-end]');
  const part = await readState(page);
  assert.ok(part.packets > 0 && part.packets < http10.packets, `some packets kept: ${part.packets} of ${http10.packets}`);

  // Drag and drop onto the page.
  await page.click('[data-testid=back-to-scenario]');
  await page.locator('[data-testid=back-to-scenario]').waitFor({ state: 'detached' });
  const b64 = fs.readFileSync(path.join(FIXTURES, 'http10.txt')).toString('base64');
  await page.evaluate((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'http10.txt', { type: 'text/plain' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await page.locator('[data-testid=back-to-scenario]').waitFor();
  await page.click('[data-testid=to-end]');
  assert.ok((await readState(page)).packets > 0, 'a dropped tcpdump text file is animated');
  assertClean();
});

test('import: timing of a capture switches between real and evenly spaced', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await page.setInputFiles('[data-testid=import-file]', path.join(FIXTURES, 'http10.pcap'));
  await page.locator('[data-testid=back-to-scenario]').waitFor();
  const timing = page.locator('[data-testid=import-timing]');
  await timing.waitFor();
  assert.equal(await timing.inputValue(), 'real', 'real timing by default');
  // The scrubber's ticks: one per step, at `left: P%` of the drawn axis.
  const ticks = () => page.evaluate(() => [...document.querySelectorAll('.controls .ticks .tick')]
    .map((e) => parseFloat(/left:\s*([\d.]+)%/.exec(e.getAttribute('style'))?.[1] ?? 'NaN')));
  const gaps = (xs) => xs.slice(1).map((x, i) => x - xs[i]);
  const real = await ticks();
  // http10.pcap: 12 packets, each sent and delivered, so 24 steps.
  assert.equal(real.length, 24, `ticks with real timing: ${real}`);
  assert.ok(real.every(Number.isFinite));
  const realGaps = gaps(real);
  assert.ok(Math.max(...realGaps) - Math.min(...realGaps) > 1, `real timing is uneven: ${realGaps}`);

  const styles = () => page.evaluate(() => [...document.querySelectorAll('.controls .ticks .tick')]
    .map((e) => e.getAttribute('style')).join());
  const realStyles = await styles();
  await timing.selectOption('even');
  await page.waitForFunction((before) => {
    const now = [...document.querySelectorAll('.controls .ticks .tick')].map((e) => e.getAttribute('style'));
    return now.length > 0 && now.join() !== before;
  }, realStyles, { timeout: UI_TIMEOUT });
  const even = await ticks();
  assert.equal(even.length, 24, `ticks when evenly spaced: ${even}`);
  assert.equal(even[0], 0);
  assert.equal(even[even.length - 1], 100);
  const step = 100 / (even.length - 1);
  for (const [i, x] of even.entries()) {
    assert.ok(Math.abs(x - i * step) < 0.01, `tick ${i} at ${x}%, expected ${(i * step).toFixed(3)}%: ${even}`);
  }
  assert.equal(await timing.inputValue(), 'even');
  // The same capture, the same ending.
  await page.click('[data-testid=to-end]');
  await waitForState(page, { packets: 12, client: 'TIME-WAIT', server: 'CLOSED' }, 'http10.pcap evenly spaced, at its end');

  // And back to real timing.
  await timing.selectOption('real');
  await page.waitForFunction((want) => [...document.querySelectorAll('.controls .ticks .tick')]
    .map((e) => e.getAttribute('style')).join() === want, realStyles, { timeout: UI_TIMEOUT });
  assert.deepEqual(await ticks(), real, 'real timing again');
  await audit(page, 'import timing toggle');

  // Back to the scenario: the capture's timing choice goes with the capture.
  await page.click('[data-testid=back-to-scenario]');
  await page.locator('[data-testid=back-to-scenario]').waitFor({ state: 'detached' });
  await timing.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  assertClean();
});

test('an embedded instance scrolled out of view stands still while playing, and goes on when seen', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openParent(t, testServer().url + 'embed.html');
  const frame = await appFrame(page, 'iframe#handshake');
  const start = await frameState(frame);
  // Push the frames far below the fold (CSSOM, which the page's CSP allows).
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.id = 'spacer';
    spacer.style.height = '6000px';
    document.body.prepend(spacer);
    window.scrollTo(0, 0);
  });
  await sleep(300); // let the IntersectionObserver report
  const post = (msg) => page.evaluate((m) => document.getElementById('handshake').contentWindow.postMessage(m, '*'), msg);
  await post({ type: 'synack:play' });
  await waitFrame(frame, (x) => x.playing === 'true', 'play while out of view');
  await sleep(1500);
  const still = await frameState(frame);
  assert.equal(still.counter, start.counter, 'no animation runs while the frame is out of view');
  // Scrolled into view, playback goes on by itself.
  await page.evaluate(() => document.getElementById('handshake').scrollIntoView());
  await waitFrame(frame, (x) => x.counter !== start.counter, 'playback resumes once visible');
  assertClean();
});
