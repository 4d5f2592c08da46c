// A tiny static file server (no dependencies) for the browser tests and scripts/serve.
//
// Serves a directory (default: $SYNACK_DIST or <repo>/dist) under a sub-path (default /synack/),
// so the tests prove the app works with relative URLs when a course page hosts it in a folder.
// Records every request. Anything that is not a file under the sub-path is a 404.
//
//   import { start } from './server.mjs';
//   const srv = await start();            // { url, origin, requests, close() }
//   // srv.url === 'http://127.0.0.1:PORT/synack/'
//
// By default every response is `Cache-Control: no-store` and uncompressed (what the browser tests
// want). With `staticHost: true` (--static-host) it answers like the production host of
// docs/nginx.conf, for Lighthouse (tests/perf/lighthouse.mjs), whose simulated throttling charges
// transfer bytes: brotli or gzip by Accept-Encoding for wasm/js/css/html/svg/json (compressed
// once, at start, at the highest levels), `Vary: Accept-Encoding`, a year's immutable caching
// of the hashed files and `no-cache` for the rest, and the page's Content-Security-Policy as a
// header with frame-ancestors.
//
// As a program: node tests/browser/server.mjs [--dir DIR] [--base /synack/] [--port 8080]
//                                              [--host 127.0.0.1] [--static-host] [--log]

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const defaultDist = path.resolve(repoRoot, process.env.SYNACK_DIST || 'dist');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.pcap': 'application/vnd.tcpdump.pcap',
  '.pcapng': 'application/octet-stream',
};

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

// What docs/nginx.conf compresses, and its rule for the hashed (immutable) file names.
const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.webmanifest']);
const HASHED = /-[0-9a-f]{16}(_bg)?\.(wasm|js|css|svg)$/i;

/** brotli -q 11 and gzip -9 of every compressible file under `dir`, by absolute path. */
function precompress(dir) {
  const out = new Map();
  for (const rel of fs.readdirSync(dir, { recursive: true }).map(String)) {
    const file = path.join(dir, rel);
    if (!COMPRESSIBLE.has(path.extname(file).toLowerCase())) continue;
    const st = fs.statSync(file);
    if (!st.isFile()) continue;
    const raw = fs.readFileSync(file);
    out.set(file, {
      mtimeMs: st.mtimeMs,
      br: zlib.brotliCompressSync(raw, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }),
      gzip: zlib.gzipSync(raw, { level: 9 }),
      rawLength: raw.length,
    });
  }
  return out;
}

/** The policy of index.html's <meta http-equiv="Content-Security-Policy">, plus frame-ancestors
 * (honoured only in a header), as docs/nginx.conf sends it; null when there is no such meta. */
function cspHeader(dir) {
  let html;
  try {
    html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  } catch {
    return null;
  }
  // Attributes in any order, quoted or not (Trunk's minifier reorders them and drops quotes).
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/http-equiv=["']?Content-Security-Policy\b/i.test(tag)) continue;
    const m = /\bcontent=(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (m) return `${m[1] ?? m[2]}; frame-ancestors *`;
  }
  return null;
}

/** The encoding to send: brotli, then gzip, when the client accepts it (q=0 refuses). */
function pickEncoding(acceptEncoding) {
  const accepted = new Set(
    String(acceptEncoding || '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^\s*q=0(\.0*)?\s*$/.test(q))
      .map(([name]) => name.trim().toLowerCase()),
  );
  return ['br', 'gzip'].find((e) => accepted.has(e)) ?? null;
}

function normBase(base) {
  let b = base || '/';
  if (!b.startsWith('/')) b = '/' + b;
  if (!b.endsWith('/')) b += '/';
  return b;
}

/**
 * Starts the server.
 * @param {{dir?: string, base?: string, port?: number, host?: string, log?: boolean, staticHost?: boolean}} [opts]
 * @returns {Promise<{url: string, origin: string, base: string, dir: string,
 *   requests: {method: string, path: string, status: number}[], close: () => Promise<void>}>}
 */
export async function start(opts = {}) {
  const dir = path.resolve(opts.dir || defaultDist);
  const base = normBase(opts.base ?? '/synack/');
  const host = opts.host || '127.0.0.1';
  const port = opts.port ?? 0;
  const requests = [];
  const staticHost = Boolean(opts.staticHost);
  const compressed = staticHost ? precompress(dir) : new Map();
  const csp = staticHost ? cspHeader(dir) : null;

  const server = http.createServer((req, res) => {
    const rawPath = (req.url || '/').split('?')[0].split('#')[0];
    const entry = { method: req.method, path: req.url || '/', status: 0 };
    requests.push(entry);
    const send = (status, headers, body) => {
      entry.status = status;
      const common = staticHost ? { 'Cache-Control': 'no-cache', ...(csp && { 'Content-Security-Policy': csp }) } : { 'Cache-Control': 'no-store' };
      res.writeHead(status, { ...common, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (opts.log) console.log(`${status} ${req.method} ${req.url}`);
    };
    const notFound = () => send(404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'not found\n');

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, 'method not allowed\n');
    }
    if (base !== '/' && rawPath === base.slice(0, -1)) {
      return send(301, { Location: base }, '');
    }
    if (!rawPath.startsWith(base)) return notFound();

    let rel;
    try {
      rel = decodeURIComponent(rawPath.slice(base.length));
    } catch {
      return notFound();
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return notFound();

    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return notFound();
      fs.readFile(file, (err2, raw) => {
        if (err2) return notFound();
        const headers = { 'Content-Type': mimeType(file) };
        let body = raw;
        if (staticHost) {
          if (HASHED.test(file)) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
          const variants = compressed.get(file);
          if (variants) {
            headers.Vary = 'Accept-Encoding';
            const enc = pickEncoding(req.headers['accept-encoding']);
            // A file changed since start (a rebuild) is sent as it is now, uncompressed.
            if (enc && variants.rawLength === raw.length && variants.mtimeMs === st.mtimeMs) {
              headers['Content-Encoding'] = enc;
              body = variants[enc];
            }
          }
        }
        headers['Content-Length'] = body.length;
        send(200, headers, body);
      });
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address();
  const origin = `http://${host}:${addr.port}`;
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    url: origin + base,
    origin,
    base,
    dir,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// Run as a program (scripts/serve).
if (!process.env.NODE_TEST_CONTEXT && process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
  };
  const dir = opt('--dir', defaultDist);
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    console.error(`error: ${path.join(dir, 'index.html')} not found: run trunk build --release first`);
    process.exit(1);
  }
  const srv = await start({
    dir,
    base: opt('--base', '/'),
    port: Number(opt('--port', '8080')),
    host: opt('--host', '127.0.0.1'),
    log: args.includes('--log'),
    staticHost: args.includes('--static-host'),
  });
  console.log(`serving ${srv.dir} at ${srv.url}${args.includes('--static-host') ? ' as a static host (compressed, cached)' : ''} (Ctrl-C to stop)`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Debian's Chromium and the flags it needs as root on this closed network (TOOLCHAIN.md);
 * shared by the browser tests and scripts/measure. */
export const CHROMIUM = process.env.SYNACK_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
