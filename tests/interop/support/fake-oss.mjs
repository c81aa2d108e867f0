// Starts the real fake-oss binary for one test file and talks to its control API.
//
// Contract: startFakeOss() spawns `fake-oss --host 127.0.0.1 --port 0 ...`, waits (bounded) for
// the first stdout line `fake-oss listening on http://HOST:PORT` and for GET /_fake/health,
// and returns a FakeOss handle. With `tls: true` it adds `--tls-self-signed FILE` and expects
// `https://`; the handle's `caPem` is then the CA to trust, and its control calls trust it.
// The caller must call stop() (SIGTERM, then SIGKILL after a bounded wait). Control-API calls
// throw an Error naming the call and the HTTP status when the fake answers outside 2xx.
// Errors: a missing binary, an early exit or a wrong first line throw with the binary's path
// and everything it printed, so a CI log says what went wrong.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const STARTUP_LIMIT_MS = 15_000;
const STOP_LIMIT_MS = 5_000;
const LISTENING_LINE = /^fake-oss listening on (https?:\/\/([^:/]+):(\d+))$/;

export const ACCESS_KEY_ID = 'AKIDINTEROP';
export const ACCESS_KEY_SECRET = 'interop-secret-key';
export const BUCKET = 'interop-bucket';
export const REGION = 'oss-cn-hangzhou';
export const REGION_HOST = 'oss-cn-hangzhou.aliyuncs.com';

/** Path of the fake-oss binary: $FAKE_OSS_BIN (set by ctest) or the release preset's output. */
export function fakeOssBinary() {
  const bin = process.env.FAKE_OSS_BIN || path.join(repoRoot, 'build', 'release', 'bin', 'fake-oss');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      `fake-oss binary not found or not executable at ${bin}. ` +
        'Build it (cmake --preset release && cmake --build --preset release --target fake-oss) ' +
        'or set FAKE_OSS_BIN.'
    );
  }
  return bin;
}

export class FakeOss {
  constructor(child, endpoint, host, port, output, caPem) {
    this.child = child;
    /** PEM of the CA that signed the fake's certificate (tls), else undefined. */
    this.caPem = caPem;
    /** e.g. http://127.0.0.1:40123, exactly as printed by the fake. */
    this.endpoint = endpoint;
    this.host = host;
    this.port = port;
    this.output = output;
  }

  /** http(s)://localhost:PORT: the endpoint form ali-oss needs for path style (sldEnable). */
  get localhostEndpoint() {
    return `${this.caPem ? 'https' : 'http'}://localhost:${this.port}`;
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_LIMIT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** One control call on its own connection (no keep-alive), so stop() is never held up. */
  #control(method, route, body) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = `${this.endpoint}/_fake/${route}`;
    return new Promise((resolve, reject) => {
      const request = (this.caPem ? https : http).request(url, {
        method,
        agent: false,
        ca: this.caPem,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      });
      request.on('error', reject);
      request.on('response', response => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode < 200 || response.statusCode > 299) {
            reject(new Error(`fake-oss ${method} /_fake/${route} -> ${response.statusCode}: ${text}`));
          } else {
            resolve(text.length ? JSON.parse(text) : null);
          }
        });
      });
      request.end(payload);
    });
  }

  health() {
    return this.#control('GET', 'health');
  }
  /** Temporary credentials: {AccessKeyId, AccessKeySecret, SecurityToken, Expiration}. */
  issueStsToken(durationSeconds = 900) {
    return this.#control('POST', 'sts', { durationSeconds });
  }
  uploads() {
    return this.#control('GET', 'uploads');
  }
  journal() {
    return this.#control('GET', 'journal');
  }
  /** Installs a fault plan (faults/include/ossup/faults/plan.h) and returns its id. */
  async installFaults(plan) {
    const { id } = await this.#control('POST', 'faults', plan);
    return id;
  }
  /** {id, plan, rules: [{matched, fired, remaining}]}. */
  faultAccounting(id) {
    return this.#control('GET', `faults/${encodeURIComponent(id)}`);
  }
  clearFaults() {
    return this.#control('DELETE', 'faults');
  }
}

/**
 * Spawns fake-oss with signature checking on. `virtualHostDomain` lets it read the bucket
 * from `Host: <bucket>.<domain>`; `defaultBucket` serves requests that name no bucket (the
 * whole path is the key), as ali-oss sends with `cname: true`.
 */
export async function startFakeOss({ virtualHostDomain, defaultBucket, tls = false } = {}) {
  const bin = fakeOssBinary();
  const args = [
    '--host', '127.0.0.1', '--port', '0',
    '--access-key-id', ACCESS_KEY_ID, '--access-key-secret', ACCESS_KEY_SECRET,
    '--bucket', BUCKET, '--seed', '1',
  ];
  if (virtualHostDomain) args.push('--virtual-host-domain', virtualHostDomain);
  if (defaultBucket) args.push('--default-bucket', defaultBucket);
  let caFile;
  if (tls) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-oss-ca-'));
    caFile = path.join(dir, 'ca.pem');
    args.push('--tls-self-signed', caFile);
  }

  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', chunk => output.push(chunk));
  child.stdout.setEncoding('utf8');

  const firstLine = await new Promise((resolve, reject) => {
    let buffered = '';
    const fail = why => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} ${args.join(' ')}: ${why}\n--- output ---\n${buffered}${output.join('')}`));
    };
    const timer = setTimeout(() => fail(`no listening line within ${STARTUP_LIMIT_MS} ms`), STARTUP_LIMIT_MS);
    const onData = chunk => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      output.push(buffered.slice(newline + 1));
      child.stdout.on('data', more => output.push(more));
      resolve(buffered.slice(0, newline).replace(/\r$/, ''));
    };
    const onExit = (code, signal) => {
      clearTimeout(timer);
      fail(`exited (code ${code}, signal ${signal}) before printing its endpoint`);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', err => {
      clearTimeout(timer);
      fail(err.message);
    });
  });

  const match = LISTENING_LINE.exec(firstLine);
  if (!match || match[1].startsWith('https:') !== tls) {
    child.kill('SIGKILL');
    throw new Error(`fake-oss first stdout line is ${JSON.stringify(firstLine)}, ` +
      `expected "fake-oss listening on ${tls ? 'https' : 'http'}://HOST:PORT"`);
  }
  let caPem;
  if (caFile) {
    caPem = readFileSync(caFile, 'utf8');  // written before the first line
    rmSync(path.dirname(caFile), { recursive: true, force: true });
  }
  const fake = new FakeOss(child, match[1], match[2], Number(match[3]), output, caPem);
  try {
    await fake.health();
  } catch (err) {
    await fake.stop();
    throw new Error(`fake-oss printed its endpoint but GET /_fake/health failed: ${err.message}`);
  }
  return fake;
}
