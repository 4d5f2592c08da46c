// Browser tests of the visualizer beyond the handshake: the scenario picker and the URL hash,
// the packet inspector, the RFC 9293 state diagram, the narrow (360 px) layout, keyboard focus,
// and an axe-core audit in both languages and both colour schemes. Screenshots of every state
// tested go to target/screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useBrowser, openApp, readState, waitForState, parseCounter, pause, sleep, repoRoot, audit,
  TEST_TIMEOUT, TIMEOUT, SHOTS, CLIENT_ADDR, SERVER_ADDR, CJK,
} from './harness.mjs';

useBrowser();

const LONG_TIMEOUT = 240_000;

async function shot(t, page, name, fullPage = true) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage, timeout: TIMEOUT });
  assert.ok(fs.statSync(file).size > 1000, `${file} should be a real PNG`);
  t.diagnostic(`screenshot: ${path.relative(repoRoot, file)}`);
}

/** Every scenario the picker offers: [{ id, name }]. */
async function scenarios(page) {
  return page.$$eval('[data-testid=scenario] option', (os) => os.map((o) => ({ id: o.value, name: o.textContent.trim() })));
}


/** What the inspector shows, read in one go (null when it is closed). */
async function readInspector(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid=inspector]');
    if (!el) return null;
    const q = (s) => el.querySelector(s)?.textContent.trim() ?? null;
    return {
      label: q('[data-testid=inspector-label]'),
      flags: [...el.querySelectorAll('[data-testid=flags] li')].map((li) => [
        li.querySelector('.bit-name').textContent.trim(),
        li.dataset.set,
        li.querySelector('.bit-value').textContent.trim(),
      ]),
      fields: q('[data-testid=fields]'),
      sent: q('[data-testid=cause-sent]'),
      arrival: q('[data-testid=cause-arrival]'),
      focusInside: el.contains(document.activeElement),
    };
  });
}

test('the scenario picker lists every scenario; each renders, plays to its end and steps back', { timeout: LONG_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  const list = await scenarios(page);
  assert.ok(list.length >= 1 && list.some((s) => s.id === 'handshake'), `picker offers the handshake; observed ${JSON.stringify(list)}`);
  for (const s of list) {
    assert.ok(s.name && s.name !== s.id, `scenario ${s.id} has a translated name; observed ${JSON.stringify(s.name)}`);
  }
  const breaks = [];
  for (const { id } of list) {
    await page.selectOption('[data-testid=scenario]', id);
    await waitForState(page, { hash: new RegExp(`(^#|&)s=${id.replace(/[-]/g, '\\-')}(&|$)`) }, `picking ${id} writes it into the hash`);
    const panes = await page.locator('.pane').count();
    assert.ok(panes >= 1, `${id}: at least one pane; observed ${panes}`);
    await page.click('[data-testid=to-end]');
    const end = await waitForState(page, { packets: (n) => n >= 1, playing: (v) => v !== 'true' }, `${id}: to-end shows packets`);
    const { step, total } = parseCounter(end.counter);
    assert.equal(step, total, `${id}: at the end the counter shows the last step (${end.counter})`);
    await shot(t, page, `scenario-${id}-en`);
    breaks.push(...(await page.$$eval('svg.ladder .breaks text', (els) => els.map((e) => e.textContent))));
    if (total > 1) {
      await page.click('[data-testid=step-back]');
      await waitForState(page, { counter: `Step ${total - 1} / ${total}` }, `${id}: step back from the end`);
    }
  }
  // Squeezed idle stretches say how long they really were: "≈ 25 s", "≈ 1.5 s", "≈ 200 ms".
  assert.ok(breaks.length > 0, 'some scenario squeezes an idle stretch');
  for (const b of breaks) assert.match(b, /^≈ (\d+(\.[1-9])? s|\d+ ms)$/, `a break's length reads like a duration; observed ${JSON.stringify(b)}`);
  assertClean();
});

test('an unknown scenario in the link shows a notice naming it and falls back to the handshake', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=no-such-thing&lang=en', reducedMotion: 'reduce' });
  const notice = page.locator('[data-testid=notice]');
  await notice.waitFor({ timeout: TIMEOUT });
  const text = await notice.textContent();
  assert.match(text, /no-such-thing/, `the notice names the unknown key; observed ${JSON.stringify(text)}`);
  const body = await page.evaluate(() => document.body.innerText);
  assert.ok(body.includes(CLIENT_ADDR) && body.includes(SERVER_ADDR), 'the handshake is shown instead');
  await waitForState(page, { hash: /(^#|&)s=handshake(&|$)/ }, 'the hash names the scenario shown');
  assert.equal(await page.inputValue('[data-testid=scenario]'), 'handshake');
  await shot(t, page, 'unknown-scenario-notice-en', false);
  await notice.locator('button').click();
  await page.locator('[data-testid=notice]').waitFor({ state: 'detached', timeout: TIMEOUT });

  // A link inside the page (the error banner's way back uses one) switches scenario too.
  const list = await scenarios(page);
  const other = list.find((s) => s.id !== 'handshake');
  if (other) {
    await page.evaluate((id) => { location.hash = `s=${id}&lang=zh-CN`; }, other.id);
    await waitForState(page, { lang: 'zh-CN' }, 'hashchange: language');
    await page.waitForFunction((id) => document.querySelector('[data-testid=scenario]').value === id, other.id, { timeout: TIMEOUT });
  }
  assertClean();
});

test('packet inspector: Enter opens it with flags, numbers and transitions; Escape closes and returns focus', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await pause(page);
  await page.click('[data-testid=to-end]');
  await waitForState(page, { client: 'ESTABLISHED', server: 'ESTABLISHED', packets: 3 }, 'end of the handshake');

  const attrs = await page.$$eval('[data-testid=packet]', (gs) => gs.map((g) => [g.getAttribute('role'), g.getAttribute('tabindex'), g.getAttribute('aria-label')]));
  for (const [role, tabindex, label] of attrs) {
    assert.equal(role, 'button');
    assert.equal(tabindex, '0');
    assert.ok(label && label.length > 10, `packet has a describing aria-label; observed ${JSON.stringify(label)}`);
  }
  assert.match(attrs[1][2], /SYN\+ACK seq=1739326486 ack=3626544837, server to client/);

  // Keyboard: Tab reaches the packets; Enter on the SYN+ACK opens the inspector.
  const packetId = await page.$$eval('[data-testid=packet]', (gs) => gs[1].id);
  await page.focus(`#${packetId}`);
  const before = await readState(page);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=inspector]').waitFor({ timeout: TIMEOUT });
  const synAck = await readInspector(page);
  assert.equal(synAck.label, 'SYN+ACK seq=1739326486 ack=3626544837');
  assert.deepEqual(
    synAck.flags,
    [['URG', 'false', '0'], ['ACK', 'true', '1'], ['PSH', 'false', '0'], ['RST', 'false', '0'], ['SYN', 'true', '1'], ['FIN', 'false', '0']],
    'the six control bits in header order, SYN and ACK set',
  );
  // Relative numbers as Wireshark shows them: seq 0 (the server's ISN), ack 1 (client ISN + 1).
  assert.match(synAck.fields, /0\s*relative\s*1739326486\s*raw/, `relative and raw seq; observed ${synAck.fields}`);
  assert.match(synAck.fields, /1\s*relative\s*3626544837\s*raw/, `relative and raw ack; observed ${synAck.fields}`);
  assert.match(synAck.fields, /Window\s*65535/);
  assert.match(synAck.fields, /MSS option\s*1460 bytes/);
  assert.match(synAck.sent, /server.*LISTEN\s*→\s*SYN-RECEIVED/, `sending step's transition; observed ${synAck.sent}`);
  assert.match(synAck.arrival, /client.*SYN-SENT\s*→\s*ESTABLISHED/, `arrival's transition; observed ${synAck.arrival}`);
  assert.ok(synAck.focusInside, 'the focus moves into the inspector');
  await shot(t, page, 'inspector-synack-en');

  await page.keyboard.press('Escape');
  await page.locator('[data-testid=inspector]').waitFor({ state: 'detached', timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => document.activeElement?.id), packetId, 'Escape returns the focus to the packet');
  const after = await readState(page);
  assert.deepEqual([after.counter, after.playing], [before.counter, before.playing], 'opening and closing the inspector does not move playback');

  // Space on a packet opens it too, and does not start playback.
  const ackId = await page.$$eval('[data-testid=packet]', (gs) => gs[2].id);
  await page.focus(`#${ackId}`);
  await page.keyboard.press(' ');
  await page.locator('[data-testid=inspector]').waitFor({ timeout: TIMEOUT });
  assert.equal((await readInspector(page)).label, 'ACK seq=3626544837 ack=1739326487');
  assert.notEqual((await readState(page)).playing, 'true', 'Space on a packet must not start playback');

  // Click on the SYN; the close button also returns the focus.
  await page.locator('[data-testid=packet]').first().click();
  await page.waitForFunction(() => document.querySelector('[data-testid=inspector-label]')?.textContent.trim() === 'SYN seq=3626544836');
  const syn = await readInspector(page);
  assert.deepEqual(syn.flags.filter((f) => f[1] === 'true').map((f) => f[0]), ['SYN']);
  assert.match(syn.sent, /connect\(\).*CLOSED\s*→\s*SYN-SENT/, `the SYN was sent by connect(); observed ${syn.sent}`);
  await page.click('[data-testid=inspector-close]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), await page.$$eval('[data-testid=packet]', (gs) => gs[0].id));

  // In Chinese.
  await page.click('[data-testid=lang-toggle]');
  await page.locator('[data-testid=packet]').nth(1).click();
  const zh = await page.locator('[data-testid=inspector]').textContent();
  assert.ok(CJK.test(zh), 'the inspector speaks Chinese after the toggle');
  await shot(t, page, 'inspector-synack-zh');
  assertClean();
});

test('state diagram: the 11 states, client and server marked, the last transition highlighted', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await pause(page);
  const diagram = page.locator('[data-testid=state-diagram]');
  const states = await diagram.locator('.sd-state text').allTextContents();
  const want = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];
  assert.deepEqual([...new Set(states)].sort(), [...want].sort(), 'all eleven RFC 9293 states are drawn');
  const read = () => page.evaluate(() => ({
    client: document.querySelector('[data-testid=diagram-client]')?.textContent ?? '',
    server: document.querySelector('[data-testid=diagram-server]')?.textContent ?? '',
    last: document.querySelector('[data-testid=diagram-last]')?.textContent ?? '',
    hot: document.querySelectorAll('[data-testid=hot-edge]').length,
    current: [...document.querySelectorAll('.sd-state.current text')].map((e) => e.textContent),
    marks: [...document.querySelectorAll('.here-mark text')].map((e) => e.textContent),
  }));
  let d = await read();
  assert.match(d.client, /client: CLOSED/);
  assert.match(d.server, /server: LISTEN/);
  assert.deepEqual(d.marks.sort(), ['C', 'S'], 'a circle C and a diamond S mark the two sides');

  await page.click('[data-testid=step-forward]'); // t = 10 ms: the client calls connect()
  await page.waitForFunction(() => /SYN-SENT/.test(document.querySelector('[data-testid=diagram-client]')?.textContent));
  d = await read();
  assert.match(d.last, /CLOSED → SYN-SENT/, `last transition text; observed ${d.last}`);
  assert.equal(d.hot, 1, 'exactly one arrow is highlighted');
  await page.click('[data-testid=to-end]');
  await page.waitForFunction(() => /ESTABLISHED/.test(document.querySelector('[data-testid=diagram-server]')?.textContent));
  d = await read();
  assert.deepEqual(d.current, ['ESTABLISHED'], 'both sides sit in ESTABLISHED');
  assert.match(d.last, /server SYN-RECEIVED → ESTABLISHED/);
  // The highlight animates a few times at most (WCAG 2.2.2) and not at all with reduced motion.
  const anim = await page.$eval('[data-testid=hot-edge] path', (p) => getComputedStyle(p).animationName);
  assert.equal(anim, 'none', 'no animation when the reader prefers reduced motion');
  await shot(t, page, 'state-diagram-en');

  const moving = await openApp(t, { hash: 's=handshake&lang=en' });
  await pause(moving.page);
  await moving.page.click('[data-testid=to-end]');
  const style = await moving.page.$eval('[data-testid=hot-edge] path', (p) => {
    const s = getComputedStyle(p);
    return { name: s.animationName, count: s.animationIterationCount, duration: parseFloat(s.animationDuration) };
  });
  assert.equal(style.name, 'sd-flow', 'the last transition is animated');
  assert.ok(style.count !== 'infinite' && Number(style.count) * style.duration <= 5, `it stops within 5 s; observed ${JSON.stringify(style)}`);
  moving.assertClean();
  assertClean();
});

test('360 px wide: no horizontal scrolling, everything reachable; screenshots', { timeout: LONG_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce', viewport: { width: 360, height: 740 } });
  await pause(page);
  for (const { id } of await scenarios(page)) {
    await page.selectOption('[data-testid=scenario]', id);
    await page.click('[data-testid=to-end]');
    await sleep(100);
    const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(w.scroll <= w.client, `${id} at 360 px: page is ${w.scroll} px wide for a ${w.client} px viewport`);
  }
  await page.selectOption('[data-testid=scenario]', 'handshake');
  await page.click('[data-testid=to-end]');
  await page.locator('[data-testid=packet]').nth(1).click();
  await shot(t, page, 'handshake-360-en');
  await page.click('[data-testid=lang-toggle]');
  await shot(t, page, 'handshake-360-zh');
  assertClean();
});

test('every control can be reached with Tab and shows where the focus is', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await pause(page);
  await page.click('[data-testid=to-end]');
  await page.evaluate(() => document.activeElement?.blur?.());
  const seen = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const hit = el.querySelector?.(':scope > .hit');
      const ring = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
      const svgRing = hit ? getComputedStyle(hit).strokeOpacity !== '0' && getComputedStyle(hit).stroke !== 'rgba(0, 0, 0, 0)' && getComputedStyle(hit).stroke !== 'transparent' : false;
      return { key: el.dataset.testid || el.id || el.tagName, visible: ring || svgRing };
    });
    if (!f) continue;
    if (seen.some((s) => s.key === f.key) && f.key === seen[0].key) break;
    seen.push(f);
  }
  const keys = seen.map((s) => s.key);
  for (const want of ['scenario', 'lang-toggle', 'restart', 'step-back', 'play', 'step-forward', 'to-end', 'speed', 'scrubber', 'packet']) {
    assert.ok(keys.includes(want), `Tab reaches ${want}; order seen: ${keys.join(', ')}`);
  }
  const invisible = seen.filter((s) => !s.visible).map((s) => s.key);
  assert.deepEqual(invisible, [], 'every focused element shows a focus indicator');
  assertClean();
});

for (const colorScheme of ['light', 'dark']) {
  for (const lang of ['en', 'zh-CN']) {
    test(`axe-core: no violations (${lang}, ${colorScheme}), with the inspector open`, { timeout: TEST_TIMEOUT }, async (t) => {
      const { page, assertClean } = await openApp(t, { hash: `s=handshake&lang=${lang}`, reducedMotion: 'reduce', colorScheme });
      await pause(page);
      await audit(page, `${lang} ${colorScheme} at the start`);
      await page.click('[data-testid=to-end]');
      await page.locator('[data-testid=packet]').nth(1).click();
      await page.locator('[data-testid=inspector]').waitFor({ timeout: TIMEOUT });
      await audit(page, `${lang} ${colorScheme} at the end, inspector open`);
      await shot(t, page, `handshake-inspector-${lang}-${colorScheme}`);
      assertClean();
    });
  }
}

test('axe-core: no violations on any scenario page', { timeout: LONG_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  await pause(page);
  for (const { id } of await scenarios(page)) {
    await page.selectOption('[data-testid=scenario]', id);
    await page.click('[data-testid=to-end]');
    await audit(page, `scenario ${id}`);
  }
  assertClean();
});

test('a bad parameter in the link shows a readable error with ways back, never a blank page', { timeout: TEST_TIMEOUT }, async (t) => {
  for (const [hash, mentions] of [
    ['s=handshake&latency=fast&lang=en', /latency/],
    ['s=handshake&no_such_param=1&lang=en', /no_such_param/],
  ]) {
    const { page, assertClean } = await openApp(t, { hash, reducedMotion: 'reduce' });
    const banner = page.locator('[data-testid=error]');
    await banner.waitFor({ timeout: TIMEOUT });
    const text = await banner.textContent();
    assert.match(text, mentions, `the banner names the parameter; observed ${JSON.stringify(text)}`);
    assert.equal(await banner.getAttribute('role'), 'alert');
    await shot(t, page, `error-${hash.split('&')[1].split('=')[0]}-en`, false);
    await audit(page, `error banner for ${hash}`);
    // The first way back: the same scenario with its defaults.
    await banner.locator('a').first().click();
    await waitForState(page, { client: 'CLOSED', server: 'LISTEN' }, 'after the way back the handshake plays again');
    assert.equal(await page.locator('[data-testid=error]').count(), 0, 'the banner is gone');
    assertClean();
  }
});

test('a crash inside the wasm shows the fatal banner with a reload that keeps the address', { timeout: TEST_TIMEOUT }, async (t) => {
  const hash = 's=http10-vs-11&lang=en';
  const { page, problems } = await openApp(t, { hash, reducedMotion: 'reduce' });
  const fatal = page.locator('#fatal');
  assert.equal(await fatal.isHidden(), true, 'no banner while the app runs');
  // A real trap in the real module: wasm-bindgen's allocator entry aborts on an impossible
  // request (a release build's abort, like its panics, is an `unreachable` trap). Run from a
  // timer, as a crash in an event or frame callback would be, so nothing catches it.
  await page.evaluate(async () => {
    const exports = await window.wasmBindings.default();
    setTimeout(() => exports.__wbindgen_malloc(0xfffffff0, 8));
  });
  await fatal.waitFor({ state: 'visible', timeout: TIMEOUT });
  assert.equal(await fatal.getAttribute('role'), 'alert');
  const detail = await page.locator('#fatal-detail').textContent();
  assert.match(detail, /internal error \(RuntimeError: unreachable/, `the banner says what happened; observed ${JSON.stringify(detail)}`);
  const href = await fatal.locator('a').getAttribute('href');
  assert.ok(href.endsWith(`#${hash}`), `the reload keeps the scenario and settings in the address; observed ${href}`);
  assert.equal(problems.pageErrors.length, 1, `the trap is the one page error: ${problems.pageErrors}`);
  await shot(t, page, 'fatal-banner-en', false);
  await audit(page, 'fatal banner');
  await fatal.locator('a').click();
  await page.locator('[data-testid=app][data-ready="true"]').waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator('#fatal').isHidden(), true, 'after the reload the app runs again');
  assert.match(await page.evaluate(() => location.hash), /s=http10-vs-11/, 'the same scenario');
});

test('the shipped wasm imports its glue under short names (scripts/shorten-imports.mjs ran) and loads with its SRI hashes', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { hash: 's=handshake&lang=en', reducedMotion: 'reduce' });
  const imports = await page.evaluate(async () => {
    const names = JSON.parse(document.getElementById('synack-boot').textContent);
    const module = await WebAssembly.compileStreaming(fetch(new URL(names.wasm, document.baseURI)));
    return WebAssembly.Module.imports(module);
  });
  assert.ok(imports.length > 100, `the wasm imports its DOM bindings; observed ${imports.length}`);
  const long = imports.filter((i) => i.module !== 'w' || !/^[0-9a-z]{1,3}$/.test(i.name));
  assert.deepEqual(long, [], 'every import is from module "w" with a base-36 name');
  // The page started, so the browser accepted the rewritten files' integrity hashes.
  const integrity = await page.evaluate(() => [...document.querySelectorAll('link[integrity]')].map((l) => l.getAttribute('href')));
  assert.ok(integrity.some((h) => h.endsWith('_bg.wasm')) && integrity.some((h) => /synack-[0-9a-f]+\.js$/.test(h)), `integrity on the wasm and the glue: ${integrity}`);
  assertClean();
});
