// ali-oss multipart API against fake-oss with signatures checked: the low-level calls
// (initMultipartUpload, uploadPart, listParts, listUploads, completeMultipartUpload,
// abortMultipartUpload) and the managed multipartUpload with progress, checkpoint and resume.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BUCKET, REGION, startFakeOss } from './support/fake-oss.mjs';
import {
  closeKeepAliveConnections,
  MIN_PART_SIZE_BYTES,
  asArray,
  expectedEtag,
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

const isInitiate = r => r.method === 'POST' && r.query.has('uploads');
const isUploadPart = r => r.method === 'PUT' && r.query.has('partNumber');
const isComplete = r => r.method === 'POST' && r.query.has('uploadId');

describe('ali-oss multipart API, path style', () => {
  let fake;
  let scratch;
  before(async () => {
    fake = await startFakeOss();
    scratch = tempDir();
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
    scratch?.cleanup();
  });

  for (const signing of ['V1', 'V4', 'STS+V4']) {
    it(`init, uploadPart x3, listParts, listUploads, complete (${signing})`, async () => {
      const options = { authorizationV4: signing !== 'V1', region: REGION };
      if (signing.startsWith('STS')) {
        const sts = await fake.issueStsToken(900);
        Object.assign(options, {
          accessKeyId: sts.AccessKeyId,
          accessKeySecret: sts.AccessKeySecret,
          stsToken: sts.SecurityToken,
        });
      }
      const client = pathStyleClient(fake, options);
      const key = `mp/low-level-${signing.replace('+', '-')}-${randomSuffix()}.bin`;
      const body = testBytes(2 * MIN_PART_SIZE_BYTES + 777, key);
      const parts = splitParts(body, MIN_PART_SIZE_BYTES);
      const file = writeTempFile(scratch.dir, `${randomSuffix()}.bin`, body);

      const init = await client.initMultipartUpload(key, { meta: { purpose: 'interop' } });
      assert.equal(init.res.status, 200);
      assert.equal(init.bucket, BUCKET);
      assert.equal(init.name, key);
      assert.ok(init.uploadId, 'InitiateMultipartUploadResult carries an UploadId');

      // Upload out of order, as ali-oss's parallel uploader does.
      const uploaded = [];
      for (const number of [2, 1, 3]) {
        const start = (number - 1) * MIN_PART_SIZE_BYTES;
        const end = start + parts[number - 1].length;
        const part = await client.uploadPart(key, init.uploadId, number, file, start, end);
        assert.equal(part.res.status, 200);
        assert.equal(part.etag, expectedEtag(parts[number - 1]));
        uploaded.push({ number, etag: part.etag });
      }

      // max-parts is an ordinary query parameter: signed in V4, not in V1.
      const listed = await client.listParts(key, init.uploadId, { 'max-parts': 1000 });
      assert.equal(listed.res.status, 200);
      assert.equal(listed.uploadId, init.uploadId);
      assert.equal(listed.isTruncated, 'false');
      const listedParts = asArray(listed.parts);
      assert.deepEqual(listedParts.map(p => Number(p.PartNumber)), [1, 2, 3]);
      assert.deepEqual(listedParts.map(p => Number(p.Size)), parts.map(p => p.length));
      assert.deepEqual(listedParts.map(p => p.ETag), parts.map(expectedEtag));

      const paged = await client.listParts(key, init.uploadId, { 'max-parts': 2, 'part-number-marker': 1 });
      assert.deepEqual(asArray(paged.parts).map(p => Number(p.PartNumber)), [2, 3]);

      const uploads = await client.listUploads({ prefix: 'mp/low-level-' });
      assert.equal(uploads.res.status, 200);
      assert.ok(
        uploads.uploads.some(u => u.uploadId === init.uploadId && u.name === key),
        `listUploads lists ${init.uploadId}: ${JSON.stringify(uploads.uploads)}`
      );

      const completed = await client.completeMultipartUpload(key, init.uploadId, uploaded);
      assert.equal(completed.res.status, 200);
      assert.equal(completed.etag, expectedMultipartEtag(parts));

      const got = await client.get(key);
      assert.equal(md5Hex(got.content), md5Hex(body));
      const head = await client.head(key);
      assert.equal(head.meta.purpose, 'interop');
      assert.equal(head.res.headers['x-oss-object-type'], 'Multipart');

      const afterComplete = await rejection(client.listParts(key, init.uploadId));
      assert.equal(afterComplete.status, 404);
      assert.equal(afterComplete.code, 'NoSuchUpload');
      const stillListed = await client.listUploads({ prefix: key });
      assert.equal(stillListed.uploads.length, 0);
    });
  }

  it('a single uploaded part lists as one part (ali-oss returns it as an object)', async () => {
    const client = pathStyleClient(fake);
    const key = `mp/one-part-${randomSuffix()}.bin`;
    const init = await client.initMultipartUpload(key);
    const body = testBytes(1000, key);
    await client.uploadPart(key, init.uploadId, 1, body, 0, body.length);
    const listed = await client.listParts(key, init.uploadId);
    assert.equal(Number(asArray(listed.parts)[0].PartNumber), 1);
    await client.abortMultipartUpload(key, init.uploadId);
  });

  it('abortMultipartUpload answers 204, then the upload is NoSuchUpload everywhere', async () => {
    const client = pathStyleClient(fake);
    const key = `mp/abort-${randomSuffix()}.bin`;
    const init = await client.initMultipartUpload(key);
    const body = testBytes(MIN_PART_SIZE_BYTES, key);
    const part = await client.uploadPart(key, init.uploadId, 1, body, 0, body.length);

    const aborted = await client.abortMultipartUpload(key, init.uploadId);
    assert.equal(aborted.res.status, 204);

    const checks = {
      listParts: () => client.listParts(key, init.uploadId),
      uploadPart: () => client.uploadPart(key, init.uploadId, 2, body, 0, body.length),
      completeMultipartUpload: () => client.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: part.etag }]),
      abortMultipartUpload: () => client.abortMultipartUpload(key, init.uploadId),
    };
    for (const [call, run] of Object.entries(checks)) {
      const err = await rejection(run());
      assert.equal(err.status, 404, call);
      assert.equal(err.code, 'NoSuchUpload', call);
      assert.equal(err.name, 'NoSuchUploadError', call);
    }
    const uploads = await client.listUploads({ prefix: key });
    assert.equal(uploads.uploads.length, 0);
    const object = await rejection(client.head(key));
    assert.equal(object.code, 'NoSuchKey');
  });

  it('an upload id that never existed is NoSuchUpload', async () => {
    const client = pathStyleClient(fake);
    const key = `mp/never-${randomSuffix()}.bin`;
    const err = await rejection(client.uploadPart(key, '0123456789ABCDEF0123456789ABCDEF', 1, Buffer.from('x'), 0, 1));
    assert.equal(err.status, 404);
    assert.equal(err.code, 'NoSuchUpload');
  });

  it('multipartUpload with partSize, parallel, progress; cancel mid-upload; resume from the saved checkpoint', async () => {
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder });
    const key = `mp/managed-${randomSuffix()}.bin`;
    const partSize = MIN_PART_SIZE_BYTES;
    const body = testBytes(10 * partSize + 26_000, key); // 11 parts, the last one short
    const parts = splitParts(body, partSize);
    const file = writeTempFile(scratch.dir, `${randomSuffix()}.bin`, body);
    const checkpointFile = path.join(scratch.dir, `${randomSuffix()}.checkpoint.json`);

    // Run 1: save the checkpoint on every progress call, as an application would, and cancel
    // after three parts are done.
    const firstProgress = [];
    const cancelled = await rejection(
      client.multipartUpload(key, file, {
        partSize,
        parallel: 2,
        progress: async (fraction, checkpoint) => {
          firstProgress.push(fraction);
          if (!checkpoint) return;
          writeFileSync(checkpointFile, JSON.stringify(checkpoint));
          if (checkpoint.doneParts.length >= 3) client.cancel();
        },
      })
    );
    assert.equal(cancelled.name, 'cancel');
    assert.equal(firstProgress[0], 0, 'progress(0, checkpoint) right after initMultipartUpload');
    assert.ok(firstProgress.every((p, i) => i === 0 || p > firstProgress[i - 1]), `increasing: ${firstProgress}`);
    const saved = JSON.parse(readFileSync(checkpointFile, 'utf8'));
    assert.equal(saved.fileSize, body.length);
    assert.equal(saved.partSize, partSize);
    assert.ok(saved.doneParts.length >= 3 && saved.doneParts.length < parts.length, `${saved.doneParts.length} parts done`);
    for (const done of saved.doneParts) assert.equal(done.etag, expectedEtag(parts[done.number - 1]));

    // The fake holds the upload and at least the parts in the checkpoint; a part cut short by
    // cancel() must not be among them.
    const server = asArray((await client.listParts(key, saved.uploadId)).parts);
    for (const listedPart of server) {
      assert.equal(Number(listedPart.Size), parts[Number(listedPart.PartNumber) - 1].length);
    }
    for (const done of saved.doneParts) {
      assert.ok(server.some(p => Number(p.PartNumber) === done.number), `part ${done.number} is on the server`);
    }

    // Run 2: resume from the checkpoint read back from disk. No new upload is initiated and
    // only the missing parts are sent.
    // multipartUpload mutates the checkpoint it resumes from: compute what is missing first.
    const doneNumbers = new Set(saved.doneParts.map(p => p.number));
    const missingNumbers = parts.map((_, i) => i + 1).filter(n => !doneNumbers.has(n));
    const sentBeforeResume = requests.length;
    const secondProgress = [];
    const resumed = await client.multipartUpload(key, file, {
      checkpoint: saved,
      partSize,
      parallel: 2,
      progress: async fraction => {
        secondProgress.push(fraction);
      },
    });
    const resumeRequests = requests.slice(sentBeforeResume);
    assert.equal(resumeRequests.filter(isInitiate).length, 0);
    const resentNumbers = resumeRequests.filter(isUploadPart).map(r => Number(r.query.get('partNumber')));
    assert.deepEqual(
      [...resentNumbers].sort((a, b) => a - b),
      missingNumbers
    );
    assert.equal(resumeRequests.filter(isComplete).length, 1);
    assert.equal(secondProgress.at(-1), 1);

    assert.equal(resumed.res.status, 200);
    assert.equal(resumed.etag, expectedMultipartEtag(parts));
    const got = await client.get(key);
    assert.equal(got.content.length, body.length);
    assert.equal(md5Hex(got.content), md5Hex(body));
  });

  it('multipartUpload of a file below 100 KiB becomes a single put', async () => {
    const { recorder, requests } = requestRecorder();
    const client = pathStyleClient(fake, { urllib: recorder });
    const key = `mp/small-${randomSuffix()}.bin`;
    const body = testBytes(50_000, key);
    const file = writeTempFile(scratch.dir, `${randomSuffix()}.bin`, body);
    const result = await client.multipartUpload(key, file, { partSize: MIN_PART_SIZE_BYTES });
    assert.equal(result.etag, expectedEtag(body));
    assert.deepEqual(requests.map(r => r.method), ['PUT']);
    assert.equal(md5Hex((await client.get(key)).content), md5Hex(body));
  });

  it('resuming a checkpoint whose upload was aborted ends with {name: "abort"}', async () => {
    const client = pathStyleClient(fake);
    const key = `mp/resume-aborted-${randomSuffix()}.bin`;
    const body = testBytes(3 * MIN_PART_SIZE_BYTES, key);
    const file = writeTempFile(scratch.dir, `${randomSuffix()}.bin`, body);
    let saved;
    await rejection(
      client.multipartUpload(key, file, {
        partSize: MIN_PART_SIZE_BYTES,
        parallel: 1,
        progress: async (_fraction, checkpoint) => {
          saved = JSON.parse(JSON.stringify(checkpoint));
          if (checkpoint.doneParts.length >= 1) client.cancel();
        },
      })
    );
    assert.ok(saved?.uploadId);
    await pathStyleClient(fake).abortMultipartUpload(key, saved.uploadId);

    const ended = await rejection(client.multipartUpload(key, file, { checkpoint: saved, parallel: 2 }));
    assert.equal(ended.name, 'abort');
    assert.equal(ended.status, 0);
  });
});
