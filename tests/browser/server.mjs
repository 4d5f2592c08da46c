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
// As a program: node tests/browser/server.mjs [--dir DIR] [--base /synack/] [--port 8080] [--host 127.0.0.1]

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
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

function normBase(base) {
  let b = base || '/';
  if (!b.startsWith('/')) b = '/' + b;
  if (!b.endsWith('/')) b += '/';
  return b;
}

/**
 * Starts the server.
 * @param {{dir?: string, base?: string, port?: number, host?: string, log?: boolean}} [opts]
 * @returns {Promise<{url: string, origin: string, base: string, dir: string,
 *   requests: {method: string, path: string, status: number}[], close: () => Promise<void>}>}
 */
export async function start(opts = {}) {
  const dir = path.resolve(opts.dir || defaultDist);
  const base = normBase(opts.base ?? '/synack/');
  const host = opts.host || '127.0.0.1';
  const port = opts.port ?? 0;
  const requests = [];

  const server = http.createServer((req, res) => {
    const rawPath = (req.url || '/').split('?')[0].split('#')[0];
    const entry = { method: req.method, path: req.url || '/', status: 0 };
    requests.push(entry);
    const send = (status, headers, body) => {
      entry.status = status;
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
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
      fs.readFile(file, (err2, body) => {
        if (err2) return notFound();
        send(200, { 'Content-Type': mimeType(file), 'Content-Length': body.length }, body);
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
  });
  console.log(`serving ${srv.dir} at ${srv.url} (Ctrl-C to stop)`);
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
