// ali-oss over HTTPS against `fake-oss --tls-self-signed` with signatures checked: a managed
// multipart upload through an https agent that trusts the fake's CA is byte-exact; without
// that CA (Node's default trust) the request fails on the certificate and reaches nothing.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';

import { REGION, startFakeOss } from './support/fake-oss.mjs';
import {
  MIN_PART_SIZE_BYTES,
  md5Hex,
  pathStyleClient,
  randomSuffix,
  rejection,
  tempDir,
  testBytes,
  writeTempFile,
} from './support/sdk.mjs';

// Node's codes for a chain it cannot anchor in its trust store. urllib may wrap the TLS error
// (code ResponseError); its message still carries Node's ("unable to verify the first
// certificate").
const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

describe('ali-oss over https', () => {
  let fake;
  let scratch;
  let trustingAgent;
  before(async () => {
    fake = await startFakeOss({ tls: true });
    scratch = tempDir();
    trustingAgent = new https.Agent({ keepAlive: true, ca: fake.caPem });
  });
  after(async () => {
    trustingAgent?.destroy();
    await fake?.stop();
    scratch?.cleanup();
  });

  it('prints an https endpoint and serves the control API over TLS', async () => {
    assert.match(fake.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(fake.caPem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.deepEqual(await fake.health(), { status: 'ok' });
  });

  for (const signing of ['V1', 'V4']) {
    it(`multipartUpload with the CA trusted is byte-exact (${signing})`, async () => {
      const client = pathStyleClient(fake, {
        httpsAgent: trustingAgent,
        authorizationV4: signing === 'V4',
        region: REGION,
      });
      assert.match(fake.localhostEndpoint, /^https:/);
      const key = `https/${signing}-${randomSuffix()}.bin`;
      const body = testBytes(3 * MIN_PART_SIZE_BYTES + 4321, key);
      const file = writeTempFile(scratch.dir, `${randomSuffix()}.bin`, body);
      const result = await client.multipartUpload(key, file, { partSize: MIN_PART_SIZE_BYTES, parallel: 2 });
      assert.equal(result.res.status, 200);
      const got = await client.get(key);
      assert.equal(md5Hex(got.content), md5Hex(body));
      assert.deepEqual(got.content, body);
      const uploadParts = (await fake.journal()).entries.filter(
        e => e.operation === 'UploadPart' && e.key === key && e.status === 200
      );
      assert.equal(uploadParts.length, 4);
    });
  }

  it('without the CA the certificate is refused and nothing reaches the fake', async () => {
    const before = (await fake.journal()).entries.length;
    const client = pathStyleClient(fake, {
      httpsAgent: new https.Agent({ keepAlive: false }),  // Node's default trust store
      retryMax: 0,
    });
    const err = await rejection(client.put(`https/untrusted-${randomSuffix()}.txt`, Buffer.from('x')));
    const code = err.code ?? err.cause?.code;
    assert.ok(
      UNTRUSTED_CODES.has(code) || /certificate/i.test(err.message),
      `expected a certificate error, got ${code}: ${err.message}`
    );
    assert.equal((await fake.journal()).entries.length, before);
  });
});
