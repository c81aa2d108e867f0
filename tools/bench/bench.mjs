// tools/bench/run's driver: starts the servers and clients, calls ossup-bench for each
// measurement, prints a table and writes the results as JSON. Every figure that is compared is
// measured in this run, side by side (interleaved across repeats), and reported as a ratio;
// absolute numbers on a shared 2-core machine are noise, ratios much less so.
// See docs/benchmarks.md for what each figure means.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const MiB = 1 << 20;
const GiB = 1 << 30;
const BUCKET = 'bench';
const AK = 'AKIDBENCH';
const SK = 'bench-secret-key';

const USAGE = `usage: tools/bench/run [options]
  --quick              small sizes, one repeat (a smoke check, under a minute)
  --sections LIST      comma-separated: hash,fake,client (default: all)
  --repeat N           repeats per figure, interleaved across servers/clients (default 3; quick 1)
  --out FILE           results JSON (default build/bench/results.json)
  --work-dir DIR       scratch space for test files (default build/bench/tmp; emptied afterwards)
  --bin-dir DIR        where ossup, fake-oss and ossup-bench are (default build/release/bin)
  --no-install         do not run tools/bootstrap --bench (peers not installed are reported so)
  --no-build           do not build the release preset first`;

// ---------------------------------------------------------------------------------------------
// Options and sizes

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sections: { type: 'string', default: 'hash,fake,client' },
    repeat: { type: 'string' },
    out: { type: 'string', default: path.join(root, 'build', 'bench', 'results.json') },
    'work-dir': { type: 'string', default: path.join(root, 'build', 'bench', 'tmp') },
    'bin-dir': { type: 'string', default: path.join(root, 'build', 'release', 'bin') },
    'no-install': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const sections = new Set(opts.sections.split(',').map(s => s.trim()));
for (const s of sections) {
  if (!['hash', 'fake', 'client'].includes(s)) {
    console.error(`bench: unknown section ${s}\n${USAGE}`);
    process.exit(2);
  }
}

const quick = opts.quick;
const repeat = Number(opts.repeat ?? (quick ? 1 : 3));
const sizes = quick
  ? {
      hashBytes: 32 * MiB,
      ingestPartSize: 8 * MiB,
      ingestParts: 4,
      ingestConnections: [1, 2],
      smallRequests: 400,
      startupRepeat: 1,
      settleMs: 300,
      clientFile: 64 * MiB,
      rssFile: 256 * MiB,
      fakeOssBenchArgs: ['--parts', '2', '--cpu-rounds', '1', '--pairs', '200', '--disk-gib', '0', '--idle', '500'],
    }
  : {
      hashBytes: 512 * MiB,
      ingestPartSize: 64 * MiB,
      ingestParts: 8,
      ingestConnections: [1, 2, 4],
      smallRequests: 4000,
      startupRepeat: 5,
      settleMs: 1000,
      clientFile: 1 * GiB,
      rssFile: 4 * GiB,
      fakeOssBenchArgs: ['--parts', '4', '--pairs', '2000', '--disk-gib', '1', '--idle', '10000'],
    };
const CLIENT_PART_SIZE = 8 * MiB;
const CLIENT_PARALLEL = 4;

const bin = name => path.join(opts['bin-dir'], name);
// A private directory inside --work-dir, made by main() and removed afterwards (--work-dir
// itself is left alone).
let workDir;
const s3rverJs = path.join(here, 'node_modules', 's3rver', 'bin', 's3rver.js');
const timeBin = '/usr/bin/time';

// ---------------------------------------------------------------------------------------------
// Small helpers

const median = xs => {
  const s = [...xs].filter(x => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : null);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Runs ossup-bench and returns its JSON line. */
function measure(...args) {
  const out = execFileSync(bin('ossup-bench'), args.map(String), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * MiB,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** User + system CPU seconds of a live process, from /proc/PID/stat. */
function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpRequest(port, method, route) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: route, agent: false }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitForAnswer(port, child, limitMs = 30_000) {
  const start = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      return await httpRequest(port, 'GET', '/');
    } catch {
      if (Date.now() - start > limitMs) throw new Error('server did not answer in time');
      await sleep(5);
    }
  }
}

/**
 * Runs a command to completion under /usr/bin/time -v (when installed): wall seconds, user and
 * system CPU seconds, maximum resident set size (wait4's ru_maxrss), exit status, stdout.
 */
function timed(command, args, env = {}) {
  const statsFile = path.join(workDir, 'time-v.txt');
  const useTime = existsSync(timeBin);
  const argv = useTime ? ['-v', '-o', statsFile, command, ...args] : args;
  const start = process.hrtime.bigint();
  const run = spawnSync(useTime ? timeBin : command, argv, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * MiB,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const result = { status: run.status, stdout: run.stdout, stderr: run.stderr, wallSeconds: wall };
  if (useTime) {
    const text = readFileSync(statsFile, 'utf8');
    const field = name => {
      const line = text.split('\n').find(l => l.trim().startsWith(name));
      return line === undefined ? null : line.slice(line.lastIndexOf(':') + 1).trim();
    };
    const clock = field('Elapsed (wall clock) time').split(':').map(Number);
    result.wallSeconds = clock.reduce((acc, x) => acc * 60 + x, 0);
    result.cpuSeconds = Number(field('User time (seconds)')) + Number(field('System time (seconds)'));
    result.maxRssBytes = Number(field('Maximum resident set size (kbytes)')) * 1024;
    rmSync(statsFile, { force: true });
  } else {
    result.cpuSeconds = null;
    result.maxRssBytes = null;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Servers. Every one gets the same requests from the same load generator (ossup-bench).

function serverKinds() {
  const fakeOss = bin('fake-oss');
  const kinds = [
    {
      name: 'fake-oss',
      ours: true,
      available: true,
      storage: 'memory (its default)',
      signatures: 'not checked (--anonymous)',
      command: port => [fakeOss, '--host', '127.0.0.1', '--port', port, '--anonymous', '--bucket', BUCKET],
    },
    {
      name: 's3rver',
      ours: false,
      available: existsSync(s3rverJs),
      reason: existsSync(s3rverJs) ? undefined : 'not installed (run tools/bench/run without --no-install)',
      version: existsSync(s3rverJs) ? readJson(path.join(here, 'node_modules', 's3rver', 'package.json')).version : null,
      storage: 'files on tmpfs (/dev/shm), so both fakes keep bytes in memory',
      signatures: 'not checked (it accepts unsigned requests; it checks only S3 V2 signatures)',
      command: (port, dataDir) => [
        process.execPath, s3rverJs, '-d', dataDir, '-a', '127.0.0.1', '-p', port, '--silent',
        '--configure-bucket', BUCKET,
      ],
    },
    {
      name: 'moto',
      ours: false,
      available: false,
      reason:
        'python3-moto is not packaged in Debian 12 (apt-cache has no candidate), and Debian and ' +
        'npm are the only sources this project may install from',
    },
  ];
  return kinds;
}

const signedFakeOss = {
  name: 'fake-oss (V1 signatures checked)',
  ours: true,
  available: true,
  signed: true,
  command: port => [
    bin('fake-oss'), '--host', '127.0.0.1', '--port', port, '--access-key-id', AK,
    '--access-key-secret', SK, '--bucket', BUCKET,
  ],
};

// fake-oss whose I/O threads sleep as soon as they are idle (--io-spin-us 0): its CPU per small
// request is the work of the requests alone, without the polling between them (whose length
// depends on how fast the load generator answers). Small requests only.
const noSpinFakeOss = {
  name: 'fake-oss (--io-spin-us 0)',
  ours: true,
  available: true,
  command: port => [bin('fake-oss'), '--host', '127.0.0.1', '--port', port, '--anonymous', '--bucket', BUCKET, '--io-spin-us', '0'],
};

function scratchDir(prefix) {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return mkdtempSync(path.join(base, `ossup-bench-${prefix}-`));
}

/** Starts a fresh instance on a free port; resolves once it answers `GET /`. */
async function startServer(kind) {
  const port = await freePort();
  const dataDir = scratchDir(kind.name.replace(/\W+/g, '-'));
  const [command, ...args] = kind.command(String(port), dataDir);
  // Output to a file, not a pipe: nothing drains a pipe while ossup-bench runs synchronously.
  const logFile = path.join(dataDir, 'server.log');
  const log = openSync(logFile, 'w');
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  try {
    await waitForAnswer(port, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${kind.name}: ${err.message}\n${readFileSync(logFile, 'utf8')}`);
  }
  return {
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function targetArgs(server, kind) {
  const args = ['--port', server.port, '--bucket', BUCKET, '--server-pid', server.pid];
  if (kind.signed) args.push('--sign-v1', `${AK}:${SK}`);
  return args;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Section 1: the hashing limit

function hashSection() {
  const runs = [];
  for (const parallel of [1, os.cpus().length, CLIENT_PARALLEL].filter((p, i, a) => a.indexOf(p) === i)) {
    runs.push(
      measure('hash', '--bytes', sizes.hashBytes, '--part-size', CLIENT_PART_SIZE, '--parallel', parallel, '--repeat', repeat)
    );
  }
  const single = runs[0].mb_per_s;
  return {
    what: 'MD5 (OpenSSL EVP) + CRC64 (ossup::protocol) over the same in-memory bytes, 8 MiB parts, 64 KiB slices',
    bytes: sizes.hashBytes,
    runs: runs.map(r => ({
      parallel: r.parallel,
      mb_per_s: r.mb_per_s,
      samples_mb_per_s: r.samples_mb_per_s,
      cpu_seconds: r.cpu_seconds,
      speedup_vs_single: ratio(r.mb_per_s, single),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Section 2: fake-oss against other fakes

function fakeOssBenchFigures() {
  const run = spawnSync(bin('fake-oss-bench'), sizes.fakeOssBenchArgs, { encoding: 'utf8' });
  const lines = (run.stdout || '').split('\n').filter(Boolean);
  const grab = re => {
    for (const line of lines) {
      const m = line.match(re);
      if (m) return Number(m[1]);
    }
    return null;
  };
  return {
    what: 'fake-oss-bench (tools/fake-oss/bench.cc): figures only fake-oss has, as it prints them',
    args: sizes.fakeOssBenchArgs,
    exit_status: run.status,
    in_process_startup_ms: grab(/in-process Server to first answer: ([\d.]+) ms/),
    signed_initiate_abort_pairs_per_s: grab(/Initiate\+Abort pairs.*?: (\d+) pairs\/s/),
    disk_mode_peak_rss_kib: grab(/disk mode.*peak RSS:?\s*(\d+) kB/),
    idle_connections_held: grab(/^(\d+) idle keep-alive connections held/),
    idle_connections_new_client_p99_ms: grab(/idle keep-alive connections held:.*p99 ([\d.]+) ms/),
    idle_connection_rss_kib: grab(/([\d.]+) KiB per idle connection/),
    server_cpu_s_per_gb_ingested: grab(/server CPU per GB ingested.*?: ([\d.]+) CPU-s\/GB/),
    server_cpu_per_gb_over_hash_cost: grab(/CPU-s\/GB = ([\d.]+)x the single-core/),
    // The side-by-side ingest table (fake-oss-bench IngestCpu): each row over MD5+CRC64 alone.
    ingest_cpu_over_hash: {
      fake_oss_fresh_memory: grab(/fake-oss, a new part each time.*= ([\d.]+)x/),
      fake_oss_recycled_memory: grab(/fake-oss, part 1 uploaded again.*= ([\d.]+)x/),
      reference_recv: grab(/reference server: recv .*= ([\d.]+)x/),
      reference_hash_recycled: grab(/reference server: hash-recycled .*= ([\d.]+)x/),
      reference_hash_fresh: grab(/reference server: hash-fresh .*= ([\d.]+)x/),
    },
    server_cpu_us_per_signed_pair: grab(/server CPU per signed Initiate\+Abort pair: ([\d.]+) us/),
    lines,
  };
}

async function fakeSection() {
  const kinds = serverKinds();
  const live = kinds.filter(k => k.available);
  const out = {
    servers: kinds.map(k => ({
      name: k.name,
      available: k.available,
      reason: k.reason,
      version: k.version,
      storage: k.storage,
      signatures: k.signatures,
    })),
    load_generator: 'ossup-bench (cpp-httplib client, keep-alive, TCP_NODELAY, 1 MiB writes), the same for every server',
    startup: {},
    ingest: [],
    small: [],
  };

  // Startup to first answer and idle RSS: exec, then GET / every 0.5 ms until a status line.
  for (const kind of live) {
    const dataDir = scratchDir('startup');
    try {
      const command = kind.command('{port}', dataDir);
      const r = measure('startup', '--repeat', sizes.startupRepeat, '--settle-ms', sizes.settleMs, '--', ...command);
      out.startup[kind.name] = {
        startup_ms: r.startup_ms,
        samples_startup_ms: r.samples_startup_ms,
        idle_rss_mib: r.idle_rss_bytes / MiB,
        lifetime_cpu_ms: r.lifetime_cpu_ms,
        samples_lifetime_cpu_ms: r.samples_lifetime_cpu_ms,
        first_status: r.first_status,
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  // The floor under fake-oss's startup: a server linked like it that only answers
  // (startup-floor), measured the same way right after it.
  {
    const r = measure('startup', '--repeat', sizes.startupRepeat, '--settle-ms', sizes.settleMs, '--',
      bin('startup-floor'), '{port}');
    out.startup_floor = {
      what: 'startup-floor (tools/bench/startup_floor.cc): same shared libraries as fake-oss (OpenSSL mapped, not initialised, as in fake-oss without TLS), one thread, answers 200',
      startup_ms: r.startup_ms,
      samples_startup_ms: r.samples_startup_ms,
      lifetime_cpu_ms: r.lifetime_cpu_ms,
      samples_lifetime_cpu_ms: r.samples_lifetime_cpu_ms,
      fake_oss_over_floor_startup: ratio(out.startup['fake-oss']?.startup_ms, r.startup_ms),
      fake_oss_over_floor_lifetime_cpu: ratio(out.startup['fake-oss']?.lifetime_cpu_ms, r.lifetime_cpu_ms),
    };
  }

  // UploadPart ingest: a fresh server per run; servers interleaved within each repeat.
  const ingestKinds = [...live, signedFakeOss];
  for (const connections of sizes.ingestConnections) {
    const samples = new Map(ingestKinds.map(k => [k.name, []]));
    for (let r = 0; r < repeat; r++) {
      for (const kind of ingestKinds) {
        if (kind.signed && connections > 2) continue;
        const server = await startServer(kind);
        try {
          const result = measure(
            'ingest', ...targetArgs(server, kind), '--part-size', sizes.ingestPartSize,
            '--parts', sizes.ingestParts, '--connections', connections
          );
          samples.get(kind.name).push(result);
        } finally {
          await server.stop();
        }
      }
    }
    for (const [name, runs] of samples) {
      if (!runs.length) continue;
      const failed = runs.find(x => x.failures > 0);
      out.ingest.push({
        server: name,
        connections,
        part_size: sizes.ingestPartSize,
        parts: runs[0].parts,
        mb_per_s: failed ? null : median(runs.map(x => x.mb_per_s)),
        samples_mb_per_s: runs.map(x => x.mb_per_s),
        server_cpu_seconds_per_gb: median(runs.map(x => x.server_cpu_seconds / (x.bytes / 1e9))),
        signed: runs[0].signed,
        failure: failed ? failed.first_failure : undefined,
      });
    }
  }

  // Small requests on one keep-alive connection.
  const smallKinds = [...ingestKinds, noSpinFakeOss];
  for (const kindName of ['putget', 'initabort']) {
    const samples = new Map(smallKinds.map(k => [k.name, []]));
    for (let r = 0; r < repeat; r++) {
      for (const kind of smallKinds) {
        const server = await startServer(kind);
        try {
          samples.get(kind.name).push(
            measure('small', ...targetArgs(server, kind), '--kind', kindName, '--requests', sizes.smallRequests)
          );
        } finally {
          await server.stop();
        }
      }
    }
    for (const [name, runs] of samples) {
      const failed = runs.find(x => x.failures > 0);
      out.small.push({
        server: name,
        kind: kindName,
        requests_per_s: failed ? null : median(runs.map(x => x.requests_per_s)),
        samples_requests_per_s: runs.map(x => x.requests_per_s),
        pairs_per_s: kindName === 'initabort' && !failed ? median(runs.map(x => x.requests_per_s)) / 2 : undefined,
        // CPU, not wall time: it does not depend on how fast an idle vCPU wakes. /proc counts
        // CPU in 10 ms ticks: a run too short to register one has no figure.
        server_cpu_us_per_request: failed
          ? null
          : median(runs.filter(x => x.server_cpu_seconds > 0).map(x => (x.server_cpu_seconds / x.requests_ok) * 1e6)),
        samples_server_cpu_us_per_request: runs.map(x => (x.server_cpu_seconds / x.requests_ok) * 1e6),
        signed: runs[0].signed,
        failure: failed ? failed.first_failure : undefined,
      });
    }
  }

  out.fake_oss_bench = fakeOssBenchFigures();

  // Ratios ours / peer, each figure against each peer measured in this run.
  out.ratios = {};
  for (const peer of live.filter(k => !k.ours)) {
    const r = {};
    const s = out.startup;
    if (s['fake-oss'] && s[peer.name]) {
      r.startup_ms = ratio(s['fake-oss'].startup_ms, s[peer.name].startup_ms);
      r.idle_rss = ratio(s['fake-oss'].idle_rss_mib, s[peer.name].idle_rss_mib);
      r.startup_lifetime_cpu = ratio(s['fake-oss'].lifetime_cpu_ms, s[peer.name].lifetime_cpu_ms);
    }
    for (const connections of sizes.ingestConnections) {
      const find = name => out.ingest.find(x => x.server === name && x.connections === connections);
      r[`ingest_${connections}conn`] = ratio(find('fake-oss')?.mb_per_s, find(peer.name)?.mb_per_s);
    }
    for (const kindName of ['putget', 'initabort']) {
      const find = name => out.small.find(x => x.server === name && x.kind === kindName);
      r[`small_${kindName}`] = ratio(find('fake-oss')?.requests_per_s, find(peer.name)?.requests_per_s);
      r[`small_${kindName}_server_cpu`] = ratio(
        find('fake-oss')?.server_cpu_us_per_request,
        find(peer.name)?.server_cpu_us_per_request
      );
    }
    out.ratios[peer.name] = r;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Section 3: the client (ossup cp) against the hashing limit and against ali-oss

// What ossup cp checks per byte. `none` checks nothing: it is the cost of moving the bytes
// (read, send, HTTP, signing) that every mode pays, the floor under the other two.
const OSSUP_MODES = ['crc64', 'md5+crc64', 'none'];

/** `command args` pinned to `cpus` (taskset -c LIST) when `cpus` is set. */
function pinned(cpus, command, args) {
  return cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
}

function ossupCp(server, file, key, integrity, cpus) {
  const run = timed(
    ...pinned(cpus, bin('ossup'), [
      'cp', file, `oss://${BUCKET}/${key}`, '--endpoint', `http://127.0.0.1:${server.port}`,
      '--part-size', String(CLIENT_PART_SIZE), '--parallel', String(CLIENT_PARALLEL),
      '--checkpoint-dir', path.join(workDir, 'checkpoints'), '--integrity', integrity, '--json',
    ]),
    { OSS_ACCESS_KEY_ID: AK, OSS_ACCESS_KEY_SECRET: SK }
  );
  const events = run.stdout.split('\n').flatMap(line => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
  const done = events.find(e => e.event === 'done');
  if (run.status !== 0 || !done) throw new Error(`ossup cp failed (${run.status}): ${run.stderr}`);
  if (done.size !== statSync(file).size || done.parts_uploaded !== done.parts_total) {
    throw new Error(`ossup cp did not upload the whole file: ${JSON.stringify(done)}`);
  }
  // The whole process (getrusage of the child via /usr/bin/time): start-up included.
  return { ...run, seconds: run.wallSeconds, processCpuSeconds: run.cpuSeconds };
}

function aliOssUpload(server, file, key, cpus) {
  const run = timed(
    ...pinned(cpus, process.execPath, [
      path.join(here, 'ali-upload.mjs'), '--endpoint', `http://localhost:${server.port}`, '--bucket', BUCKET,
      '--key', key, '--file', file, '--part-size', String(CLIENT_PART_SIZE), '--parallel', String(CLIENT_PARALLEL),
    ]),
    { OSS_ACCESS_KEY_ID: AK, OSS_ACCESS_KEY_SECRET: SK }
  );
  if (run.status !== 0) throw new Error(`ali-oss multipartUpload failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop());
  if (result.status !== 200 || result.size !== statSync(file).size) {
    throw new Error(`ali-oss multipartUpload did not complete: ${run.stdout}`);
  }
  // Time and CPU of the call itself (process.cpuUsage: every thread of the process), so
  // Node's start-up is not held against ali-oss; the whole process's CPU is kept beside it.
  return {
    ...run,
    seconds: result.seconds,
    cpuSeconds: result.cpu_seconds,
    processCpuSeconds: run.cpuSeconds,
    version: result.ali_oss_version,
  };
}

/** One upload against `server`, with the server's CPU time over the same interval. */
async function withServerCpu(server, upload) {
  const before = processCpuSeconds(server.pid);
  const run = upload();
  run.serverCpuSeconds = processCpuSeconds(server.pid) - before;
  await httpRequest(server.port, 'POST', '/_fake/reset'); // drop the object, free its memory
  return run;
}

/** The CPU of MD5+CRC64 over `file` on one core (pread part by part, as the client reads). */
function hashCpuSecondsPerGb(file, cpus) {
  const run = timed(
    ...pinned(cpus, bin('ossup-bench'), ['hash', '--file', file, '--part-size', String(CLIENT_PART_SIZE), '--parallel', '1', '--repeat', '1'])
  );
  if (run.status !== 0) throw new Error(`ossup-bench hash failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop());
  return { cpuPerGb: result.cpu_seconds / (result.bytes / 1e9), mbPerS: result.mb_per_s };
}

/**
 * One layout of the client section: the server and the clients share every core
 * (`serverCpus` null), or the server is pinned to its own core and the clients to the others.
 * Each repeat runs, in turn: ossup --integrity crc64, md5+crc64 and none, ali-oss, and MD5+CRC64
 * alone over the same file.
 */
async function clientLayout(file, serverCpus, clientCpus) {
  const kind = { ...signedFakeOss, name: 'fake-oss' };
  const server = await startServer(serverCpus ? { ...kind, command: port => ['taskset', '-c', serverCpus, ...kind.command(port)] } : kind);
  try {
    const runs = Object.fromEntries([...OSSUP_MODES, 'ali-oss'].map(n => [n, []]));
    const hashing = [];
    for (let r = 0; r < repeat; r++) {
      for (const mode of OSSUP_MODES) {
        runs[mode].push(await withServerCpu(server, () => ossupCp(server, file, `ossup-${mode}-${r}`, mode, clientCpus)));
      }
      runs['ali-oss'].push(await withServerCpu(server, () => aliOssUpload(server, file, `ali-${r}`, clientCpus)));
      hashing.push(hashCpuSecondsPerGb(file, clientCpus));
    }
    const gb = sizes.clientFile / 1e9;
    const summarize = list => {
      const seconds = median(list.map(x => x.seconds));
      const clientCpu = median(list.map(x => x.cpuSeconds));
      const serverCpu = median(list.map(x => x.serverCpuSeconds));
      return {
        seconds,
        mb_per_s: sizes.clientFile / seconds / 1e6,
        samples_mb_per_s: list.map(x => sizes.clientFile / x.seconds / 1e6),
        process_wall_seconds: median(list.map(x => x.wallSeconds)),
        client_cpu_seconds_per_gb: clientCpu === null ? null : clientCpu / gb,
        samples_client_cpu_seconds_per_gb: list.map(x => (x.cpuSeconds === null ? null : x.cpuSeconds / gb)),
        client_process_cpu_seconds_per_gb: list[0].processCpuSeconds === null ? null : median(list.map(x => x.processCpuSeconds)) / gb,
        server_cpu_seconds_per_gb: serverCpu / gb,
        cores_busy: clientCpu === null ? null : (clientCpu + serverCpu) / seconds,
        max_rss_mib: list[0].maxRssBytes === null ? null : median(list.map(x => x.maxRssBytes)) / MiB,
      };
    };
    const ossup = Object.fromEntries(OSSUP_MODES.map(m => [m, summarize(runs[m])]));
    const ali = { ...summarize(runs['ali-oss']), version: runs['ali-oss'][0].version };
    const hashCpu = median(hashing.map(h => h.cpuPerGb));
    return {
      server_cpus: serverCpus ?? 'all (shared with the clients)',
      client_cpus: clientCpus ?? 'all',
      ossup,
      ali_oss: ali,
      md5_crc64_hash_cpu_seconds_per_gb: hashCpu,
      samples_md5_crc64_hash_cpu_seconds_per_gb: hashing.map(h => h.cpuPerGb),
      md5_crc64_hash_mb_per_s: median(hashing.map(h => h.mbPerS)),
      goals: {
        // ≤ 0.35: ossup crc64's client CPU per GB over ali-oss's, each whole process (getrusage
        // of the child), and, stricter, over ali-oss's multipartUpload call alone.
        crc64_cpu_vs_ali_oss_process: ratio(ossup.crc64.client_process_cpu_seconds_per_gb, ali.client_process_cpu_seconds_per_gb),
        crc64_cpu_vs_ali_oss: ratio(ossup.crc64.client_cpu_seconds_per_gb, ali.client_cpu_seconds_per_gb),
        // ≤ 1.1: ossup md5+crc64's client CPU per GB over MD5+CRC64 alone on the same bytes.
        md5_crc64_cpu_vs_hashing: ratio(ossup['md5+crc64'].client_cpu_seconds_per_gb, hashCpu),
        // What integrity costs beyond hashing: md5+crc64 over (MD5+CRC64 alone + ossup `none`,
        // which moves the same bytes checking nothing). 1.0 means checking costs exactly the
        // hashing; the socket copy and HTTP are in both sides.
        md5_crc64_cpu_vs_hashing_plus_none: ratio(
          ossup['md5+crc64'].client_cpu_seconds_per_gb,
          hashCpu + ossup.none.client_cpu_seconds_per_gb
        ),
        // The share of the hashing that moving the bytes alone already costs.
        none_cpu_vs_hashing: ratio(ossup.none.client_cpu_seconds_per_gb, hashCpu),
        // ≥ 1.5: ossup crc64's throughput over ali-oss's (its call alone; and whole processes).
        crc64_mb_per_s_vs_ali_oss: ratio(ossup.crc64.mb_per_s, ali.mb_per_s),
        crc64_vs_ali_oss_process_wall: ratio(ali.process_wall_seconds, ossup.crc64.process_wall_seconds),
      },
      // What the CPU per byte allows. Shared: when an upload keeps every core busy its speed is
      // cores / (client + server CPU-s per GB), so ossup / ali-oss can be at most the inverse
      // ratio of those sums. Pinned: the server's one core bounds both clients at
      // 1 / (server CPU-s per GB).
      ceiling: serverCpus
        ? {
            ossup_crc64_mb_per_s: 1000 / ossup.crc64.server_cpu_seconds_per_gb,
            ali_oss_mb_per_s: 1000 / ali.server_cpu_seconds_per_gb,
          }
        : {
            ossup_crc64_vs_ali_oss: ratio(
              ali.client_cpu_seconds_per_gb + ali.server_cpu_seconds_per_gb,
              ossup.crc64.client_cpu_seconds_per_gb + ossup.crc64.server_cpu_seconds_per_gb
            ),
          },
    };
  } finally {
    await server.stop();
  }
}

async function clientSection() {
  const file = path.join(workDir, 'upload-1.bin');
  const bigFile = path.join(workDir, 'upload-rss.bin');
  const cores = os.cpus().length;
  try {
    measure('mkfile', '--size', sizes.clientFile, file);
    // The limit over the same file, read part by part as the client reads it (page cache warm).
    const limit = {};
    for (const parallel of [1, CLIENT_PARALLEL]) {
      limit[parallel] = measure(
        'hash', '--file', file, '--part-size', CLIENT_PART_SIZE, '--parallel', parallel, '--repeat', repeat
      ).mb_per_s;
    }
    const layouts = { shared: await clientLayout(file, null, null) };
    if (cores >= 2 && existsSync('/usr/bin/taskset')) {
      // The last core for the server, the others for the client.
      layouts.server_pinned = await clientLayout(file, String(cores - 1), cores === 2 ? '0' : `0-${cores - 2}`);
    }
    rmSync(file, { force: true });

    measure('mkfile', '--size', sizes.rssFile, bigFile);
    const server = await startServer({ ...signedFakeOss, name: 'fake-oss' });
    let big;
    try {
      big = await withServerCpu(server, () => ossupCp(server, bigFile, 'ossup-rss', 'crc64', null));
    } finally {
      await server.stop();
    }
    rmSync(bigFile, { force: true });

    const shared = layouts.shared;
    return {
      server: 'fake-oss, memory mode, V1 signatures checked (both clients sign with V1)',
      file_bytes: sizes.clientFile,
      part_size: CLIENT_PART_SIZE,
      parallel: CLIENT_PARALLEL,
      cores,
      hashing_limit_mb_per_s: { 1: limit[1], [CLIENT_PARALLEL]: limit[CLIENT_PARALLEL] },
      timed_as: {
        ossup: 'whole ossup cp process: wall clock, and user+system CPU from getrusage of the child (/usr/bin/time -v)',
        ali_oss: 'the multipartUpload call inside Node: time and process.cpuUsage() (start-up and module loading not counted); the whole process CPU is client_process_cpu_seconds_per_gb',
        server: 'utime+stime of the fake-oss process from /proc/PID/stat around each upload',
      },
      layouts,
      // The figures of the shared layout under their former names.
      ossup: shared.ossup.crc64,
      ali_oss: shared.ali_oss,
      ratios: {
        ossup_vs_hashing_limit: ratio(shared.ossup['md5+crc64'].mb_per_s, limit[CLIENT_PARALLEL]),
        ossup_vs_ali_oss: ratio(shared.ossup.crc64.mb_per_s, shared.ali_oss.mb_per_s),
      },
      peak_rss: {
        file_bytes: sizes.rssFile,
        integrity: 'crc64',
        max_rss_mib: big.maxRssBytes === null ? null : big.maxRssBytes / MiB,
        measured_by: existsSync(timeBin) ? '/usr/bin/time -v: Maximum resident set size' : 'not measured: /usr/bin/time missing',
        seconds: big.wallSeconds,
        mb_per_s: sizes.rssFile / big.wallSeconds / 1e6,
      },
    };
  } finally {
    rmSync(file, { force: true });
    rmSync(bigFile, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The table

const fmt = (x, digits = 0) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const fmtRatio = x => (x === null || x === undefined ? '-' : x < 0.1 ? x.toFixed(3) : x.toFixed(2));

function table(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => String(r[i]).length)));
  const line = cells => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(`\n== ${title}`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function printHash(h) {
  table(
    `Hashing limit: MD5+CRC64, ${h.bytes / MiB} MiB in memory, 8 MiB parts`,
    ['parallel', 'MB/s', 'x single'],
    h.runs.map(r => [r.parallel, fmt(r.mb_per_s), fmtRatio(r.speedup_vs_single)])
  );
}

function printFake(f) {
  const names = f.servers.map(s => s.name);
  const peers = f.servers.filter(s => s.name !== 'fake-oss');
  const header = ['figure', ...names, ...peers.map(p => `ours/${p.name}`)];
  const cell = (name, value) => {
    const server = f.servers.find(s => s.name === name);
    if (server && !server.available) return 'n/a';
    return value;
  };
  const rows = [];
  const ratioCells = key => peers.map(p => (p.available ? fmtRatio(f.ratios[p.name]?.[key]) : '-'));
  rows.push(['startup to first answer, ms', ...names.map(n => cell(n, fmt(f.startup[n]?.startup_ms, 1))), ...ratioCells('startup_ms')]);
  rows.push(['idle RSS, MiB', ...names.map(n => cell(n, fmt(f.startup[n]?.idle_rss_mib, 1))), ...ratioCells('idle_rss')]);
  rows.push([
    'server CPU ms, start + 1 answer + stop',
    ...names.map(n => cell(n, fmt(f.startup[n]?.lifetime_cpu_ms, 1))),
    ...ratioCells('startup_lifetime_cpu'),
  ]);
  for (const c of [...new Set(f.ingest.map(x => x.connections))]) {
    const v = n => f.ingest.find(x => x.server === n && x.connections === c);
    rows.push([
      `UploadPart ${f.ingest[0].part_size / MiB} MiB, ${c} conn, MB/s`,
      ...names.map(n => cell(n, v(n)?.failure ? 'failed' : fmt(v(n)?.mb_per_s))),
      ...ratioCells(`ingest_${c}conn`),
    ]);
  }
  const oneConn = n => f.ingest.find(x => x.server === n && x.connections === 1);
  rows.push([
    'server CPU-s per GB ingested, 1 conn',
    ...names.map(n => cell(n, fmt(oneConn(n)?.server_cpu_seconds_per_gb, 2))),
    ...peers.map(() => ''),
  ]);
  for (const kind of ['putget', 'initabort']) {
    const v = n => f.small.find(x => x.server === n && x.kind === kind);
    const label = kind === 'putget' ? 'PUT+GET 1 KiB, req/s' : 'Initiate+Abort, pairs/s';
    const rate = x => (kind === 'putget' ? x?.requests_per_s : x?.pairs_per_s);
    rows.push([label, ...names.map(n => cell(n, v(n)?.failure ? 'failed' : fmt(rate(v(n))))), ...ratioCells(`small_${kind}`)]);
    rows.push([
      `  server CPU-us per request`,
      ...names.map(n => cell(n, v(n)?.failure ? 'failed' : fmt(v(n)?.server_cpu_us_per_request, 1))),
      ...ratioCells(`small_${kind}_server_cpu`),
    ]);
  }
  table('fake-oss vs other fakes (anonymous, same load generator; ours/peer: <1 better for ms and MiB)', header, rows);
  const signed = name => f.ingest.filter(x => x.server === name);
  const signedSmall = f.small.filter(x => x.signed);
  console.log(
    `   fake-oss with V1 signatures checked: ingest ${signed(signedFakeOss.name).map(x => `${x.connections} conn ${fmt(x.mb_per_s)} MB/s`).join(', ')}; ` +
      signedSmall.map(x => (x.pairs_per_s ? `initabort ${fmt(x.pairs_per_s)} pairs/s` : `${x.kind} ${fmt(x.requests_per_s)} req/s`)).join(', ')
  );
  const noSpin = f.small.filter(x => x.server === noSpinFakeOss.name);
  console.log(
    `   ${noSpinFakeOss.name}, I/O threads sleep at once: ` +
      noSpin.map(x => `${x.kind} ${fmt(x.requests_per_s)} req/s, ${fmt(x.server_cpu_us_per_request, 1)} server CPU-us per request`).join('; ')
  );
  const floor = f.startup_floor;
  console.log(
    `   startup-floor (linked like fake-oss, only answers): ${fmt(floor.startup_ms, 1)} ms to first answer, ` +
      `${fmt(floor.lifetime_cpu_ms, 1)} ms CPU over its life; fake-oss / floor ${fmtRatio(floor.fake_oss_over_floor_startup)} ` +
      `(CPU ${fmtRatio(floor.fake_oss_over_floor_lifetime_cpu)})`
  );
  for (const x of [...f.ingest, ...f.small].filter(x => x.failure)) {
    console.log(`   ${x.server} ${x.kind ?? 'ingest'} failed: ${x.failure.split('\n')[0].slice(0, 110)}`);
  }
  for (const s of f.servers.filter(s => !s.available)) console.log(`   ${s.name}: not measured: ${s.reason}`);
  const fb = f.fake_oss_bench;
  console.log(
    `   fake-oss-bench: in-process startup ${fmt(fb.in_process_startup_ms, 2)} ms, ` +
      `signed Initiate+Abort ${fmt(fb.signed_initiate_abort_pairs_per_s)} pairs/s, ` +
      `disk-mode peak RSS ${fb.disk_mode_peak_rss_kib === null ? '-' : fmt(fb.disk_mode_peak_rss_kib / 1024, 1) + ' MiB'}`
  );
  console.log(
    `   fake-oss-bench: ${fmt(fb.idle_connections_held)} idle connections held, new client p99 ` +
      `${fmt(fb.idle_connections_new_client_p99_ms, 2)} ms, ${fmt(fb.idle_connection_rss_kib, 1)} KiB each; ` +
      `server CPU per GB ingested ${fmt(fb.server_cpu_per_gb_over_hash_cost, 2)}x the MD5+CRC64 cost ` +
      `(memory recycled ${fmt(fb.ingest_cpu_over_hash.fake_oss_recycled_memory, 2)}x; reference servers: ` +
      `recv ${fmt(fb.ingest_cpu_over_hash.reference_recv, 2)}x, hash-recycled ` +
      `${fmt(fb.ingest_cpu_over_hash.reference_hash_recycled, 2)}x, hash-fresh ` +
      `${fmt(fb.ingest_cpu_over_hash.reference_hash_fresh, 2)}x); ` +
      `server CPU per signed Initiate+Abort ${fmt(fb.server_cpu_us_per_signed_pair)} us`
  );
}

function printClient(c) {
  const mib = x => `${x / MiB} MiB`;
  for (const [name, l] of Object.entries(c.layouts)) {
    const row = (label, f) => [
      label,
      fmt(f.mb_per_s),
      fmt(f.client_cpu_seconds_per_gb, 2),
      fmt(f.client_process_cpu_seconds_per_gb, 2),
      fmt(f.server_cpu_seconds_per_gb, 2),
      fmt(f.max_rss_mib, 1),
    ];
    table(
      `Client (${name === 'shared' ? 'server and clients share every core' : `server on CPU ${l.server_cpus}, clients on ${l.client_cpus}`}): ` +
        `${mib(c.file_bytes)} file, ${mib(c.part_size)} parts, parallel ${c.parallel}, to fake-oss (signed)`,
      ['', 'MB/s', 'client CPU-s/GB', 'whole process', 'server CPU-s/GB', 'max RSS MiB'],
      [
        ...OSSUP_MODES.map(m => row(`ossup cp --integrity ${m}`, l.ossup[m])),
        row(`ali-oss ${l.ali_oss.version} multipartUpload (the call)`, l.ali_oss),
        ['MD5+CRC64 alone, same file, 1 core', fmt(l.md5_crc64_hash_mb_per_s), fmt(l.md5_crc64_hash_cpu_seconds_per_gb, 2), '', '', ''],
      ]
    );
    console.log(
      `   ossup crc64 / ali-oss client CPU per GB: ${fmtRatio(l.goals.crc64_cpu_vs_ali_oss_process)} whole processes, ` +
        `${fmtRatio(l.goals.crc64_cpu_vs_ali_oss)} against the call alone (goal <= 0.35)`
    );
    console.log(`   ossup md5+crc64 / MD5+CRC64 alone: ${fmtRatio(l.goals.md5_crc64_cpu_vs_hashing)} (goal <= 1.1)`);
    console.log(
      `   ossup none / MD5+CRC64 alone: ${fmtRatio(l.goals.none_cpu_vs_hashing)} (moving the bytes alone); ` +
        `ossup md5+crc64 / (MD5+CRC64 alone + ossup none): ${fmtRatio(l.goals.md5_crc64_cpu_vs_hashing_plus_none)}`
    );
    console.log(
      `   ossup crc64 / ali-oss MB/s: ${fmtRatio(l.goals.crc64_mb_per_s_vs_ali_oss)} against the call, ` +
        `${fmtRatio(l.goals.crc64_vs_ali_oss_process_wall)} whole processes (goal >= 1.5); the CPU per byte allows ` +
        (l.ceiling.ossup_crc64_vs_ali_oss !== undefined
          ? `at most ${fmtRatio(l.ceiling.ossup_crc64_vs_ali_oss)} while both keep the cores busy`
          : `${fmt(l.ceiling.ossup_crc64_mb_per_s)} MB/s for ossup and ${fmt(l.ceiling.ali_oss_mb_per_s)} for ali-oss on the server's core`)
    );
  }
  console.log(
    `   hashing limit over the file: ${fmt(c.hashing_limit_mb_per_s[1])} MB/s on 1 thread, ` +
      `${fmt(c.hashing_limit_mb_per_s[c.parallel])} MB/s on ${c.parallel}`
  );
  console.log(
    `   peak RSS of ossup cp --integrity crc64, ${mib(c.peak_rss.file_bytes)} file: ${fmt(c.peak_rss.max_rss_mib, 1)} MiB ` +
      `(goal < 64; ${fmt(c.peak_rss.mb_per_s)} MB/s)`
  );
}

// ---------------------------------------------------------------------------------------------

function machine() {
  const git = args => {
    try {
      return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memory_gib: os.totalmem() / GiB,
    kernel: os.release(),
    node: process.version,
    load_average_start: os.loadavg(),
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain'])?.length > 0,
  };
}

async function main() {
  for (const name of ['ossup-bench', 'fake-oss', 'ossup', 'fake-oss-bench', 'startup-floor']) {
    if (!existsSync(bin(name))) {
      console.error(`bench: ${bin(name)} is missing; build the release preset (or pass --bin-dir)`);
      process.exit(2);
    }
  }
  mkdirSync(opts['work-dir'], { recursive: true });
  workDir = mkdtempSync(path.join(opts['work-dir'], 'run-'));
  const results = {
    schema: 'ossup-bench/1',
    date: new Date().toISOString(),
    quick,
    repeat,
    units: 'MB = 10^6 bytes; MiB = 2^20 bytes; figures are medians of the repeats',
    machine: machine(),
    sections: {},
  };
  console.log(
    `ossup bench${quick ? ' (quick)' : ''}: ${results.machine.cores} cores, load average ` +
      `${results.machine.load_average_start.map(x => x.toFixed(2)).join(' ')}, ${repeat} repeat(s)`
  );
  let failed = null;
  try {
    if (sections.has('hash')) printHash((results.sections.hash = hashSection()));
    if (sections.has('fake')) printFake((results.sections.fake = await fakeSection()));
    if (sections.has('client')) printClient((results.sections.client = await clientSection()));
  } catch (err) {
    failed = err;
    results.error = String(err.stack || err);
  } finally {
    results.machine.load_average_end = os.loadavg();
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(path.dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(results, null, 2) + '\n');
  }
  // Our own server must not fail a request; a peer's failures are reported, not fatal.
  const ourFailures = [
    ...(results.sections.fake?.ingest ?? []),
    ...(results.sections.fake?.small ?? []),
  ].filter(x => x.server.startsWith('fake-oss') && x.failure);
  console.log(`\nresults: ${path.relative(process.cwd(), opts.out) || opts.out}`);
  if (failed) {
    console.error(`bench: ${failed.stack || failed}`);
    process.exit(1);
  }
  if (ourFailures.length) {
    console.error(`bench: fake-oss failed requests: ${ourFailures.map(x => x.failure).join('; ')}`);
    process.exit(1);
  }
}

await main();
