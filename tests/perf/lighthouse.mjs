// Lighthouse against the release site served the way a static host serves it (tests/browser/
// server.mjs with staticHost: brotli/gzip, application/wasm, a year's caching of hashed files,
// the CSP as a header), in Debian's Chromium, offline. Issue 7's budget: performance ≥ 90,
// accessibility ≥ 95, best practices ≥ 95. Used by tests/perf/measure.mjs (section `lighthouse`,
// `scripts/measure --lighthouse`); also runs on its own:
//
//   node tests/perf/lighthouse.mjs [--dist DIR] [--runs N] [--report-dir DIR] [--desktop] [--json-only]
//                                  [--plain-host]   (uncompressed, no-store: the browser tests' server)
//
// Lighthouse's default settings: a mobile page (412×823), simulated slow 4G and a 4× slower CPU.
// Each run gets a fresh Chromium with a fresh profile; the run with the median performance score
// is saved as <report-dir>/lighthouse.report.html and .json (default target/measure/), and the
// medians of every score and metric over the runs are reported. It measures, it does not gate.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { start, defaultDist, repoRoot, CHROMIUM, CHROMIUM_ARGS } from '../browser/server.mjs';

export const LIGHTHOUSE_BUDGET = { performance: 90, accessibility: 95, 'best-practices': 95 };
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = {
  fcpMs: 'first-contentful-paint',
  lcpMs: 'largest-contentful-paint',
  tbtMs: 'total-blocking-time',
  cls: 'cumulative-layout-shift',
  siMs: 'speed-index',
  ttiMs: 'interactive',
};
const START_TIMEOUT_MS = 30_000;

/** A path as the reports show it: relative to the repository when inside it. */
export const shownPath = (p) => {
  const rel = path.relative(repoRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/** Starts Chromium with a fresh profile and a DevTools port; resolves { port, version, stop() }. */
async function launchChromium() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'synack-lighthouse-'));
  const child = spawn(
    CHROMIUM,
    [...CHROMIUM_ARGS, '--headless', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    // Chromium's helper processes can still be writing into the profile for a moment after the
    // browser process exits (seen as ENOTEMPTY): retry, and never fail a measurement over it.
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (e) {
      console.error(`    (could not remove the profile ${profile}: ${e.message})`);
    }
  };
  // Chromium writes the port it picked to DevToolsActivePort in the profile.
  const portFile = path.join(profile, 'DevToolsActivePort');
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode != null) break;
    const port = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8').split('\n')[0]) : 0;
    if (port > 0) {
      const version = await fetch(`http://127.0.0.1:${port}/json/version`)
        .then((r) => r.json())
        .then((v) => /\/([\d.]+)$/.exec(v.Browser || '')?.[1] ?? null)
        .catch(() => null);
      return { port, version, stop };
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`${CHROMIUM} did not open a DevTools port within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`);
}

const score = (cat) => (cat?.score == null ? null : Math.round(cat.score * 100));
const median = (xs) => {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

/** "simulate (RTT 150 ms, 1638 kbit/s, CPU ×4)" */
function throttlingOf(settings) {
  const t = settings.throttling || {};
  return `${settings.throttlingMethod} (RTT ${t.rttMs} ms, ${Math.round(t.throughputKbps)} kbit/s, CPU ×${t.cpuSlowdownMultiplier})`;
}

/** The figures of one report worth keeping in the measure JSON. */
function summarize(lhr) {
  const a = lhr.audits;
  // Milliseconds to 1 ms; CLS (unitless) to 0.001.
  const metric = (id) => {
    const v = a[id]?.numericValue;
    const unit = id === METRICS.cls ? 1000 : 1;
    return v == null ? null : Math.round(v * unit) / unit;
  };
  const failing = (cat) =>
    lhr.categories[cat].auditRefs
      .filter((r) => r.weight > 0 && a[r.id]?.score != null && a[r.id].score < 1)
      .map((r) => `${r.id} (${a[r.id].displayValue || a[r.id].score})`);
  const lcpItem = a['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
  return {
    scores: Object.fromEntries(CATEGORIES.map((c) => [c, score(lhr.categories[c])])),
    metrics: Object.fromEntries(Object.entries(METRICS).map(([k, id]) => [k, metric(id)])),
    lcpElement: lcpItem ? `${lcpItem.selector} "${String(lcpItem.nodeLabel || '').slice(0, 60)}"` : null,
    bootupMs: metric('bootup-time'),
    mainThreadMs: metric('mainthread-work-breakdown'),
    totalByteWeight: metric('total-byte-weight'),
    benchmarkIndex: lhr.environment?.benchmarkIndex ?? null,
    failing: Object.fromEntries(CATEGORIES.map((c) => [c, failing(c)])),
    warnings: lhr.runWarnings,
  };
}

/**
 * Runs Lighthouse `runs` times against `dist` and saves the median run's reports.
 * @param {{dist?: string, runs?: number, reportDir?: string, desktop?: boolean, plainHost?: boolean,
 *   progress?: (m: string) => void}} [opts]
 */
export async function runLighthouse(opts = {}) {
  const dist = path.resolve(opts.dist || defaultDist);
  const runs = opts.runs ?? 3;
  const reportDir = path.resolve(repoRoot, opts.reportDir || 'target/measure');
  const progress = opts.progress || (() => {});
  const server = await start({ dir: dist, base: '/synack/', staticHost: !opts.plainHost });
  const results = [];
  try {
    for (let i = 0; i < runs; i++) {
      progress(`lighthouse run ${i + 1}/${runs} (${opts.desktop ? 'desktop' : 'mobile'}), loadavg ${os.loadavg()[0].toFixed(2)}`);
      const chrome = await launchChromium();
      try {
        const r = await lighthouse(
          server.url,
          { port: chrome.port, output: ['html', 'json'], logLevel: 'error', onlyCategories: CATEGORIES },
          opts.desktop ? desktopConfig : undefined,
        );
        if (!r?.lhr) throw new Error('Lighthouse returned no report');
        if (r.lhr.runtimeError) throw new Error(`Lighthouse: ${r.lhr.runtimeError.code} ${r.lhr.runtimeError.message}`);
        results.push({ lhr: r.lhr, report: r.report, version: chrome.version, loadavg1: Math.round(os.loadavg()[0] * 100) / 100 });
      } finally {
        await chrome.stop();
      }
    }
  } finally {
    await server.close();
  }
  const summaries = results.map((r) => ({ ...summarize(r.lhr), loadavg1: r.loadavg1 }));
  // The saved report: the run with the median performance score.
  const order = summaries.map((s, i) => i).sort((x, y) => summaries[x].scores.performance - summaries[y].scores.performance);
  const mid = order[Math.floor((order.length - 1) / 2)];
  fs.mkdirSync(reportDir, { recursive: true });
  const htmlFile = path.join(reportDir, 'lighthouse.report.html');
  const jsonFile = path.join(reportDir, 'lighthouse.report.json');
  fs.writeFileSync(htmlFile, results[mid].report[0]);
  fs.writeFileSync(jsonFile, results[mid].report[1]);
  const medianOf = (pick) => median(summaries.map(pick));
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, medianOf((s) => s.scores[c])]));
  const metrics = Object.fromEntries(Object.keys(METRICS).map((k) => [k, medianOf((s) => s.metrics[k])]));
  const missed = Object.entries(LIGHTHOUSE_BUDGET)
    .filter(([c, min]) => scores[c] == null || scores[c] < min)
    .map(([c, min]) => `Lighthouse ${c} ${scores[c]} < ${min} (median of ${runs})`);
  return {
    lighthouseVersion: results[0].lhr.lighthouseVersion,
    browserVersion: results[0].version,
    url: server.url,
    formFactor: opts.desktop ? 'desktop' : 'mobile',
    host: opts.plainHost ? 'plain (uncompressed, no-store)' : 'static host (brotli/gzip, immutable caching of hashed files)',
    throttling: throttlingOf(results[0].lhr.configSettings),
    runs,
    scores,
    metrics,
    budget: LIGHTHOUSE_BUDGET,
    budgetsMissed: missed,
    medianRun: mid + 1,
    medianRunLcpElement: summaries[mid].lcpElement,
    reportHtml: shownPath(htmlFile),
    reportJson: shownPath(jsonFile),
    perRun: summaries,
  };
}

/** Report lines for a runLighthouse() result. */
export function lighthouseLines(lh) {
  const L = [];
  const s = lh.scores;
  const m = lh.metrics;
  const secs = (x) => (x == null ? '—' : `${(x / 1000).toFixed(2)} s`);
  L.push(`  scores (median of ${lh.runs}): performance ${s.performance}, accessibility ${s.accessibility}, best practices ${s['best-practices']}, SEO ${s.seo}`);
  L.push(`  FCP ${secs(m.fcpMs)}, LCP ${secs(m.lcpMs)}, TBT ${m.tbtMs == null ? '—' : `${Math.round(m.tbtMs)} ms`}, CLS ${m.cls}, SI ${secs(m.siMs)} (TTI ${secs(m.ttiMs)})`);
  for (const [i, r] of lh.perRun.entries()) {
    L.push(
      `  run ${i + 1}${i + 1 === lh.medianRun ? ' (saved)' : ''}: perf ${r.scores.performance} a11y ${r.scores.accessibility} bp ${r.scores['best-practices']} seo ${r.scores.seo}; ` +
        `FCP ${secs(r.metrics.fcpMs)} LCP ${secs(r.metrics.lcpMs)} TBT ${Math.round(r.metrics.tbtMs)} ms CLS ${r.metrics.cls} SI ${secs(r.metrics.siMs)}; ` +
        `boot-up ${secs(r.bootupMs)}, benchmarkIndex ${r.benchmarkIndex}, loadavg ${r.loadavg1}`,
    );
  }
  L.push(`  LCP element (saved run): ${lh.medianRunLcpElement ?? '—'}`);
  const failing = lh.perRun[lh.medianRun - 1].failing;
  for (const [cat, list] of Object.entries(failing)) if (list.length) L.push(`  ${cat}, audits not passed: ${list.join(', ')}`);
  L.push(`  budget: performance ≥ ${lh.budget.performance}, accessibility ≥ ${lh.budget.accessibility}, best practices ≥ ${lh.budget['best-practices']}: ${lh.budgetsMissed.length ? 'MISSED' : 'ok'}`);
  L.push(`  reports: ${lh.reportHtml}, ${lh.reportJson}`);
  return L;
}

// Run as a program.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const value = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
  };
  const dist = path.resolve(value('--dist', defaultDist));
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error(`error: ${path.join(dist, 'index.html')} not found: run trunk build --release first`);
    process.exit(1);
  }
  const runs = Number(value('--runs', 3));
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const lh = await runLighthouse({
    dist,
    runs,
    reportDir: value('--report-dir', 'target/measure'),
    desktop: argv.includes('--desktop'),
    plainHost: argv.includes('--plain-host'),
    progress: (m) => process.stderr.write(`    ... ${m}\n`),
  });
  if (argv.includes('--json-only')) process.stdout.write(JSON.stringify(lh, null, 2) + '\n');
  else {
    console.log(`Lighthouse ${lh.lighthouseVersion} in Chromium ${lh.browserVersion}, ${lh.formFactor}, ${lh.throttling} throttling, ${lh.url} served as ${lh.host}`);
    console.log(lighthouseLines(lh).join('\n'));
    for (const m of lh.budgetsMissed) console.log(`BUDGET MISSED: ${m}`);
  }
}
