// ali-oss object operations (put, get, head, delete, copy, deleteMulti) against fake-oss with signatures checked:
// V1, V4, STS, path style on localhost, virtual-host style on an IP endpoint, and the errors
// ali-oss must see for bad credentials.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, REGION, REGION_HOST, startFakeOss } from './support/fake-oss.mjs';
import {
  closeKeepAliveConnections,
  OSS,
  expectedEtag,
  md5Hex,
  pathStyleClient,
  randomSuffix,
  rejection,
  requestRecorder,
  testBytes,
} from './support/sdk.mjs';

const REQUEST_ID = /^[0-9A-F]{24}$/;

/** put -> head -> get -> delete -> head again, asserting what ali-oss reports at each step. */
async function roundTrip(client, key, body) {
  const put = await client.put(key, body, { meta: { author: 'interop' } });
  assert.equal(put.res.status, 200);
  assert.equal(put.res.headers.etag, expectedEtag(body));
  assert.equal(put.name, key);

  const head = await client.head(key);
  assert.equal(head.status, 200);
  assert.equal(Number(head.res.headers['content-length']), body.length);
  assert.equal(head.res.headers.etag, expectedEtag(body));
  assert.equal(head.meta.author, 'interop');

  const got = await client.get(key);
  assert.equal(got.res.status, 200);
  assert.equal(md5Hex(got.content), md5Hex(body));
  assert.deepEqual(got.content, body);

  const deleted = await client.delete(key);
  assert.equal(deleted.res.status, 204);

  const missing = await rejection(client.head(key));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'NoSuchKey');
}

describe(`ali-oss objects, path style (sldEnable) on http://localhost:PORT`, () => {
  let fake;
  before(async () => {
    fake = await startFakeOss();
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
  });

  it('put/head/get/delete with V1 signing (the default)', async () => {
    await roundTrip(pathStyleClient(fake), `v1/plain-${randomSuffix()}.bin`, testBytes(12_345, 'v1'));
  });

  it('keeps keys with space, plus, and UTF-8 intact (ali-oss sends %20 and %2B)', async () => {
    const client = pathStyleClient(fake);
    const key = `v1/dir/a b+c ü-${randomSuffix()}.txt`;
    const body = Buffer.from('twelve bytes');
    await client.put(key, body);
    const got = await client.get(key);
    assert.deepEqual(got.content, body);
    const listed = await client.list({ prefix: key, 'max-keys': 10 });
    assert.deepEqual(listed.objects.map(o => [o.name, o.size]), [[key, body.length]]);
    await client.delete(key);
  });

  it('putStream without a length goes out chunked and is stored byte-exact', async () => {
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder });
    const key = `v1/stream-${randomSuffix()}.txt`;
    const body = testBytes(300_000, key);
    const put = await client.putStream(key, Readable.from([body.subarray(0, 1000), body.subarray(1000)]));
    assert.equal(put.res.status, 200);
    const sent = Object.fromEntries(Object.entries(requests[0].headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(sent['content-length'], undefined);
    assert.equal(put.res.headers.etag, expectedEtag(body));
    assert.equal(md5Hex((await client.get(key)).content), md5Hex(body));
  });

  it('put/head/get/delete with V4 signing (authorizationV4)', async () => {
    const client = pathStyleClient(fake, { authorizationV4: true, region: REGION });
    await roundTrip(client, `v4/plain-${randomSuffix()}.bin`, testBytes(54_321, 'v4'));
  });

  // ali-oss V4 signs an empty-string query value as `name=` (qs strictNullHandling) but an
  // empty sub-resource as the bare `name`; the other SDKs write the bare name for both.
  it('V4 list and listUploads with empty query values (signed as name=)', async () => {
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { authorizationV4: true, region: REGION, urllib: recorder });
    const key = `v4/empty-query-${randomSuffix()}.txt`;
    await client.put(key, Buffer.from('empty query values'));
    const listed = await client.list({ prefix: '', marker: '', 'max-keys': 1000 });
    assert.ok(listed.objects.some(o => o.name === key), 'list() with prefix="" lists the object');
    const uploads = await client.listUploads({ prefix: '', 'key-marker': '' });
    assert.equal(uploads.res.status, 200);
    const listQuery = requests.find(r => r.query.has('marker')).query;
    assert.equal(listQuery.get('prefix'), '');
    await client.delete(key);
  });

  it('put/head/get/delete with an STS token from POST /_fake/sts', async () => {
    const sts = await fake.issueStsToken(900);
    assert.ok(sts.AccessKeyId && sts.AccessKeySecret && sts.SecurityToken && sts.Expiration);
    for (const authorizationV4 of [false, true]) {
      const client = pathStyleClient(fake, {
        accessKeyId: sts.AccessKeyId,
        accessKeySecret: sts.AccessKeySecret,
        stsToken: sts.SecurityToken,
        authorizationV4,
      });
      await roundTrip(client, `sts/v${authorizationV4 ? 4 : 1}-${randomSuffix()}.bin`, testBytes(777, 'sts'));
    }
  });

  it('copy keeps the bytes and ETag, copies metadata, and replaces it when meta is given (V1 and V4)', async () => {
    for (const authorizationV4 of [false, true]) {
      const client = pathStyleClient(fake, { authorizationV4, region: REGION });
      // Iceberg-style partition paths: '=' and ':' and spaces need encoding in x-oss-copy-source.
      const src = `copy/v${authorizationV4 ? 4 : 1}/ts_day=2024-01-01/a b+ü:${randomSuffix()}.parquet`;
      const body = testBytes(4_321, src);
      await client.put(src, body, { meta: { author: 'interop' }, mime: 'text/plain' });

      const dst = `${src}.copy`;
      const copied = await client.copy(dst, src);
      assert.equal(copied.res.status, 200);
      assert.equal(copied.data.etag, expectedEtag(body));
      assert.ok(copied.data.lastModified);
      assert.ok(copied.res.headers['x-oss-hash-crc64ecma']);
      const got = await client.get(dst);
      assert.deepEqual(got.content, body);
      assert.equal(got.res.headers['content-type'], 'text/plain');
      assert.equal((await client.head(dst)).meta.author, 'interop');

      // With meta, ali-oss sends x-oss-metadata-directive: REPLACE; onto itself too.
      await client.copy(src, src, { meta: { author: 'replaced' } });
      const head = await client.head(src);
      assert.equal(head.meta.author, 'replaced');
      assert.equal(head.res.headers.etag, expectedEtag(body));
      await client.deleteMulti([src, dst], { quiet: true });
    }
  });

  it('copy errors: missing source, and x-oss-copy-source-if-* preconditions', async () => {
    const client = pathStyleClient(fake);
    const missing = await rejection(client.copy(`copy/dst-${randomSuffix()}`, `copy/absent-${randomSuffix()}`));
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'NoSuchKey');

    const src = `copy/pre-${randomSuffix()}`;
    const body = Buffer.from('preconditions');
    await client.put(src, body);
    const failed = await rejection(client.copy(`${src}.a`, src, { headers: { 'If-Match': '"0000"' } }));
    assert.equal(failed.status, 412);
    assert.equal(failed.code, 'PreconditionFailed');
    const notModified = await client.copy(`${src}.b`, src, { headers: { 'If-None-Match': expectedEtag(body) } });
    assert.equal(notModified.res.status, 304);
    const matched = await client.copy(`${src}.c`, src, { headers: { 'If-Match': expectedEtag(body) } });
    assert.equal(matched.res.status, 200);
    await client.deleteMulti([src, `${src}.c`]);
  });

  it('deleteMulti: verbose lists every key (missing ones too), quiet lists none', async () => {
    for (const authorizationV4 of [false, true]) {
      const client = pathStyleClient(fake, { authorizationV4, region: REGION });
      const prefix = `multi/v${authorizationV4 ? 4 : 1}-${randomSuffix()}/`;
      const keys = ['a', 'b c', 'd+e', 'ü'].map(k => prefix + k);
      for (const key of keys) await client.put(key, Buffer.from(key));

      const verbose = await client.deleteMulti([keys[0], keys[1], `${prefix}absent`]);
      assert.equal(verbose.res.status, 200);
      assert.deepEqual(verbose.deleted.map(d => d.Key).sort(), [keys[0], keys[1], `${prefix}absent`].sort());

      const quiet = await client.deleteMulti([keys[2], keys[3]], { quiet: true });
      assert.equal(quiet.res.status, 200);
      assert.deepEqual(quiet.deleted, []);
      const left = await client.list({ prefix, 'max-keys': 10 });
      assert.deepEqual(left.objects ?? [], []);
    }
  });

  it('a missing key is NoSuchKey on get and head, and delete still answers 204', async () => {
    const client = pathStyleClient(fake);
    const key = `missing/${randomSuffix()}`;
    const onGet = await rejection(client.get(key));
    assert.equal(onGet.status, 404);
    assert.equal(onGet.code, 'NoSuchKey');
    assert.equal(onGet.name, 'NoSuchKeyError');
    assert.match(onGet.requestId, REQUEST_ID);
    const onHead = await rejection(client.head(key));
    assert.equal(onHead.code, 'NoSuchKey');
    const deleted = await client.delete(key);
    assert.equal(deleted.res.status, 204);
  });

  it('a wrong secret is SignatureDoesNotMatch in ali-oss\'s error object (V1 and V4)', async () => {
    for (const authorizationV4 of [false, true]) {
      const client = pathStyleClient(fake, { accessKeySecret: 'not-the-secret', authorizationV4 });
      const err = await rejection(client.put(`neg/${randomSuffix()}`, Buffer.from('x')));
      assert.ok(err instanceof Error);
      assert.equal(err.status, 403);
      assert.equal(err.code, 'SignatureDoesNotMatch');
      assert.equal(err.name, 'SignatureDoesNotMatchError');
      assert.match(err.requestId, REQUEST_ID);
    }
  });

  it('a wrong secret on HEAD reaches ali-oss through x-oss-err (HEAD has no body)', async () => {
    const client = pathStyleClient(fake, { accessKeySecret: 'not-the-secret' });
    const err = await rejection(client.head(`neg/${randomSuffix()}`));
    assert.equal(err.status, 403);
    assert.equal(err.code, 'SignatureDoesNotMatch');
  });

  it('an unknown AccessKeyId is InvalidAccessKeyId', async () => {
    const client = pathStyleClient(fake, { accessKeyId: 'AKIDUNKNOWN' });
    const err = await rejection(client.get(`neg/${randomSuffix()}`));
    assert.equal(err.status, 403);
    assert.equal(err.code, 'InvalidAccessKeyId');
  });

  it('a tampered STS token is refused with 403', async () => {
    const sts = await fake.issueStsToken(900);
    const client = pathStyleClient(fake, {
      accessKeyId: sts.AccessKeyId,
      accessKeySecret: sts.AccessKeySecret,
      stsToken: `${sts.SecurityToken}tampered`,
    });
    const err = await rejection(client.put(`neg/${randomSuffix()}`, Buffer.from('x')));
    assert.equal(err.status, 403);
    assert.ok(err.code, 'the 403 carries an OSS error code');
  });
});

describe(`ali-oss objects, virtual-host style on an IP endpoint (Host: ${BUCKET}.${REGION_HOST})`, () => {
  let fake;
  before(async () => {
    fake = await startFakeOss({ virtualHostDomain: REGION_HOST });
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
  });

  // With an IP endpoint ali-oss puts `/key` in the path and `<bucket>.<region host>` in Host.
  for (const authorizationV4 of [false, true]) {
    it(`put/head/get/delete with V${authorizationV4 ? 4 : 1}`, async () => {
      const client = new OSS({
        endpoint: fake.endpoint,
        region: REGION,
        accessKeyId: ACCESS_KEY_ID,
        accessKeySecret: ACCESS_KEY_SECRET,
        bucket: BUCKET,
        authorizationV4,
      });
      await roundTrip(client, `vhost/v${authorizationV4 ? 4 : 1}-${randomSuffix()}.bin`, testBytes(4096, 'vhost'));
    });
  }

  it('path style still works on the same server', async () => {
    await roundTrip(pathStyleClient(fake), `vhost/path-${randomSuffix()}.bin`, testBytes(100, 'both'));
  });
});

describe('ali-oss objects, cname mode (the bucket is only in the signature)', () => {
  let fake;
  before(async () => {
    fake = await startFakeOss({ defaultBucket: BUCKET });
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
  });

  // With `cname: true` ali-oss sends `/key` and `Host: localhost:PORT`; V1 and V4 still sign
  // `/bucket/key`, so the fake must verify against its default bucket.
  for (const authorizationV4 of [false, true]) {
    it(`put/head/get/delete with V${authorizationV4 ? 4 : 1}`, async () => {
      const client = new OSS({
        endpoint: fake.localhostEndpoint,
        cname: true,
        region: REGION,
        accessKeyId: ACCESS_KEY_ID,
        accessKeySecret: ACCESS_KEY_SECRET,
        bucket: BUCKET,
        authorizationV4,
      });
      await roundTrip(client, `cname/v${authorizationV4 ? 4 : 1}-${randomSuffix()}.bin`, testBytes(2048, 'cname'));
    });
  }
});
