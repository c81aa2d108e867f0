// ali-oss calls beyond plain objects and uploads, against fake-oss with signatures checked:
// multipartUploadCopy / uploadPartCopy, conditional GET and HEAD (If-Match, If-None-Match,
// If-Modified-Since, If-Unmodified-Since), and response-* overrides on get() and in
// signatureUrl(). ACL, tagging, append, symlink and storage classes are in
// ali-oss-object-apis.test.mjs.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { BUCKET, REGION, startFakeOss } from './support/fake-oss.mjs';
import {
  closeKeepAliveConnections,
  MIN_PART_SIZE_BYTES,
  expectedEtag,
  expectedMultipartEtag,
  md5Hex,
  pathStyleClient,
  randomSuffix,
  rejection,
  requestRecorder,
  splitParts,
  testBytes,
} from './support/sdk.mjs';

function fetchUrl(url) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { agent: false });
    request.on('error', reject);
    request.on('response', response => {
      const chunks = [];
      response.on('data', chunk => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.end();
  });
}

describe('ali-oss extras, path style', () => {
  let fake;
  before(async () => {
    fake = await startFakeOss();
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
  });

  for (const authorizationV4 of [false, true]) {
    it(`multipartUploadCopy copies an object part by part with UploadPartCopy (V${authorizationV4 ? 4 : 1})`, async () => {
      const { recorder, requests } = requestRecorder();
      const client = pathStyleClient(fake, { authorizationV4, region: REGION, urllib: recorder });
      const src = `mpcopy/src a+b-${randomSuffix()}.bin`;
      const source = testBytes(2 * MIN_PART_SIZE_BYTES + 12_345, src);
      await client.put(src, source);
      const dst = `mpcopy/dst-${randomSuffix()}.bin`;
      const result = await client.multipartUploadCopy(dst, { sourceKey: src, sourceBucketName: BUCKET }, { partSize: MIN_PART_SIZE_BYTES });
      assert.equal(result.res.status, 200);
      const copies = requests.filter(r => r.method === 'PUT' && r.query.has('partNumber'));
      assert.equal(copies.length, 3);
      assert.ok(copies.every(r => r.headers['x-oss-copy-source-range']), 'every part names its range');
      const got = await client.get(dst);
      assert.equal(md5Hex(got.content), md5Hex(source));
      assert.equal(got.res.headers.etag, expectedMultipartEtag(splitParts(source, MIN_PART_SIZE_BYTES)));
      await client.deleteMulti([src, dst]);
    });
  }

  it('uploadPartCopy returns each part ETag from the header; a part of a sub-range', async () => {
    const client = pathStyleClient(fake);
    const src = `mpcopy/range-src-${randomSuffix()}.bin`;
    const source = testBytes(MIN_PART_SIZE_BYTES + 5_000, src);
    await client.put(src, source);
    const dst = `mpcopy/range-dst-${randomSuffix()}.bin`;
    const { uploadId } = await client.initMultipartUpload(dst);
    const first = await client.uploadPartCopy(dst, uploadId, 1, `0-${MIN_PART_SIZE_BYTES - 1}`, { sourceKey: src, sourceBucketName: BUCKET });
    const second = await client.uploadPartCopy(dst, uploadId, 2, `${MIN_PART_SIZE_BYTES}-${MIN_PART_SIZE_BYTES + 99}`, { sourceKey: src, sourceBucketName: BUCKET });
    const pieces = [source.subarray(0, MIN_PART_SIZE_BYTES), source.subarray(MIN_PART_SIZE_BYTES, MIN_PART_SIZE_BYTES + 100)];
    assert.equal(first.etag, expectedEtag(pieces[0]));
    assert.equal(second.etag, expectedEtag(pieces[1]));
    const completed = await client.completeMultipartUpload(dst, uploadId, [{ number: 1, etag: first.etag }, { number: 2, etag: second.etag }]);
    assert.equal(completed.res.status, 200);
    assert.equal(md5Hex((await client.get(dst)).content), md5Hex(Buffer.concat(pieces)));

    const missingUpload = await rejection(client.uploadPartCopy(dst, 'F0000000000000000000000000000000', 1, '0-99', { sourceKey: src, sourceBucketName: BUCKET }));
    assert.equal(missingUpload.status, 404);
    assert.equal(missingUpload.code, 'NoSuchUpload');
    await client.deleteMulti([src, dst]);
  });

  it('conditional GET: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since', async () => {
    const client = pathStyleClient(fake);
    const key = `cond/${randomSuffix()}.bin`;
    const body = testBytes(3_000, key);
    await client.put(key, body);
    const etag = expectedEtag(body);
    const lastModified = (await client.head(key)).res.headers['last-modified'];
    const past = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
    const future = new Date(Date.parse(lastModified) + 3600_000).toUTCString();

    assert.equal((await client.get(key, { headers: { 'If-Match': etag } })).res.status, 200);
    const mismatch = await rejection(client.get(key, { headers: { 'If-Match': '"00000000000000000000000000000000"' } }));
    assert.equal(mismatch.status, 412);
    assert.equal(mismatch.code, 'PreconditionFailed');

    const notModified = await client.get(key, { headers: { 'If-None-Match': etag } });
    assert.equal(notModified.res.status, 304);
    assert.equal(notModified.content.length, 0);
    assert.equal((await client.get(key, { headers: { 'If-None-Match': '"00000000000000000000000000000000"' } })).res.status, 200);

    // Last-Modified is whole seconds; the same second is "not modified since".
    assert.equal((await client.get(key, { headers: { 'If-Modified-Since': lastModified } })).res.status, 304);
    assert.equal((await client.get(key, { headers: { 'If-Modified-Since': future } })).res.status, 304);
    const modified = await client.get(key, { headers: { 'If-Modified-Since': past } });
    assert.equal(modified.res.status, 200);
    assert.deepEqual(modified.content, body);

    assert.equal((await client.get(key, { headers: { 'If-Unmodified-Since': lastModified } })).res.status, 200);
    const changed = await rejection(client.get(key, { headers: { 'If-Unmodified-Since': past } }));
    assert.equal(changed.status, 412);
    assert.equal(changed.code, 'PreconditionFailed');

    // HEAD answers the same statuses without a body (ali-oss reads x-oss-err for the 412).
    assert.equal((await client.head(key, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await client.head(key, { headers: { 'If-Modified-Since': future } })).status, 304);
    const headFailed = await rejection(client.head(key, { headers: { 'If-Unmodified-Since': past } }));
    assert.equal(headFailed.status, 412);
    await client.delete(key);
  });

  for (const authorizationV4 of [false, true]) {
    it(`response-* overrides on get() and in signatureUrl() (V${authorizationV4 ? 4 : 1})`, async () => {
      const client = pathStyleClient(fake, { authorizationV4, region: REGION });
      const key = `override/${randomSuffix()}.txt`;
      const body = Buffer.from('override me');
      await client.put(key, body, { mime: 'text/plain' });
      const overrides = {
        'response-cache-control': 'no-cache',
        'response-content-disposition': 'attachment; filename="x.txt"',
        'response-content-encoding': 'identity',
        'response-content-language': 'en-US',
        'response-content-type': 'application/x-override',
        'response-expires': 'Fri, 24 Feb 2034 17:24:06 GMT',
      };
      const got = await client.get(key, { subres: { ...overrides } });
      assert.equal(got.res.status, 200);
      assert.deepEqual(got.content, body);
      for (const [name, value] of Object.entries(overrides)) {
        assert.equal(got.res.headers[name.slice('response-'.length)], value, name);
      }
      // Without overrides the stored type comes back.
      assert.equal((await client.get(key)).res.headers['content-type'], 'text/plain');

      const url = authorizationV4
        ? await client.signatureUrlV4('GET', 600, { queries: { 'response-content-type': 'application/x-signed' } }, key)
        : client.signatureUrl(key, { expires: 600, response: { 'content-type': 'application/x-signed', 'content-disposition': 'inline' } });
      const fetched = await fetchUrl(url);
      assert.equal(fetched.status, 200, fetched.body.toString());
      assert.equal(fetched.headers['content-type'], 'application/x-signed');
      if (!authorizationV4) assert.equal(fetched.headers['content-disposition'], 'inline');
      assert.deepEqual(fetched.body, body);
      await client.delete(key);
    });
  }
});
