// ali-oss object APIs beyond put/get, against fake-oss with signatures checked: append (with
// the running CRC64 OSS states), putSymlink / getSymlink and reading through a link,
// putACL / getACL, putObjectTagging / getObjectTagging / deleteObjectTagging, and storage
// classes (x-oss-storage-class, putBucket's StorageClass, list() and getBucketInfo()).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeOss } from './support/fake-oss.mjs';
import { closeKeepAliveConnections, expectedEtag, pathStyleClient, randomSuffix, rejection, testBytes } from './support/sdk.mjs';

// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): the CRC OSS sends in
// x-oss-hash-crc64ecma (docs/protocol.md, "CRC-64"). ali-oss has none of its own.
const CRC64_TABLE = (() => {
  const table = [];
  for (let n = 0n; n < 256n; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0xc96c5795d7870f42n : crc >> 1n;
    table.push(crc);
  }
  return table;
})();

function crc64(buffer) {
  let crc = 0xffffffffffffffffn;
  for (const byte of buffer) crc = CRC64_TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ^ (crc >> 8n);
  return (crc ^ 0xffffffffffffffffn).toString();
}

describe('ali-oss object APIs, path style', () => {
  let fake;
  before(async () => {
    fake = await startFakeOss();
  });
  after(async () => {
    closeKeepAliveConnections();
    await fake?.stop();
  });

  for (const authorizationV4 of [false, true]) {
    it(`append creates an Appendable object and grows it (V${authorizationV4 ? 4 : 1})`, async () => {
      const client = pathStyleClient(fake, { authorizationV4 });
      const key = `append/log ${randomSuffix()}.txt`;
      const first = testBytes(1_000, `${key}-1`);
      const second = testBytes(2_345, `${key}-2`);
      const created = await client.append(key, first, { headers: { 'x-oss-storage-class': 'IA' }, meta: { who: 'first' } });
      assert.equal(created.res.status, 200);
      assert.equal(created.nextAppendPosition, '1000');
      assert.equal(created.res.headers['x-oss-hash-crc64ecma'], crc64(first));

      const grown = await client.append(key, second, { position: created.nextAppendPosition, meta: { who: 'second' } });
      assert.equal(grown.nextAppendPosition, '3345');
      const whole = Buffer.concat([first, second]);
      assert.equal(grown.res.headers['x-oss-hash-crc64ecma'], crc64(whole), 'the CRC64 covers the whole object');
      assert.match(grown.res.headers.etag, /^"[0-9A-F]{24}00000000"$/);

      const got = await client.get(key);
      assert.deepEqual(got.content, whole);
      const head = await client.head(key);
      assert.equal(head.res.headers['x-oss-object-type'], 'Appendable');
      assert.equal(head.res.headers['x-oss-next-append-position'], '3345');
      assert.equal(head.res.headers['x-oss-storage-class'], 'IA');
      assert.equal(head.meta.who, 'first', 'metadata comes from the first append only');

      const stale = await rejection(client.append(key, Buffer.from('x'), { position: 1000 }));
      assert.equal(stale.status, 409);
      assert.equal(stale.code, 'PositionNotEqualToLength');
      assert.equal(stale.ecCode, '0026-00000016');
      // ali-oss keeps no headers of an error; HEAD states the position to use.
      assert.equal((await client.head(key)).res.headers['x-oss-next-append-position'], '3345');

      const normalKey = `append/normal-${randomSuffix()}`;
      await client.put(normalKey, Buffer.from('abc'));
      const notAppendable = await rejection(client.append(normalKey, Buffer.from('x'), { position: 3 }));
      assert.equal(notAppendable.status, 409);
      assert.equal(notAppendable.code, 'ObjectNotAppendable');

      const listed = await client.list({ prefix: key });
      assert.equal(listed.objects.length, 1);
      assert.equal(listed.objects[0].type, 'Appendable');
      assert.equal(listed.objects[0].storageClass, 'IA');
      await client.deleteMulti([key, normalKey]);
    });
  }

  it('putSymlink / getSymlink, and get and head read through the link', async () => {
    const client = pathStyleClient(fake);
    const target = `symlink/target ü+${randomSuffix()}.bin`;
    const link = `symlink/link-${randomSuffix()}`;
    const body = testBytes(4_321, target);
    await client.put(target, body);
    const put = await client.putSymlink(link, target, { meta: { role: 'link' } });
    assert.equal(put.res.status, 200);
    const read = await client.getSymlink(link);
    assert.equal(read.targetName, target);

    const got = await client.get(link);
    assert.deepEqual(got.content, body);
    assert.equal(got.res.headers['x-oss-object-type'], 'Symlink');
    assert.equal(got.res.headers.etag, expectedEtag(body), "the target's ETag");
    const head = await client.head(link);
    assert.equal(head.res.headers['content-length'], String(body.length));
    assert.equal(head.meta.role, 'link', "the link's own metadata");

    const listed = await client.list({ prefix: link });
    assert.equal(listed.objects[0].type, 'Symlink');

    // Deleting the link leaves the target; a link to nothing is SymlinkTargetNotExist.
    await client.delete(link);
    assert.deepEqual((await client.get(target)).content, body);
    const missingLink = await rejection(client.getSymlink(link));
    assert.equal(missingLink.status, 404);
    assert.equal(missingLink.code, 'NoSuchKey');
    await client.putSymlink(link, `symlink/nothing-${randomSuffix()}`);
    const dangling = await rejection(client.get(link));
    assert.equal(dangling.status, 404);
    assert.equal(dangling.code, 'SymlinkTargetNotExist');
    const notLink = await rejection(client.getSymlink(target));
    assert.equal(notLink.status, 400);
    assert.equal(notLink.code, 'NotSymlink');
    await client.deleteMulti([target, link]);
  });

  it('putACL / getACL', async () => {
    const client = pathStyleClient(fake);
    const key = `acl/${randomSuffix()}`;
    await client.put(key, Buffer.from('acl'));
    assert.equal((await client.getACL(key)).acl, 'default');
    await client.putACL(key, 'public-read');
    const got = await client.getACL(key);
    assert.equal(got.acl, 'public-read');
    assert.ok(got.owner.id, 'the owner is stated');
    const invalid = await rejection(client.putACL(key, 'public'));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, 'InvalidArgument');
    const missing = await rejection(client.getACL(`acl/missing-${randomSuffix()}`));
    assert.equal(missing.code, 'NoSuchKey');
    await client.delete(key);
  });

  it('putObjectTagging / getObjectTagging / deleteObjectTagging', async () => {
    const client = pathStyleClient(fake);
    const key = `tagging/${randomSuffix()}`;
    await client.put(key, Buffer.from('tags'), { headers: { 'x-oss-tagging': 'from=put' } });
    assert.deepEqual((await client.getObjectTagging(key)).tag, { from: 'put' });
    await client.putObjectTagging(key, { team: 'a b', age: '18' });
    assert.deepEqual((await client.getObjectTagging(key)).tag, { team: 'a b', age: '18' });
    assert.equal((await client.head(key)).res.headers['x-oss-tagging-count'], '2');
    const deleted = await client.deleteObjectTagging(key);
    assert.equal(deleted.status, 204);
    assert.deepEqual((await client.getObjectTagging(key)).tag, {});
    await client.delete(key);
  });

  it('storage classes: x-oss-storage-class, the bucket default, list() and getBucketInfo()', async () => {
    const client = pathStyleClient(fake);
    const bucket = `ia-${randomSuffix()}`;
    await client.putBucket(bucket, { StorageClass: 'IA' });
    assert.equal((await client.getBucketInfo(bucket)).bucket.StorageClass, 'IA');
    const inBucket = pathStyleClient(fake, { bucket });
    await inBucket.put('default', Buffer.from('x'));
    await inBucket.put('archive', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Archive' } });
    assert.equal((await inBucket.head('default')).res.headers['x-oss-storage-class'], 'IA');
    assert.equal((await inBucket.head('archive')).res.headers['x-oss-storage-class'], 'Archive');
    const listed = await inBucket.list();
    assert.deepEqual(
      listed.objects.map(o => [o.name, o.storageClass]),
      [
        ['archive', 'Archive'],
        ['default', 'IA'],
      ]
    );
    const frozen = await rejection(inBucket.get('archive'));
    assert.equal(frozen.status, 403);
    assert.equal(frozen.code, 'InvalidObjectState');
    const invalid = await rejection(inBucket.put('bad', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Glacier' } }));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, 'InvalidArgument');
    await inBucket.deleteMulti(['default', 'archive']);
    await client.deleteBucket(bucket);
  });
});
