// oss-client 2.x (npm; pinned by package-lock.json) against fake-oss with signatures checked:
// objects (put/get/head/delete, metadata, ranges, conditional GETs, response overrides), list
// and listV2 with prefix/delimiter/paging, copy, deleteMulti, and V1 presigned GET/PUT URLs.
// oss-client 2.x has no multipart API and signs V1 only.
//
// Addressing: oss-client always builds `<bucket>.<endpoint host>`. With `http://localhost:PORT`
// that is `interop-bucket.localhost`; the suite installs an undici dispatcher (urllib 4, which
// oss-client uses, sends through undici's global dispatcher) whose `lookup` answers 127.0.0.1
// for every name, so no name is resolved, and the fake reads the bucket from the Host
// (`--virtual-host-domain localhost`). With an IP endpoint the WHATWG URL refuses the
// `<bucket>.127.0.0.1` host name, so oss-client silently sends `/key` to the IP while signing
// `/<bucket>/key`: that needs the fake's `--default-bucket` (second describe).
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, startFakeOss } from './support/fake-oss.mjs';
import { expectedEtag, md5Hex, randomSuffix, rejection, testBytes } from './support/sdk.mjs';

const require = createRequire(import.meta.url);
const { OSSObject } = require('oss-client');
const VERSION = require('oss-client/package.json').version;
const urllib4 = createRequire(require.resolve('oss-client'))('urllib');

const loopbackLookup = (hostname, options, callback) => {
  if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};
const loopbackAgent = new urllib4.Agent({ connect: { lookup: loopbackLookup } });
const previousDispatcher = urllib4.getGlobalDispatcher();

function vhostClient(fake, overrides = {}) {
  return new OSSObject({
    endpoint: `http://localhost:${fake.port}`,
    bucket: BUCKET,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    timeout: 30_000,
    ...overrides,
  });
}

/** One request to the fake's loopback port with the URL's Host: what a browser would send. */
function fetchUrl(fake, url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1', port: fake.port, method, agent: false,
      path: target.pathname + target.search,
      headers: { host: target.host, ...headers },
    });
    request.on('error', reject);
    request.on('response', response => {
      const chunks = [];
      response.on('data', chunk => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.end(body);
  });
}

async function roundTrip(client, key, body) {
  const put = await client.put(key, body, { meta: { author: 'interop' }, mime: 'application/x-interop' });
  assert.equal(put.res.status, 200);
  assert.equal(put.res.headers.etag, expectedEtag(body));
  assert.equal(put.name, key);

  const head = await client.head(key);
  assert.equal(head.status, 200);
  assert.equal(head.meta.author, 'interop');
  assert.equal(Number(head.res.headers['content-length']), body.length);
  assert.equal(head.res.headers['content-type'], 'application/x-interop');

  const got = await client.get(key);
  assert.equal(got.res.status, 200);
  assert.deepEqual(got.content, body);

  const deleted = await client.delete(key);
  assert.equal(deleted.res.status, 204);
  const missing = await rejection(client.head(key));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'NoSuchKey');
}

describe(`oss-client ${VERSION}, virtual-hosted (Host: ${BUCKET}.localhost:PORT, no DNS)`, () => {
  let fake;
  before(async () => {
    urllib4.setGlobalDispatcher(loopbackAgent);
    fake = await startFakeOss({ virtualHostDomain: 'localhost' });
  });
  after(async () => {
    await loopbackAgent.close();
    urllib4.setGlobalDispatcher(previousDispatcher);
    await fake?.stop();
  });

  it('put/head/get/delete with metadata and a content type', async () => {
    await roundTrip(vhostClient(fake), `obj/plain-${randomSuffix()}.bin`, testBytes(12_345, 'oss-client'));
  });

  it('keys with space, plus, and UTF-8 keep their bytes', async () => {
    const client = vhostClient(fake);
    const dir = `obj/${randomSuffix()}/`;
    const key = `${dir}a b+c ü.txt`;
    const body = Buffer.from('twelve bytes');
    await client.put(key, body);
    assert.deepEqual((await client.get(key)).content, body);
    // The prefix holds no space: oss-client writes a space in a query value as `+`
    // (URLSearchParams), which fake-oss reads as a plus (compatibility.md, C4).
    const listed = await client.list({ prefix: dir, 'max-keys': 10 });
    assert.deepEqual(listed.objects.map(o => [o.name, o.size]), [[key, body.length]]);
    await client.delete(key);
  });

  it('ranges, conditional GETs and response-* overrides', async () => {
    const client = vhostClient(fake);
    const key = `obj/get-${randomSuffix()}.bin`;
    const body = testBytes(5_000, key);
    await client.put(key, body);

    const ranged = await client.get(key, { headers: { Range: 'bytes=10-19' } });
    assert.equal(ranged.res.status, 206);
    assert.deepEqual(ranged.content, body.subarray(10, 20));
    assert.equal(ranged.res.headers['content-range'], `bytes 10-19/${body.length}`);

    const etag = expectedEtag(body);
    const notModified = await client.get(key, { headers: { 'If-None-Match': etag } });
    assert.equal(notModified.res.status, 304);
    const failed = await rejection(client.get(key, { headers: { 'If-Match': '"00000000000000000000000000000000"' } }));
    assert.equal(failed.status, 412);
    assert.equal(failed.code, 'PreconditionFailed');
    const past = new Date(Date.now() - 3600_000).toUTCString();
    const future = new Date(Date.now() + 3600_000).toUTCString();
    assert.equal((await client.get(key, { headers: { 'If-Modified-Since': future } })).res.status, 304);
    assert.equal((await client.get(key, { headers: { 'If-Modified-Since': past } })).res.status, 200);
    const unmodified = await rejection(client.get(key, { headers: { 'If-Unmodified-Since': past } }));
    assert.equal(unmodified.status, 412);
    // HEAD has no body: oss-client maps a bodiless 412 itself.
    const headFailed = await rejection(client.head(key, { headers: { 'If-Match': '"00000000000000000000000000000000"' } }));
    assert.equal(headFailed.code, 'PreconditionFailed');

    // Given in sorted order: oss-client sorts sub-resources by their first character only
    // (compatibility.md, C3). No space in the values: it would go out as `+` (C4).
    const overridden = await client.get(key, {
      subResource: { 'response-cache-control': 'no-cache', 'response-content-disposition': 'attachment;filename=x.bin', 'response-content-type': 'text/x-override' },
    });
    assert.equal(overridden.res.headers['content-type'], 'text/x-override');
    assert.equal(overridden.res.headers['content-disposition'], 'attachment;filename=x.bin');
    assert.equal(overridden.res.headers['cache-control'], 'no-cache');
    assert.deepEqual(overridden.content, body);
    await client.delete(key);
  });

  it('list and listV2 with prefix, delimiter and paging', async () => {
    const client = vhostClient(fake);
    const prefix = `list-${randomSuffix()}/`;
    const keys = ['a.txt', 'b.txt', 'c.txt', 'dir1/x.txt', 'dir2/y.txt'].map(k => prefix + k);
    for (const key of keys) await client.put(key, Buffer.from(key));

    const top = await client.list({ prefix, delimiter: '/' });
    assert.deepEqual(top.objects.map(o => o.name), keys.slice(0, 3));
    assert.deepEqual(top.prefixes, [`${prefix}dir1/`, `${prefix}dir2/`]);
    assert.equal(top.objects[0].etag, expectedEtag(Buffer.from(keys[0])));

    const seen = [];
    let marker;
    for (let page = 0; page < 10; page++) {
      const result = await client.list({ prefix, 'max-keys': 2, ...(marker ? { marker } : {}) });
      seen.push(...result.objects.map(o => o.name));
      if (!result.isTruncated) break;
      marker = result.nextMarker;
    }
    assert.deepEqual(seen, keys);

    const topV2 = await client.listV2({ prefix, delimiter: '/' });
    assert.deepEqual(topV2.objects.map(o => o.name), keys.slice(0, 3));
    assert.deepEqual(topV2.prefixes, [`${prefix}dir1/`, `${prefix}dir2/`]);
    const seenV2 = [];
    let token;
    for (let page = 0; page < 10; page++) {
      const result = await client.listV2({ prefix, 'max-keys': 2, ...(token ? { 'continuation-token': token } : {}) });
      seenV2.push(...result.objects.map(o => o.name));
      assert.equal(result.keyCount, result.objects.length);
      if (!result.isTruncated) break;
      token = result.nextContinuationToken;
    }
    assert.deepEqual(seenV2, keys);
    await client.deleteMulti(keys, { quiet: true });
    assert.deepEqual((await client.list({ prefix })).objects, []);
  });

  it('copy keeps bytes and metadata, replaces metadata with meta, and honours copy preconditions', async () => {
    const client = vhostClient(fake);
    const src = `copy/ts_day=2024-01-01/a b-${randomSuffix()}.txt`;
    const body = testBytes(3_333, src);
    await client.put(src, body, { meta: { author: 'interop' }, mime: 'text/plain' });
    const dst = `${src}.copy`;
    const copied = await client.copy(dst, src);
    assert.equal(copied.res.status, 200);
    assert.equal(copied.data.etag, expectedEtag(body));
    assert.deepEqual((await client.get(dst)).content, body);
    assert.equal((await client.head(dst)).meta.author, 'interop');

    await client.putMeta(src, { author: 'replaced' });
    assert.equal((await client.head(src)).meta.author, 'replaced');

    const failed = await rejection(client.copy(`${src}.a`, src, { headers: { 'If-Match': '"0000"' } }));
    assert.equal(failed.status, 412);
    const notModified = await client.copy(`${src}.b`, src, { headers: { 'If-None-Match': expectedEtag(body) } });
    assert.equal(notModified.res.status, 304);
    const missing = await rejection(client.copy(`${src}.c`, `copy/absent-${randomSuffix()}`));
    assert.equal(missing.code, 'NoSuchKey');
    await client.deleteMulti([src, dst]);
  });

  it('deleteMulti verbose lists every key, quiet none', async () => {
    const client = vhostClient(fake);
    const prefix = `multi-${randomSuffix()}/`;
    const keys = ['a', 'b c', 'd+e', 'ü'].map(k => prefix + k);
    for (const key of keys) await client.put(key, Buffer.from(key));
    const verbose = await client.deleteMulti([keys[0], keys[1], `${prefix}absent`]);
    assert.deepEqual(verbose.deleted.map(d => d.Key).sort(), [keys[0], keys[1], `${prefix}absent`].sort());
    const quiet = await client.deleteMulti([keys[2], keys[3]], { quiet: true });
    assert.deepEqual(quiet.deleted, []);
    assert.deepEqual((await client.list({ prefix })).objects, []);
  });

  it('presigned GET and PUT URLs (V1 query signature) work; a tampered or expired one is refused', async () => {
    const client = vhostClient(fake);
    const key = `signed/a b-${randomSuffix()}.txt`;
    const body = testBytes(2_000, key);
    const putUrl = client.signatureUrl(key, { method: 'PUT', expires: 600, 'Content-Type': 'text/plain' });
    assert.equal(new URL(putUrl).host, `${BUCKET}.localhost:${fake.port}`);
    const putResponse = await fetchUrl(fake, putUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body });
    assert.equal(putResponse.status, 200, putResponse.body.toString());
    assert.equal(putResponse.headers.etag, expectedEtag(body));

    const getUrl = client.signatureUrl(key, { expires: 600 });
    const getResponse = await fetchUrl(fake, getUrl);
    assert.equal(getResponse.status, 200);
    assert.equal(md5Hex(getResponse.body), md5Hex(body));
    assert.equal(getResponse.headers['content-type'], 'text/plain');

    const overrideUrl = client.signatureUrl(key, { expires: 600, response: { 'content-disposition': 'attachment', 'content-type': 'application/x-override' } });
    const overridden = await fetchUrl(fake, overrideUrl);
    assert.equal(overridden.status, 200, overridden.body.toString());
    assert.equal(overridden.headers['content-type'], 'application/x-override');
    assert.equal(overridden.headers['content-disposition'], 'attachment');

    const tampered = new URL(getUrl);
    tampered.searchParams.set('Signature', 'AAAA' + tampered.searchParams.get('Signature').slice(4));
    const refused = await fetchUrl(fake, tampered.toString());
    assert.equal(refused.status, 403);
    assert.match(refused.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);

    const expiredUrl = client.signatureUrl(key, { expires: -60 });
    const expired = await fetchUrl(fake, expiredUrl);
    assert.equal(expired.status, 403);
    assert.match(expired.body.toString(), /<Code>AccessDenied<\/Code>/);
    await client.delete(key);
  });

  it('a wrong secret is SignatureDoesNotMatch; an unknown key id is InvalidAccessKeyId', async () => {
    const wrong = await rejection(vhostClient(fake, { accessKeySecret: 'not-the-secret' }).put(`neg/${randomSuffix()}`, Buffer.from('x')));
    assert.equal(wrong.status, 403);
    assert.equal(wrong.code, 'SignatureDoesNotMatch');
    assert.match(wrong.requestId, /^[0-9A-F]{24}$/);
    const unknown = await rejection(vhostClient(fake, { accessKeyId: 'AKIDUNKNOWN' }).get(`neg/${randomSuffix()}`));
    assert.equal(unknown.code, 'InvalidAccessKeyId');
  });
});

describe(`oss-client ${VERSION}, IP endpoint (path /key, bucket only in the signature)`, () => {
  let fake;
  before(async () => {
    fake = await startFakeOss({ defaultBucket: BUCKET });
  });
  after(async () => {
    await fake?.stop();
  });

  it('put/head/get/delete', async () => {
    const client = new OSSObject({ endpoint: fake.endpoint, bucket: BUCKET, accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET });
    await roundTrip(client, `ip/plain-${randomSuffix()}.bin`, testBytes(4_096, 'ip'));
  });
});
