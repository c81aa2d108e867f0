// @alicloud/oss-client (the generated official client, pinned by package-lock.json) against
// fake-oss with signatures checked: its default V2 signing (`OSS2 AccessKeyId:…,Signature:…`),
// V2 with AdditionalHeaders, V1, and STS; objects, listing, copy and multipart.
//
// Addressing: `hostModel: 'ip'` makes the client send `http://127.0.0.1:PORT/<bucket>/<key>`
// (it writes `Host: 127.0.0.1:PORT/<bucket>`, which the fake reads as path style); the default
// host model would connect to `<bucket>.127.0.0.1`, a DNS name. The SDK has no presigned URLs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, startFakeOss } from './support/fake-oss.mjs';
import { asArray, expectedEtag, expectedMultipartEtag, md5Hex, randomSuffix, rejection, testBytes } from './support/sdk.mjs';

const require = createRequire(import.meta.url);
const $OSS = require('@alicloud/oss-client');
const { RuntimeOptions } = require('@alicloud/oss-util');
const Client = $OSS.default;
const VERSION = require('@alicloud/oss-client/package.json').version;
const PART_SIZE = 100 * 1024;

/** Request headers as the client sent them, recorded through Node's http diagnostics channel. */
const sentHeaders = [];
diagnosticsChannel.subscribe('http.client.request.start', ({ request }) => {
  sentHeaders.push({ path: request.path, method: request.method, authorization: request.getHeader('authorization'), headers: request.getHeaders() });
});
function lastSent() {
  return sentHeaders[sentHeaders.length - 1];
}

function client(fake, overrides = {}) {
  return new Client(new $OSS.Config({
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    endpoint: `127.0.0.1:${fake.port}`,
    protocol: 'http',
    hostModel: 'ip',
    regionId: 'cn-hangzhou',
    readTimeout: 30_000,
    connectTimeout: 10_000,
    ...overrides,
  }));
}

const runtime = () => new RuntimeOptions({});

async function readBody(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const put = (c, key, body, extra = {}) =>
  c.putObject(new $OSS.PutObjectRequest({ bucketName: BUCKET, objectName: key, body: Readable.from([body]), ...extra }), runtime());
const head = (c, key, header) => c.headObject(new $OSS.HeadObjectRequest({ bucketName: BUCKET, objectName: key, header }), runtime());
async function get(c, key, header) {
  const response = await c.getObject(new $OSS.GetObjectRequest({ bucketName: BUCKET, objectName: key, header }), runtime());
  return { response, body: await readBody(response.body) };
}
const del = (c, key) => c.deleteObject(new $OSS.DeleteObjectRequest({ bucketName: BUCKET, objectName: key }), runtime());
const list = (c, filter) => c.getBucket(new $OSS.GetBucketRequest({ bucketName: BUCKET, filter }), runtime());

/** put -> head -> get -> delete -> head again. */
async function roundTrip(c, key, body) {
  const putResult = await put(c, key, body, { header: { contentType: 'application/x-interop' } });
  assert.match(putResult.requestId, /^[0-9A-F]{24}$/);
  assert.ok(putResult.hashCrc64ecma, 'PutObject answers x-oss-hash-crc64ecma');

  const headResult = await head(c, key);
  assert.equal(headResult.objectType, 'Normal');
  assert.equal(headResult.storageClass, 'Standard');
  assert.equal(headResult.contentMd5, Buffer.from(md5Hex(body), 'hex').toString('base64'));
  assert.equal(headResult.hashCrc64ecma, putResult.hashCrc64ecma);

  const { response, body: got } = await get(c, key);
  assert.equal(response.objectType, 'Normal');
  assert.deepEqual(got, body);

  await del(c, key);
  const missing = await rejection(get(c, key));
  assert.equal(missing.code, 'NoSuchKey');
  assert.equal(missing.data.httpCode, 404);
  // HEAD errors have no body, and the client parses the empty body as XML (compatibility.md, N4).
  const onHead = await rejection(head(c, key));
  assert.ok(onHead instanceof TypeError);
}

describe(`@alicloud/oss-client ${VERSION}, path style (hostModel 'ip')`, () => {
  let fake;
  before(async () => {
    fake = await startFakeOss();
  });
  after(async () => {
    await fake?.stop();
  });

  it('put/head/get/delete with the default V2 signature', async () => {
    const c = client(fake);
    await roundTrip(c, `v2/plain-${randomSuffix()}.bin`, testBytes(12_345, 'v2'));
    const signed = sentHeaders.filter(s => s.method === 'PUT').pop();
    assert.match(signed.authorization, new RegExp(`^OSS2 AccessKeyId:${ACCESS_KEY_ID},Signature:[A-Za-z0-9+/=]{44}$`));
  });

  it('V2 with AdditionalHeaders: user-agent is signed too', async () => {
    const c = client(fake, { addtionalHeaders: ['user-agent'] });
    await roundTrip(c, `v2/additional-${randomSuffix()}.bin`, testBytes(999, 'additional'));
    assert.match(lastSent().authorization, /^OSS2 AccessKeyId:[^,]+,AdditionalHeaders:user-agent,Signature:/);
  });

  it('put/head/get/delete with signatureVersion V1', async () => {
    const c = client(fake, { signatureVersion: 'V1' });
    await roundTrip(c, `v1/plain-${randomSuffix()}.bin`, testBytes(4_321, 'v1'));
    assert.match(lastSent().authorization, new RegExp(`^OSS ${ACCESS_KEY_ID}:`));
  });

  it('put/head/get/delete with an STS token (V2 and V1)', async () => {
    for (const signatureVersion of ['V2', 'V1']) {
      const sts = await fake.issueStsToken(900);
      const c = client(fake, {
        type: 'sts',
        accessKeyId: sts.AccessKeyId,
        accessKeySecret: sts.AccessKeySecret,
        securityToken: sts.SecurityToken,
        signatureVersion,
      });
      await roundTrip(c, `sts/${signatureVersion}-${randomSuffix()}.bin`, testBytes(777, 'sts'));
      assert.equal(lastSent().headers['x-oss-security-token'], sts.SecurityToken);
    }
  });

  it('keys with spaces, plus, and sub-directories keep their bytes (V2 signs them percent-encoded)', async () => {
    const c = client(fake);
    for (const key of [`keys/a b-${randomSuffix()}.txt`, `keys/a+b/c=d-${randomSuffix()}.txt`, `keys/deep/er/x~y_z.${randomSuffix()}`]) {
      const body = Buffer.from(key);
      await put(c, key, body);
      assert.deepEqual((await get(c, key)).body, body);
      const listed = await list(c, { prefix: key });
      assert.deepEqual(asArray(listed.listBucketResult.contents).map(o => o.key), [key]);
      await del(c, key);
    }
  });

  it('a wrong secret is SignatureDoesNotMatch (V2 and V1); an unknown key id is InvalidAccessKeyId', async () => {
    for (const signatureVersion of ['V2', 'V1']) {
      const c = client(fake, { accessKeySecret: 'not-the-secret', signatureVersion });
      const err = await rejection(put(c, `neg/${randomSuffix()}`, Buffer.from('x')));
      assert.equal(err.code, 'SignatureDoesNotMatch');
      assert.equal(err.data.httpCode, 403);
      assert.match(err.data.requestId, /^[0-9A-F]{24}$/);
    }
    const unknown = await rejection(get(client(fake, { accessKeyId: 'AKIDUNKNOWN' }), `neg/${randomSuffix()}`));
    assert.equal(unknown.code, 'InvalidAccessKeyId');
  });

  // SDK bugs, pinned so that a fixed release shows up here (compatibility.md, N6-N8).
  it('userMeta goes out without the x-oss-meta- prefix, so no metadata is stored', async () => {
    const c = client(fake);
    const key = `bugs/meta-${randomSuffix()}.txt`;
    await put(c, key, Buffer.from('meta'), { userMeta: { author: 'interop' } });
    const sent = sentHeaders.filter(s => s.method === 'PUT').pop().headers;
    assert.equal(sent.author, 'interop');
    assert.equal(sent['x-oss-meta-author'], undefined);
    const headResult = await head(c, key);
    assert.equal(headResult.userMeta['x-oss-meta-author'], undefined);
    await del(c, key);
  });

  it('a UTF-8 key is sent unencoded and arrives as Latin-1 bytes: InvalidObjectName', async () => {
    const err = await rejection(put(client(fake), `bugs/ü-${randomSuffix()}.txt`, Buffer.from('x')));
    assert.equal(err.code, 'InvalidObjectName');
    assert.equal(err.data.httpCode, 400);
  });

  it("V2 leaves !'()* unescaped in keys (V1 works); ListBuckets is signed over '' (V2) or '//' (V1)", async () => {
    const key = `bugs/paren(1)-${randomSuffix()}.txt`;
    const v2 = await rejection(put(client(fake), key, Buffer.from('x')));
    assert.equal(v2.code, 'SignatureDoesNotMatch');
    const v1 = client(fake, { signatureVersion: 'V1' });
    await put(v1, key, Buffer.from('x'));
    await del(v1, key);

    const service = c => c.getService(new $OSS.GetServiceRequest({}), runtime());
    for (const c of [client(fake), v1]) {
      const listed = await rejection(service(c));
      assert.equal(listed.code, 'SignatureDoesNotMatch');
    }
  });

  it('a missing key is NoSuchKey on GET', async () => {
    const err = await rejection(get(client(fake), `missing/${randomSuffix()}`));
    assert.equal(err.code, 'NoSuchKey');
    assert.equal(err.data.httpCode, 404);
  });

  it('GetObject with Range, If-Match / If-None-Match, If-Modified-Since / If-Unmodified-Since', async () => {
    const c = client(fake);
    const key = `get/cond-${randomSuffix()}.bin`;
    const body = testBytes(10_000, key);
    await put(c, key, body);
    const ranged = await get(c, key, { range: 'bytes=100-199' });
    assert.deepEqual(ranged.body, body.subarray(100, 200));

    const etag = expectedEtag(body);
    assert.deepEqual((await get(c, key, { ifMatch: etag })).body, body);
    const failed = await rejection(get(c, key, { ifMatch: '"00000000000000000000000000000000"' }));
    assert.equal(failed.code, 'PreconditionFailed');
    assert.equal(failed.data.httpCode, 412);

    // 304 is neither 4xx nor 5xx for the client: it returns an empty body.
    const notModified = await get(c, key, { ifNoneMatch: etag });
    assert.equal(notModified.body.length, 0);
    const future = new Date(Date.now() + 3600_000).toUTCString();
    const past = new Date(Date.now() - 3600_000).toUTCString();
    assert.equal((await get(c, key, { ifModifiedSince: future })).body.length, 0);
    assert.deepEqual((await get(c, key, { ifModifiedSince: past })).body, body);
    assert.deepEqual((await get(c, key, { ifUnmodifiedSince: future })).body, body);
    const unmodified = await rejection(get(c, key, { ifUnmodifiedSince: past }));
    assert.equal(unmodified.code, 'PreconditionFailed');
    await del(c, key);
  });

  it('GetObjectMeta answers ETag, size and Last-Modified', async () => {
    const c = client(fake);
    const key = `meta/${randomSuffix()}.bin`;
    const body = testBytes(2_048, key);
    await put(c, key, body);
    const meta = await c.getObjectMeta(new $OSS.GetObjectMetaRequest({ bucketName: BUCKET, objectName: key }), runtime());
    assert.equal(meta.eTag, expectedEtag(body));
    assert.equal(meta.contentLength, String(body.length));
    assert.ok(meta.lastModified);
    await del(c, key);
  });

  it('GetBucket (ListObjects) with prefix, delimiter and paging by marker', async () => {
    const c = client(fake);
    const prefix = `list-${randomSuffix()}/`;
    const keys = ['a.txt', 'b.txt', 'c.txt', 'dir1/x.txt', 'dir2/y.txt'].map(k => prefix + k);
    for (const key of keys) await put(c, key, Buffer.from(key));

    const top = (await list(c, { prefix, delimiter: '/' })).listBucketResult;
    assert.deepEqual(asArray(top.contents).map(o => o.key), keys.slice(0, 3));
    // The model declares CommonPrefixes as a string, so the two <CommonPrefixes> elements arrive
    // stringified and their prefixes are lost (compatibility.md, N5).
    assert.equal(top.commonPrefixes, '[object Object],[object Object]');
    const all = (await list(c, { prefix })).listBucketResult;
    assert.deepEqual(asArray(all.contents).map(o => o.key), keys);
    assert.equal(top.delimiter, '/');

    const seen = [];
    let marker = '';
    for (let page = 0; page < 10; page++) {
      const result = (await list(c, { prefix, maxKeys: '2', marker })).listBucketResult;
      seen.push(...asArray(result.contents).map(o => o.key));
      if (result.isTruncated !== 'true') break;
      marker = seen[seen.length - 1];
    }
    assert.deepEqual(seen, keys);
    for (const key of keys) await del(c, key);
  });

  it('CopyObject keeps the bytes, copies metadata, and x-oss-copy-source-if-match gates it', async () => {
    const c = client(fake);
    const src = `copy/src-${randomSuffix()}.txt`;
    const body = testBytes(3_000, src);
    await put(c, src, body, { header: { contentType: 'text/x-source' } });
    const dst = `copy/dst-${randomSuffix()}.txt`;
    const copied = await c.copyObject(new $OSS.CopyObjectRequest({
      bucketName: BUCKET, destObjectName: dst, header: { copySource: `/${BUCKET}/${src}` },
    }), runtime());
    assert.equal(copied.copyObjectResult.eTag, expectedEtag(body));
    assert.ok(copied.copyObjectResult.lastModified);
    const got = await get(c, dst);
    assert.deepEqual(got.body, body);

    const refused = await rejection(c.copyObject(new $OSS.CopyObjectRequest({
      bucketName: BUCKET, destObjectName: `${dst}.2`,
      header: { copySource: `/${BUCKET}/${src}`, copySourceIfMatch: '"00000000000000000000000000000000"' },
    }), runtime()));
    assert.equal(refused.code, 'PreconditionFailed');
    await del(c, src);
    await del(c, dst);
  });

  it('DeleteMultipleObjects with a base64 Content-MD5 (the client computes a hex one: see compatibility.md)', async () => {
    const c = client(fake);
    const prefix = `multi-${randomSuffix()}/`;
    const keys = ['a', 'b', 'c'].map(k => prefix + k);
    for (const key of keys) await put(c, key, Buffer.from(key));
    const body = { delete: { object: keys.map(key => ({ key })), quiet: 'false' } };
    // The body the client will send, serialised as it does, for a correct (base64) Content-MD5.
    const xml = require('@alicloud/tea-xml').default.toXML(new $OSS.DeleteMultipleObjectsRequestBody(body).toMap());
    const contentMD5 = createHash('md5').update(xml).digest('base64');
    const deleted = await c.deleteMultipleObjects(new $OSS.DeleteMultipleObjectsRequest({
      bucketName: BUCKET, body, header: { contentMD5 },
    }), runtime());
    assert.deepEqual(asArray(deleted.deleteResult.deleted).map(d => d.key).sort(), keys);
    assert.deepEqual(asArray((await list(c, { prefix })).listBucketResult.contents), []);

    // Its own Content-MD5 is the hex digest, which OSS refuses as InvalidDigest.
    await put(c, keys[0], Buffer.from('again'));
    const invalid = await rejection(c.deleteMultipleObjects(new $OSS.DeleteMultipleObjectsRequest({
      bucketName: BUCKET, body: { delete: { object: [{ key: keys[0] }], quiet: 'true' } },
    }), runtime()));
    assert.equal(invalid.code, 'InvalidDigest');
    await del(c, keys[0]);
  });
});

describe(`@alicloud/oss-client ${VERSION}, multipart (V2)`, () => {
  let fake;
  before(async () => {
    fake = await startFakeOss();
  });
  after(async () => {
    await fake?.stop();
  });

  // Without a filter, V2 signing of `?uploads` throws inside the client (compatibility.md, N3).
  const initiate = (c, key) => c.initiateMultipartUpload(new $OSS.InitiateMultipartUploadRequest({
    bucketName: BUCKET, objectName: key, filter: {}, header: { contentType: 'application/x-parts' },
  }), runtime());
  const uploadPart = (c, key, uploadId, partNumber, body) => c.uploadPart(new $OSS.UploadPartRequest({
    bucketName: BUCKET, objectName: key, body: Readable.from([body]), filter: { uploadId, partNumber: String(partNumber) },
  }), runtime());
  const listParts = (c, key, uploadId, filter = {}) => c.listParts(new $OSS.ListPartsRequest({
    bucketName: BUCKET, objectName: key, filter: { uploadId, ...filter },
  }), runtime());

  it('initiate, upload parts, list parts (paged), complete; the object has the multipart ETag', async () => {
    const c = client(fake);
    const key = `mp/complete-${randomSuffix()}.bin`;
    const parts = [testBytes(PART_SIZE, 'p1'), testBytes(PART_SIZE, 'p2'), testBytes(1_000, 'p3')];
    const init = await initiate(c, key);
    const { uploadId } = init.initiateMultipartUploadResult;
    assert.equal(init.initiateMultipartUploadResult.bucket, BUCKET);
    assert.equal(init.initiateMultipartUploadResult.key, key);

    for (let i = 0; i < parts.length; i++) await uploadPart(c, key, uploadId, i + 1, parts[i]);

    const firstPage = (await listParts(c, key, uploadId, { maxParts: '2' })).listPartsResult;
    assert.equal(firstPage.isTruncated, 'true');
    assert.deepEqual(asArray(firstPage.part).map(p => p.partNumber), ['1', '2']);
    const secondPage = (await listParts(c, key, uploadId, { maxParts: '2', partNumberMarker: firstPage.nextPartNumberMarker })).listPartsResult;
    const listed = [...asArray(firstPage.part), ...asArray(secondPage.part)];
    assert.deepEqual(listed.map(p => p.eTag), parts.map(expectedEtag));
    assert.deepEqual(listed.map(p => Number(p.size)), parts.map(p => p.length));

    const uploads = await c.listMultipartUploads(new $OSS.ListMultipartUploadsRequest({ bucketName: BUCKET, filter: { prefix: key } }), runtime());
    assert.deepEqual(asArray(uploads.listMultipartUploadsResult.upload).map(u => u.uploadId), [uploadId]);

    const completed = await c.completeMultipartUpload(new $OSS.CompleteMultipartUploadRequest({
      bucketName: BUCKET, objectName: key, filter: { uploadId },
      body: { completeMultipartUpload: { part: listed.map(p => ({ partNumber: p.partNumber, eTag: p.eTag })) } },
    }), runtime());
    assert.equal(completed.completeMultipartUploadResult.eTag, expectedMultipartEtag(parts));
    const { body } = await get(c, key);
    assert.equal(md5Hex(body), md5Hex(Buffer.concat(parts)));
    await del(c, key);
  });

  it('UploadPartCopy copies a range of an object into a part', async () => {
    const c = client(fake);
    const src = `mp/copy-src-${randomSuffix()}.bin`;
    const source = testBytes(2 * PART_SIZE + 500, src);
    await put(c, src, source);
    const key = `mp/copy-dst-${randomSuffix()}.bin`;
    const { uploadId } = (await initiate(c, key)).initiateMultipartUploadResult;
    const ranges = [[0, PART_SIZE - 1], [PART_SIZE, source.length - 1]];
    const etags = [];
    for (let i = 0; i < ranges.length; i++) {
      const copied = await c.uploadPartCopy(new $OSS.UploadPartCopyRequest({
        bucketName: BUCKET, objectName: key, filter: { uploadId, partNumber: String(i + 1) },
        header: { copySource: `/${BUCKET}/${src}`, copySourceRange: `bytes=${ranges[i][0]}-${ranges[i][1]}` },
      }), runtime());
      etags.push(copied.copyPartResult.eTag);
    }
    const pieces = ranges.map(([a, b]) => source.subarray(a, b + 1));
    assert.deepEqual(etags, pieces.map(expectedEtag));
    await c.completeMultipartUpload(new $OSS.CompleteMultipartUploadRequest({
      bucketName: BUCKET, objectName: key, filter: { uploadId },
      body: { completeMultipartUpload: { part: etags.map((eTag, i) => ({ partNumber: String(i + 1), eTag })) } },
    }), runtime());
    assert.equal(md5Hex((await get(c, key)).body), md5Hex(source));
    await del(c, src);
    await del(c, key);
  });

  it('abort ends the upload: its parts are gone and a second abort is NoSuchUpload', async () => {
    const c = client(fake);
    const key = `mp/abort-${randomSuffix()}.bin`;
    const { uploadId } = (await initiate(c, key)).initiateMultipartUploadResult;
    await uploadPart(c, key, uploadId, 1, testBytes(PART_SIZE, 'abort'));
    const abort = () => c.abortMultipartUpload(new $OSS.AbortMultipartUploadRequest({ bucketName: BUCKET, objectName: key, filter: { uploadId } }), runtime());
    await abort();
    const again = await rejection(abort());
    assert.equal(again.code, 'NoSuchUpload');
    assert.equal(again.data.httpCode, 404);
    const parts = await rejection(listParts(c, key, uploadId));
    assert.equal(parts.code, 'NoSuchUpload');
  });

  it('isEnableCrc/isEnableMD5: the fake\'s CRC64 and Content-MD5 match; a corrupt-checksum fault is CrcNotMatched', async () => {
    const c = client(fake, { isEnableCrc: true, isEnableMD5: true });
    const key = `mp/crc-${randomSuffix()}.bin`;
    await put(c, key, testBytes(300_000, 'crc'));
    const { uploadId } = (await initiate(c, key)).initiateMultipartUploadResult;
    await uploadPart(c, key, uploadId, 1, testBytes(PART_SIZE, 'crc-part'));

    const planId = await fake.installFaults({
      rules: [{ match: { op: 'UploadPart', key, partNumber: 2 }, action: { type: 'corrupt-checksum' }, times: 1 }],
    });
    const corrupted = await rejection(uploadPart(c, key, uploadId, 2, testBytes(1_000, 'crc-last')));
    assert.equal(corrupted.code, 'CrcNotMatched');
    const accounting = await fake.faultAccounting(planId);
    assert.equal(accounting.rules[0].fired, 1);
    await fake.clearFaults();
    await c.abortMultipartUpload(new $OSS.AbortMultipartUploadRequest({ bucketName: BUCKET, objectName: key, filter: { uploadId } }), runtime());
    await del(c, key);
  });

  it('Complete with a wrong part ETag is InvalidPart', async () => {
    const c = client(fake);
    const key = `mp/invalid-${randomSuffix()}.bin`;
    const { uploadId } = (await initiate(c, key)).initiateMultipartUploadResult;
    await uploadPart(c, key, uploadId, 1, testBytes(1_000, 'only'));
    const err = await rejection(c.completeMultipartUpload(new $OSS.CompleteMultipartUploadRequest({
      bucketName: BUCKET, objectName: key, filter: { uploadId },
      body: { completeMultipartUpload: { part: [{ partNumber: '1', eTag: '"00000000000000000000000000000000"' }] } },
    }), runtime()));
    assert.equal(err.code, 'InvalidPart');
    assert.equal(err.data.httpCode, 400);
  });
});

describe(`@alicloud/oss-client ${VERSION}, hostModel 'cname' (the bucket is only in the signature)`, () => {
  let fake;
  before(async () => {
    fake = await startFakeOss({ defaultBucket: BUCKET });
  });
  after(async () => {
    await fake?.stop();
  });

  // `/key` to 127.0.0.1:PORT, `Host: 127.0.0.1:PORT`; V2 and V1 sign `/<bucket>/<key>`.
  for (const signatureVersion of ['V2', 'V1']) {
    it(`put/head/get/delete with ${signatureVersion}`, async () => {
      const c = client(fake, { hostModel: 'cname', signatureVersion });
      await roundTrip(c, `cname/${signatureVersion}-${randomSuffix()}.bin`, testBytes(2_048, 'cname'));
      assert.equal(lastSent().headers.host, `127.0.0.1:${fake.port}`);
    });
  }
});
