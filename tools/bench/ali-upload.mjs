// One ali-oss multipartUpload of a file, timed around the call itself (so Node's start-up and
// module loading are not counted against ali-oss). Prints one JSON line:
//   {"seconds", "cpu_seconds", "size", "etag", "status", "ali_oss_version"}
// ali-oss is the copy pinned by tests/interop/package-lock.json (installed by tools/bootstrap).
//
// node tools/bench/ali-upload.mjs --endpoint http://localhost:PORT --bucket B --key K --file F \
//      --part-size BYTES --parallel N   (credentials: OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET)
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(new URL('../../tests/interop/package.json', import.meta.url));
const OSS = require('ali-oss');

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    bucket: { type: 'string' },
    key: { type: 'string' },
    file: { type: 'string' },
    'part-size': { type: 'string' },
    parallel: { type: 'string' },
  },
});

const client = new OSS({
  endpoint: args.endpoint, // http://localhost:PORT with sldEnable: path style, as in tests/interop
  sldEnable: true,
  region: 'oss-cn-hangzhou',
  accessKeyId: process.env.OSS_ACCESS_KEY_ID,
  accessKeySecret: process.env.OSS_ACCESS_KEY_SECRET,
  bucket: args.bucket,
  timeout: 600_000,
});

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const result = await client.multipartUpload(args.key, args.file, {
  partSize: Number(args['part-size']),
  parallel: Number(args.parallel),
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({
    seconds,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    size: statSync(args.file).size,
    etag: result.etag ?? result.res?.headers?.etag ?? null,
    status: result.res?.status ?? null,
    ali_oss_version: require('ali-oss/package.json').version,
  })
);
// agentkeepalive holds the sockets open; the measurement is done.
process.exit(0);
