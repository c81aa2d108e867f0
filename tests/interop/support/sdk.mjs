// ali-oss clients pointed at a running fake-oss, plus data helpers shared by the test files.
//
// Importing this module throws (and so fails the test file, never skips it) when the npm
// packages are not installed: they come from the committed package-lock.json via tools/bootstrap.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, REGION } from './fake-oss.mjs';

const require = createRequire(import.meta.url);

function loadAliOss() {
  try {
    return require('ali-oss');
  } catch (err) {
    throw new Error(
      'tests/interop/node_modules has no ali-oss: run tools/bootstrap from the repository root ' +
        `(it runs \`npm ci\` in tests/interop from the committed package-lock.json). Cause: ${err.message}`
    );
  }
}

export const OSS = loadAliOss();
export const ALI_OSS_VERSION = require('ali-oss/package.json').version;
const urllib = require('urllib');

/**
 * What ali-oss sent, seen from the client side: pass `recorder` as the `urllib` option and read
 * `requests` ({method, path, query, headers}) afterwards. Independent of the fake's own journal.
 */
export function requestRecorder() {
  const requests = [];
  const recorder = {
    request(url, params) {
      const parsed = new URL(url);
      requests.push({ method: params.method, path: parsed.pathname, query: parsed.searchParams, headers: params.headers });
      return urllib.request(url, params);
    },
  };
  return { recorder, requests };
}

export const KIB = 1024;
/** ali-oss refuses smaller parts, and OSS rejects smaller non-last parts at Complete. */
export const MIN_PART_SIZE_BYTES = 100 * KIB;

/**
 * A client using path style (`http://localhost:PORT/bucket/key`, `sldEnable: true`), V1
 * signing and the fake's long-term credentials. `overrides` replace any option.
 */
export function pathStyleClient(fake, overrides = {}) {
  return new OSS({
    endpoint: fake.localhostEndpoint,
    sldEnable: true,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    bucket: BUCKET,
    timeout: 30_000,
    ...overrides,
  });
}

/**
 * Closes the keep-alive sockets of ali-oss's shared HTTP agent (every client without its own
 * `agent` uses it), so the fake sees its clients leave before it is told to stop.
 */
export function closeKeepAliveConnections() {
  const anyClient = new OSS({ accessKeyId: 'unused', accessKeySecret: 'unused', bucket: BUCKET, region: REGION });
  anyClient.agent.destroy();
}

export function md5Hex(buffer) {
  return createHash('md5').update(buffer).digest('hex');
}

/** OSS's ETag for a single-PUT object or a part: quoted upper-hex MD5. */
export function expectedEtag(buffer) {
  return `"${md5Hex(buffer).toUpperCase()}"`;
}

/** OSS's multipart ETag: MD5 of the part ETag hex texts, then "-N" (docs/protocol.md#multipart-etag). */
export function expectedMultipartEtag(partBuffers) {
  const hexTexts = partBuffers.map(part => md5Hex(part).toUpperCase()).join('');
  return `"${createHash('md5').update(hexTexts).digest('hex').toUpperCase()}-${partBuffers.length}"`;
}

/** Deterministic pseudo-random bytes, so a failing run can be reproduced byte for byte. */
export function testBytes(sizeBytes, seed) {
  const out = Buffer.alloc(sizeBytes);
  let block = createHash('sha256').update(String(seed)).digest();
  for (let offset = 0; offset < sizeBytes; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export function randomSuffix() {
  return randomBytes(4).toString('hex');
}

/** Splits like ali-oss does: full parts of partSize, the remainder last. */
export function splitParts(buffer, partSizeBytes) {
  const parts = [];
  for (let start = 0; start < buffer.length; start += partSizeBytes) {
    parts.push(buffer.subarray(start, Math.min(start + partSizeBytes, buffer.length)));
  }
  return parts;
}

/** A temp directory removed by the returned cleanup(). */
export function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ossup-interop-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeTempFile(dir, name, buffer) {
  const file = path.join(dir, name);
  writeFileSync(file, buffer);
  return file;
}

/** ali-oss returns a lone <Part> as an object rather than an array (xml2js explicitArray:false). */
export function asArray(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Awaits `promise` and returns what it rejected with; fails when it resolves. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
