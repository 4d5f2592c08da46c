// Trunk post-build step (Trunk.toml [[hooks]]): gives the wasm's imports short names.
//
// wasm-bindgen names each function the wasm imports from its JS glue `__wbg_<name>_<16 hex
// digits>` (e.g. `__wbg_lastChild_d03af7c29f69e2ad`), under the module "./synack_bg.js". The
// names appear twice, in the wasm's import section and as keys of the glue's import object, and
// their hashes do not compress: ≈ 190 imports cost ≈ 6 KB gzip. This step renames every import
// of that module to a short base-36 number (and the module to "w") in both files, then updates
// the two files' SRI hashes in index.html. Nothing else changes: the exports (what
// `window.wasmBindings` and the glue call) keep their names.
//
// It fails the build, changing nothing, when the files are not as expected (a new wasm-bindgen
// could name things differently): a name must occur exactly once in the glue, as an object key.
//
// Usage: node scripts/shorten-imports.mjs [DIR]   (DIR defaults to $TRUNK_STAGING_DIR)

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const GLUE_MODULE = './synack_bg.js';
const SHORT_MODULE = 'w';

function fail(msg) {
  console.error(`shorten-imports: ${msg}`);
  process.exit(1);
}

// --- wasm binary helpers -------------------------------------------------------------------

function readU32(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) fail('truncated LEB128 number in the wasm');
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 35) fail('LEB128 number too long in the wasm');
  }
}

function u32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return Buffer.from(out);
}

function readName(buf, pos) {
  const [len, p] = readU32(buf, pos);
  return [buf.subarray(p, p + len).toString('utf8'), p + len];
}

function name(s) {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([u32(bytes.length), bytes]);
}

// The end of a limits field (table or memory type): flags, min, and max when flag bit 0 is set.
function skipLimits(buf, pos) {
  const flags = buf[pos++];
  [, pos] = readU32(buf, pos);
  if (flags & 1) [, pos] = readU32(buf, pos);
  return pos;
}

// The end of an import's description (function, table, memory, global or tag).
function skipDesc(buf, pos) {
  const kind = buf[pos++];
  switch (kind) {
    case 0x00: // function: type index
      return readU32(buf, pos)[1];
    case 0x01: // table: reference type, limits
      if (buf[pos] === 0x63 || buf[pos] === 0x64) fail('typed function references in a table import are not handled');
      return skipLimits(buf, pos + 1);
    case 0x02: // memory: limits
      return skipLimits(buf, pos);
    case 0x03: // global: value type, mutability
      if (buf[pos] === 0x63 || buf[pos] === 0x64) fail('typed references in a global import are not handled');
      return pos + 2;
    case 0x04: // tag: attribute, type index
      return readU32(buf, pos + 1)[1];
    default:
      return fail(`unknown import kind 0x${kind.toString(16)} in the wasm`);
  }
}

/** Rewrites the import section; returns the new wasm and the old → new field names. */
function renameImports(wasm) {
  if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) fail('not a wasm module (version 1)');
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, body] = readU32(wasm, pos + 1);
    const end = body + size;
    if (id !== 2) {
      pos = end;
      continue;
    }
    const [count, first] = readU32(wasm, body);
    let p = first;
    const parts = [u32(count)];
    const renamed = new Map();
    for (let i = 0; i < count; i++) {
      let module, field;
      [module, p] = readName(wasm, p);
      [field, p] = readName(wasm, p);
      const descStart = p;
      p = skipDesc(wasm, p);
      if (module === GLUE_MODULE) {
        if (renamed.has(field)) fail(`the wasm imports ${field} twice`);
        const short = renamed.size.toString(36);
        renamed.set(field, short);
        parts.push(name(SHORT_MODULE), name(short));
      } else {
        parts.push(name(module), name(field));
      }
      parts.push(wasm.subarray(descStart, p));
    }
    if (p !== end) fail('the import section has bytes after its last import');
    const section = Buffer.concat(parts);
    const out = Buffer.concat([wasm.subarray(0, pos), Buffer.from([2]), u32(section.length), section, wasm.subarray(end)]);
    return [out, renamed];
  }
  return fail('the wasm has no import section');
}

// --- the glue ------------------------------------------------------------------------------

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function renameInGlue(js, renamed) {
  const moduleKey = JSON.stringify(GLUE_MODULE) + ':';
  if (js.split(moduleKey).length !== 2) fail(`the glue names the module ${moduleKey} other than once`);
  js = js.replace(moduleKey, JSON.stringify(SHORT_MODULE) + ':');
  for (const [old, short] of renamed) {
    // The whole identifier: not part of a longer one.
    const re = new RegExp(`(?<![\\w$])${escape(old)}(?![\\w$])`, 'g');
    const hits = js.match(re)?.length ?? 0;
    if (hits !== 1) fail(`the glue names ${old} ${hits} times (expected once, as a key)`);
    const keyed = new RegExp(`(?<![\\w$])${escape(old)}:`);
    if (!keyed.test(js)) fail(`the glue names ${old}, but not as an object key`);
    js = js.replace(keyed, `${JSON.stringify(short)}:`);
  }
  return js;
}

// --- index.html ----------------------------------------------------------------------------

const sri = (buf) => `sha384-${crypto.createHash('sha384').update(buf).digest('base64')}`;

function main() {
  const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
  if (!dir) fail('no directory: pass one or run as a Trunk hook (TRUNK_STAGING_DIR)');
  const indexPath = path.join(dir, 'index.html');
  let html = fs.readFileSync(indexPath, 'utf8');
  // (Minified, the block reads `<script id=synack-boot type=application/json>`; not minified, a
  // debug build's reads `<script type="application/json" id="synack-boot">`.)
  const boot = [...html.matchAll(/<script\b([^>]*)>([^<]*)<\/script>/g)].find((m) =>
    /\sid="?synack-boot"?(\s|$)/.test(m[1]),
  );
  if (!boot) fail('index.html has no synack-boot block naming the JS and wasm');
  const names = JSON.parse(boot[2]);
  const jsPath = path.join(dir, names.js);
  const wasmPath = path.join(dir, names.wasm);
  const wasm = fs.readFileSync(wasmPath);
  const js = fs.readFileSync(jsPath, 'utf8');

  const [newWasm, renamed] = renameImports(wasm);
  const newJs = renameInGlue(js, renamed);

  for (const [file, before, after] of [
    [names.js, Buffer.from(js), Buffer.from(newJs)],
    [names.wasm, wasm, newWasm],
  ]) {
    const old = sri(before);
    if (html.split(old).length !== 2) fail(`index.html does not carry ${file}'s integrity ${old} exactly once`);
    html = html.replace(old, sri(after));
  }
  fs.writeFileSync(wasmPath, newWasm);
  fs.writeFileSync(jsPath, newJs);
  fs.writeFileSync(indexPath, html);
  console.log(
    `shorten-imports: ${renamed.size} imports renamed; wasm ${wasm.length} -> ${newWasm.length} B, ` +
      `glue ${Buffer.byteLength(js)} -> ${Buffer.byteLength(newJs)} B`,
  );
}

main();
