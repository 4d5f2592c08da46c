// End-to-end tests of the built site (dist/) in Debian's headless Chromium, driven by playwright-core.
// The site is served under the sub-path /synack/ by ./server.mjs, so relative URLs are exercised.
//
//   node --test tests/browser/            (scripts/test runs this after `trunk build --release`)
//   SYNACK_DIST=/some/dir                 test another build
//   SYNACK_SCREENSHOTS=/some/dir          where screenshots go (default target/screenshots)
//   SYNACK_CHROMIUM=/path/to/chromium     default /usr/bin/chromium

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useBrowser, testServer, openApp, readState, waitForState, parseCounter, pause, sleep, repoRoot,
  TEST_TIMEOUT, TIMEOUT, SHOTS, CLIENT_ADDR, SERVER_ADDR, HANDSHAKE_LABELS, CJK,
} from './harness.mjs';

useBrowser();

test('loads from a sub-path without errors, shows the title and both addresses', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean, firstRequest } = await openApp(t);
  const title = await page.title();
  assert.match(title, /synack/i, `document title should contain "synack"; observed ${JSON.stringify(title)}`);
  const info = await page.evaluate(() => ({ lang: document.documentElement.lang, text: document.body.innerText }));
  assert.equal(info.lang, 'en', 'document.documentElement.lang with #lang=en');
  for (const addr of [CLIENT_ADDR, SERVER_ADDR]) {
    assert.ok(info.text.includes(addr), `page text should contain ${addr}; observed text:\n${info.text.slice(0, 2000)}`);
  }
  const narration = page.locator('[data-testid=narration]');
  assert.equal(await narration.getAttribute('aria-live'), 'polite', 'narration must be an aria-live="polite" region');
  assert.notEqual((await narration.textContent()).trim(), '', 'narration must not be empty');
  for (const id of ['play', 'step-back', 'step-forward', 'restart', 'to-end', 'lang-toggle']) {
    assert.equal(await page.locator(`button[data-testid=${id}]`).count(), 1, `one <button data-testid=${id}>`);
  }
  assert.equal(await page.locator('input[type=range][data-testid=scrubber]').count(), 1, 'one range input data-testid=scrubber');

  await sleep(500); // let late requests and errors arrive
  const seen = testServer().requests.slice(firstRequest);
  const wasm = seen.filter((r) => /\.wasm$/.test(r.path.split('?')[0]));
  assert.ok(
    wasm.length >= 1 && wasm.every((r) => r.status === 200),
    `the page should fetch its .wasm from the test server; server saw ${JSON.stringify(seen)}`,
  );
  assertClean();
});

test('autoplays the handshake to the end: three segments, both ESTABLISHED', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t);
  const t0 = Date.now();
  const first = await readState(page);
  if (first.client !== 'ESTABLISHED' || first.server !== 'ESTABLISHED') {
    assert.equal(first.playing, 'true', `the app should autoplay on load (play aria-pressed="true"); observed ${JSON.stringify(first)}`);
    // Pause: nothing moves; play again: it goes on.
    await page.click('[data-testid=play]');
    const paused = await waitForState(page, { playing: (v) => v !== 'true' }, 'play button pauses');
    await sleep(800);
    const later = await readState(page);
    assert.deepEqual(
      { client: later.client, server: later.server, labels: later.labels, counter: later.counter },
      { client: paused.client, server: paused.server, labels: paused.labels, counter: paused.counter },
      'while paused nothing may change',
    );
    await page.click('[data-testid=play]');
    await waitForState(page, { playing: 'true' }, 'play button resumes');
  }
  const end = await waitForState(page, { client: 'ESTABLISHED', server: 'ESTABLISHED' }, 'playing to the end', 15_000);
  t.diagnostic(`reached ESTABLISHED/ESTABLISHED ${Date.now() - t0} ms after mount (including an 800 ms pause)`);
  assert.deepEqual(end.labels, HANDSHAKE_LABELS, 'packet labels at the end, in order');
  assert.equal(end.packets, 3, 'exactly three packets');
  const stopped = await waitForState(page, { playing: (v) => v !== 'true' }, 'playback stops at the end', 5_000);
  const { step, total } = parseCounter(stopped.counter);
  assert.equal(step, total, `at the end the counter shows the last step; observed ${stopped.counter}`);
  assertClean();
});

test('step back / forward, restart, to-end, and the same with the keyboard', { timeout: TEST_TIMEOUT }, async (t) => {
  // Reduced motion: the app must not autoplay, so every state below is reached only by our input.
  const { page, assertClean } = await openApp(t, { reducedMotion: 'reduce' });
  await sleep(300);
  await waitForState(
    page,
    { client: 'CLOSED', server: 'LISTEN', packets: 0, playing: (v) => v !== 'true' },
    'initial state with prefers-reduced-motion (no autoplay)',
  );
  await pause(page);

  const atEnd = { client: 'ESTABLISHED', server: 'ESTABLISHED', packets: 3, labels: HANDSHAKE_LABELS };
  const ackInFlight = { client: 'ESTABLISHED', server: 'SYN-RECEIVED', packets: 3 };
  const synAckSent = { client: 'SYN-SENT', server: 'SYN-RECEIVED', packets: 2, labels: HANDSHAKE_LABELS.slice(0, 2) };
  const atStart = { client: 'CLOSED', server: 'LISTEN', packets: 0 };

  // Buttons.
  await page.click('[data-testid=to-end]');
  const end = await waitForState(page, { ...atEnd, playing: (v) => v !== 'true' }, 'to-end button');
  const { step, total } = parseCounter(end.counter);
  assert.equal(step, total, `to-end: counter ${end.counter}`);

  await page.click('[data-testid=step-back]');
  await waitForState(page, { ...ackInFlight, counter: `Step ${total - 1} / ${total}` }, 'step-back from the end');
  await page.click('[data-testid=step-back]');
  await waitForState(page, synAckSent, 'second step-back');
  await page.click('[data-testid=step-forward]');
  await waitForState(page, ackInFlight, 'step-forward');
  await page.click('[data-testid=step-forward]');
  await waitForState(page, { ...atEnd, counter: `Step ${total} / ${total}` }, 'second step-forward');

  await page.click('[data-testid=restart]');
  await waitForState(page, atStart, 'restart button');
  await page.click('[data-testid=to-end]');
  await waitForState(page, atEnd, 'to-end after restart');

  // Keyboard, with the focus on the body (not on a button or the scrubber).
  const press = async (key) => {
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.keyboard.press(key);
  };
  await press('Home');
  await waitForState(page, atStart, 'Home key');
  await press('End');
  await waitForState(page, atEnd, 'End key');
  await press('ArrowLeft');
  await waitForState(page, ackInFlight, 'ArrowLeft key');
  await press('ArrowLeft');
  await waitForState(page, synAckSent, 'second ArrowLeft key');
  await press('ArrowRight');
  await waitForState(page, ackInFlight, 'ArrowRight key');
  await press('ArrowRight');
  await waitForState(page, atEnd, 'second ArrowRight key');
  await press('Home');
  await waitForState(page, atStart, 'Home key again');
  assertClean();
});

test('language toggle switches narration and <html lang> between en and zh-CN', { timeout: TEST_TIMEOUT }, async (t) => {
  const { page, assertClean } = await openApp(t, { reducedMotion: 'reduce' });
  await pause(page);
  await page.click('[data-testid=to-end]');
  const en = await waitForState(page, { client: 'ESTABLISHED', server: 'ESTABLISHED', lang: 'en' }, 'English end state');
  assert.ok(en.narration && !CJK.test(en.narration), `English narration, without CJK; observed ${JSON.stringify(en.narration)}`);

  await page.click('[data-testid=lang-toggle]');
  const zh = await waitForState(
    page,
    { lang: 'zh-CN', narration: (v) => typeof v === 'string' && CJK.test(v), hash: /lang=zh-CN/ },
    'after clicking lang-toggle: lang zh-CN, Chinese narration, #lang=zh-CN',
  );
  assert.match(zh.counter ?? '', /^第 \d+ \/ \d+ 步$/, `Chinese step counter; observed ${JSON.stringify(zh.counter)}`);
  assert.deepEqual(
    { client: zh.client, server: zh.server, labels: zh.labels },
    { client: en.client, server: en.server, labels: en.labels },
    'changing the language must not change the protocol state or packet labels',
  );

  await page.click('[data-testid=lang-toggle]');
  await waitForState(
    page,
    { lang: 'en', narration: en.narration, hash: /lang=en(&|$)/, counter: en.counter },
    'after clicking lang-toggle again: back to English',
  );

  // The hash alone picks the language on load.
  const zhPage = await openApp(t, { hash: 'lang=zh-CN', reducedMotion: 'reduce' });
  await waitForState(zhPage.page, { lang: 'zh-CN', narration: (v) => typeof v === 'string' && CJK.test(v) }, 'opening #lang=zh-CN');
  zhPage.assertClean();
  assertClean();
});

test('screenshots of the end state in English and Chinese', { timeout: TEST_TIMEOUT }, async (t) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const { page, assertClean } = await openApp(t, { reducedMotion: 'reduce' });
  await pause(page);
  await page.click('[data-testid=to-end]');
  await waitForState(page, { client: 'ESTABLISHED', server: 'ESTABLISHED', lang: 'en' }, 'end state');
  const shots = [];
  const en = path.join(SHOTS, 'handshake-en.png');
  await page.screenshot({ path: en, fullPage: true, timeout: TIMEOUT });
  shots.push(en);
  await page.click('[data-testid=lang-toggle]');
  await waitForState(page, { lang: 'zh-CN', narration: (v) => typeof v === 'string' && CJK.test(v) }, 'Chinese end state');
  const zh = path.join(SHOTS, 'handshake-zh.png');
  await page.screenshot({ path: zh, fullPage: true, timeout: TIMEOUT });
  shots.push(zh);
  for (const f of shots) {
    assert.ok(fs.statSync(f).size > 1000, `${f} should be a real PNG`);
    t.diagnostic(`screenshot: ${path.relative(repoRoot, f)}`);
  }
  assertClean();
});
