// What ali-oss does when fake-oss injects faults, and that the stored object is byte-exact
// whenever ali-oss reports success. Each test installs a plan through POST /_fake/faults and
// checks its accounting (GET /_fake/faults/{id}) to prove the fault really fired.
//
// ali-oss 6.23 facts these tests pin (docs/compatibility.md E3-E5): multipartUpload retries a part
// only on network errors and timeouts (status -1/-2) and only when retryMax > 0; it never
// retries an HTTP 5xx; a failed part leaves the checkpoint with the good parts, so a resume
// re-sends only what is missing. Observed here (docs/compatibility.md E7-E9): a lost Complete
// response is reported as a failure (network error, or NoSuchUpload after ali-oss's own retry)
// although the object is stored; a corrupted part ETag surfaces only as InvalidPart at Complete.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { startFakeOss } from './support/fake-oss.mjs';
import {
  closeKeepAliveConnections,
  MIN_PART_SIZE_BYTES,
  asArray,
  expectedMultipartEtag,
  md5Hex,
  pathStyleClient,
  randomSuffix,
  rejection,
  requestRecorder,
  splitParts,
  tempDir,
  testBytes,
  writeTempFile,
} from './support/sdk.mjs';

const PART_COUNT = 5;
const isUploadPart = r => r.method === 'PUT' && r.query.has('partNumber');
const isListParts = r => r.method === 'GET' && r.query.has('uploadId');
const partNumbersOf = requests => requests.filter(isUploadPart).map(r => Number(r.query.get('partNumber')));

describe('ali-oss under injected faults', () => {
  let fake;
  let scratch;
  before(async () => {
    fake = await startFakeOss();
    scratch = tempDir();
  });
  afterEach(async () => {
    await fake.clearFaults();
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
    scratch?.cleanup();
  });

  function source(label) {
    const key = `faults/${label}-${randomSuffix()}.bin`;
    const body = testBytes(PART_COUNT * MIN_PART_SIZE_BYTES - 1000, key);
    const file = writeTempFile(scratch.dir, `${randomSuffix()}.bin`, body);
    return { key, body, file, parts: splitParts(body, MIN_PART_SIZE_BYTES) };
  }

  /**
   * A copy of the last checkpoint ali-oss reported, and the part numbers it lacks. After the
   * first failed part ali-oss starts no new part (parts already in flight may still finish),
   * so a resume sends the failed part and every part not yet started.
   */
  function snapshot(checkpoint) {
    const copy = JSON.parse(JSON.stringify(checkpoint));
    const doneNumbers = copy.doneParts.map(p => p.number).sort((a, b) => a - b);
    const missingNumbers = Array.from({ length: PART_COUNT }, (_, i) => i + 1).filter(n => !doneNumbers.includes(n));
    return { checkpoint: copy, doneNumbers, missingNumbers };
  }

  async function assertStoredExactly(client, key, body, parts) {
    const got = await client.get(key);
    assert.equal(got.content.length, body.length);
    assert.equal(md5Hex(got.content), md5Hex(body));
    assert.equal(got.res.headers.etag, expectedMultipartEtag(parts));
  }

  async function assertFiredOnce(planId) {
    const accounting = await fake.faultAccounting(planId);
    assert.equal(accounting.id, planId);
    assert.equal(accounting.rules.length, 1);
    assert.equal(accounting.rules[0].fired, 1, JSON.stringify(accounting));
    assert.equal(accounting.rules[0].remaining, 0, JSON.stringify(accounting));
    return accounting.rules[0];
  }

  it('reset during UploadPart 2, retryMax 0: multipartUpload fails with a network error, resume sends only the missing parts', async () => {
    const { key, body, file, parts } = source('reset-no-retry');
    const planId = await fake.installFaults({
      rules: [
        {
          match: { operation: 'UploadPart', key, partNumber: 2 },
          action: { type: 'reset', afterBytes: 65536 },
          times: 1,
        },
      ],
    });
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder });
    let checkpoint;
    const failure = await rejection(
      client.multipartUpload(key, file, {
        partSize: MIN_PART_SIZE_BYTES,
        parallel: 2,
        progress: async (_fraction, cpt) => {
          if (cpt) checkpoint = JSON.parse(JSON.stringify(cpt));
        },
      })
    );
    assert.equal(failure.status, -1, `a network error, not an HTTP status: ${failure.name} ${failure.message}`);
    assert.equal(failure.partNum, 2);
    await assertFiredOnce(planId);
    const faulted = (await fake.journal()).entries.filter(e => e.key === key && e.fault);
    assert.deepEqual(
      faulted.map(e => [e.operation, e.partNumber, e.status, e.fault.plan, e.fault.action]),
      [['UploadPart', 2, 0, planId, 'reset']]
    );
    assert.ok(faulted[0].bytes < MIN_PART_SIZE_BYTES, `the reset cut the body: ${faulted[0].bytes} bytes read`);
    assert.equal(partNumbersOf(requests).filter(n => n === 2).length, 1, 'retryMax 0: no retry');
    const resumeFrom = snapshot(checkpoint);
    assert.ok(!resumeFrom.doneNumbers.includes(2));

    // Part 2 was cut off mid-body: the fake must not have stored it.
    const listed = asArray((await client.listParts(key, resumeFrom.checkpoint.uploadId)).parts).map(p => Number(p.PartNumber));
    assert.ok(!listed.includes(2), `listed parts: ${listed}`);
    for (const number of resumeFrom.doneNumbers) assert.ok(listed.includes(number), `part ${number} listed`);

    const sentBeforeResume = requests.length;
    const resumed = await client.multipartUpload(key, file, { checkpoint: resumeFrom.checkpoint, parallel: 2 });
    assert.deepEqual(partNumbersOf(requests.slice(sentBeforeResume)).sort((a, b) => a - b), resumeFrom.missingNumbers);
    assert.equal(resumed.res.status, 200);
    await assertStoredExactly(client, key, body, parts);
  });

  it('reset during UploadPart 2, retryMax 2: ali-oss retries the part itself and succeeds', async () => {
    const { key, body, file, parts } = source('reset-retry');
    const planId = await fake.installFaults({
      rules: [
        {
          match: { operation: 'UploadPart', key, partNumber: 2 },
          action: { type: 'reset', afterBytes: 0 },
          times: 1,
        },
      ],
    });
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder, retryMax: 2 });
    const result = await client.multipartUpload(key, file, { partSize: MIN_PART_SIZE_BYTES, parallel: 2 });
    assert.equal(result.res.status, 200);
    await assertFiredOnce(planId);
    const sent = partNumbersOf(requests);
    assert.equal(sent.filter(n => n === 2).length, 2, `part 2 sent twice: ${sent}`);
    assert.equal(sent.length, PART_COUNT + 1);
    await assertStoredExactly(client, key, body, parts);
  });

  it('503 on UploadPart 3 is not retried even with retryMax 2; resume completes the object', async () => {
    const { key, body, file, parts } = source('part-503');
    const planId = await fake.installFaults({
      rules: [
        {
          match: { operation: 'UploadPart', key, partNumber: 3 },
          action: { type: 'error', status: 503, code: 'ServiceUnavailable' },
          times: 1,
        },
      ],
    });
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder, retryMax: 2 });
    let checkpoint;
    const failure = await rejection(
      client.multipartUpload(key, file, {
        partSize: MIN_PART_SIZE_BYTES,
        parallel: 2,
        progress: async (_fraction, cpt) => {
          if (cpt) checkpoint = JSON.parse(JSON.stringify(cpt));
        },
      })
    );
    assert.equal(failure.status, 503);
    assert.equal(failure.code, 'ServiceUnavailable');
    assert.equal(failure.name, 'ServiceUnavailableError');
    assert.equal(failure.partNum, 3);
    await assertFiredOnce(planId);
    assert.equal(partNumbersOf(requests).filter(n => n === 3).length, 1, 'no retry of a 5xx');
    const resumeFrom = snapshot(checkpoint);
    assert.ok(!resumeFrom.doneNumbers.includes(3));

    const sentBeforeResume = requests.length;
    await client.multipartUpload(key, file, { checkpoint: resumeFrom.checkpoint, parallel: 2 });
    assert.deepEqual(partNumbersOf(requests.slice(sentBeforeResume)).sort((a, b) => a - b), resumeFrom.missingNumbers);
    await assertStoredExactly(client, key, body, parts);
  });

  it('503 on ListParts (header-scoped plan): listParts throws once, no retry; the upload completes from a later listing', async () => {
    const { key, body, parts } = source('listparts-503');
    const planId = await fake.installFaults({
      scope: 'header',
      rules: [
        {
          match: { operation: 'ListParts' },
          action: { type: 'error', status: 503, code: 'ServiceUnavailable' },
          times: 1,
        },
      ],
    });
    const withPlan = { headers: { 'x-fake-oss-plan': planId } };
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder, retryMax: 3 });

    const init = await client.initMultipartUpload(key);
    for (const [index, part] of parts.entries()) {
      await client.uploadPart(key, init.uploadId, index + 1, part, 0, part.length);
    }

    // A request without the header is outside a header-scoped plan.
    const unaffected = await client.listParts(key, init.uploadId);
    assert.equal(asArray(unaffected.parts).length, PART_COUNT);
    assert.equal((await fake.faultAccounting(planId)).rules[0].fired, 0);

    const listPartsBefore = requests.filter(isListParts).length;
    const failure = await rejection(client.listParts(key, init.uploadId, {}, withPlan));
    assert.equal(failure.status, 503);
    assert.equal(failure.code, 'ServiceUnavailable');
    assert.equal(failure.name, 'ServiceUnavailableError');
    assert.match(failure.requestId, /^[0-9A-F]{24}$/);
    assert.equal(requests.filter(isListParts).length - listPartsBefore, 1, 'ali-oss sent ListParts once');
    const rule = await assertFiredOnce(planId);
    assert.equal(rule.matched, 1, 'the fake saw one ListParts carrying the plan header');
    const faulted = (await fake.journal()).entries.filter(e => e.key === key && e.fault);
    assert.deepEqual(
      faulted.map(e => [e.operation, e.status, e.errorCode, e.fault.plan, e.fault.action]),
      [['ListParts', 503, 'ServiceUnavailable', planId, 'error']]
    );

    // The application retries on its own; the budget is spent, so this one succeeds.
    const listed = asArray((await client.listParts(key, init.uploadId, {}, withPlan)).parts);
    assert.deepEqual(listed.map(p => Number(p.PartNumber)), [1, 2, 3, 4, 5]);
    const completed = await client.completeMultipartUpload(
      key,
      init.uploadId,
      listed.map(p => ({ number: Number(p.PartNumber), etag: p.ETag }))
    );
    assert.equal(completed.res.status, 200);
    await assertStoredExactly(client, key, body, parts);
  });
  it('expire-upload while resuming: multipartUpload ends with {name: "abort"} and leaves no object', async () => {
    const { key, file } = source('expire');
    const client = pathStyleClient(fake);
    let checkpoint;
    await rejection(
      client.multipartUpload(key, file, {
        partSize: MIN_PART_SIZE_BYTES,
        parallel: 1,
        progress: async (_fraction, cpt) => {
          checkpoint = JSON.parse(JSON.stringify(cpt));
          if (cpt.doneParts.length >= 2) client.cancel();
        },
      })
    );
    const planId = await fake.installFaults({
      rules: [{ match: { op: 'UploadPart', key }, action: { type: 'expire-upload' }, times: 1 }],
    });
    const ended = await rejection(client.multipartUpload(key, file, { checkpoint, parallel: 2 }));
    assert.equal(ended.name, 'abort');
    assert.equal(ended.status, 0);
    await assertFiredOnce(planId);
    assert.equal((await client.listUploads({ prefix: key })).uploads.length, 0);
    assert.equal((await rejection(client.head(key))).code, 'NoSuchKey');
  });

  it('drop-response on Complete, retryMax 0: ali-oss reports a network error, yet the object is stored byte-exact', async () => {
    const { key, body, file, parts } = source('drop-complete');
    const planId = await fake.installFaults({
      rules: [{ match: { op: 'CompleteMultipartUpload', key }, action: { type: 'drop-response' }, times: 1 }],
    });
    const client = pathStyleClient(fake);
    const failure = await rejection(client.multipartUpload(key, file, { partSize: MIN_PART_SIZE_BYTES, parallel: 2 }));
    assert.equal(failure.status, -1, `${failure.name}: ${failure.message}`);
    await assertFiredOnce(planId);
    await assertStoredExactly(client, key, body, parts);
  });

  it('drop-response on Complete, retryMax 1: ali-oss re-sends Complete and reports NoSuchUpload, yet the object is stored byte-exact', async () => {
    const { key, body, file, parts } = source('drop-complete-retry');
    const planId = await fake.installFaults({
      rules: [{ match: { op: 'CompleteMultipartUpload', key }, action: { type: 'drop-response' }, times: 1 }],
    });
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder, retryMax: 1 });
    const failure = await rejection(client.multipartUpload(key, file, { partSize: MIN_PART_SIZE_BYTES, parallel: 2 }));
    assert.equal(failure.status, 404);
    assert.equal(failure.code, 'NoSuchUpload');
    assert.equal(requests.filter(r => r.method === 'POST' && r.query.has('uploadId')).length, 2);
    await assertFiredOnce(planId);
    await assertStoredExactly(client, key, body, parts);
  });

  it('corrupt-etag on UploadPart 2: ali-oss does not notice until Complete fails with InvalidPart; no object is written', async () => {
    const { key, file } = source('corrupt');
    const planId = await fake.installFaults({
      rules: [{ match: { op: 'UploadPart', key, partNumber: 2 }, action: { type: 'corrupt-etag' }, times: 1 }],
    });
    const client = pathStyleClient(fake);
    const failure = await rejection(client.multipartUpload(key, file, { partSize: MIN_PART_SIZE_BYTES, parallel: 2 }));
    assert.equal(failure.status, 400);
    assert.equal(failure.code, 'InvalidPart');
    await assertFiredOnce(planId);
    assert.equal((await rejection(client.head(key))).code, 'NoSuchKey');
  });
});
