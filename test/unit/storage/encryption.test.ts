// Encryption at rest in the SQLite store: values of configured resources are sealed on disk (current rows and
// history), read back transparently, and rewritten at open when the first provider did not write them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../src/storage/sqlite.js';
import { loadEncryptionConfiguration, storagePrefixOf } from '../../../src/storage/encryption/transformer.js';
import { KEY_ROOT, keyFor, prefixFor } from '../../../src/storage/key-layout.js';

const key32 = (b: number) => Buffer.alloc(32, b).toString('base64');
const config = (dir: string, name: string, providers: string) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n${providers}`);
  return loadEncryptionConfiguration(path);
};
const aescbc = (name: string, b: number) => `      - aescbc:\n          keys:\n            - name: ${name}\n              secret: ${key32(b)}\n`;
const bytes = (dir: string) => Buffer.concat(['state.db', 'state.db-wal'].map((f) => { try { return readFileSync(join(dir, f)); } catch { return Buffer.alloc(0); } })).toString('latin1');
const secret = (v: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { v: Buffer.from(v).toString('base64') } });

test('storage keys of configured resources', () => {
  assert.equal(storagePrefixOf('secrets'), prefixFor('', 'secrets'));
  assert.equal(storagePrefixOf('secrets'), '/registry/secrets/');
  assert.equal(storagePrefixOf('deployments.apps'), '/registry/deployments/');
  assert.equal(storagePrefixOf('widgets.example.com'), '/registry/example.com/widgets/');
});

test('plaintext from before encryption and values of a rotated key are rewritten at open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-enc-'));
  const path = join(dir, 'state.db');
  const key = keyFor('', 'secrets', 'ns', 's');
  let store = openSqliteStore({ path });
  await store.create(key, secret('first-canary'));
  await store.update(key, secret('second-canary'));
  await store.create(keyFor('', 'configmaps', 'ns', 'c'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { x: 'visible-canary' } });
  await store.close();
  assert.match(bytes(dir), /second-canary|c2Vjb25kLWNhbmFyeQ/);

  store = openSqliteStore({ path, transformer: config(dir, 'one', `${aescbc('key1', 1)}      - identity: {}\n`) });
  assert.equal(Buffer.from(((await store.get(key))!.value.data as { v: string }).v, 'base64').toString(), 'second-canary');
  await store.update(key, secret('third-canary'));
  assert.equal((await store.list(prefixFor('', 'secrets'))).items.length, 1);
  assert.equal((await store.joinedValues!(`${KEY_ROOT}/`)).count, 2);
  await store.close();
  const after = bytes(dir);
  assert.doesNotMatch(after, /first-canary|second-canary|third-canary|Zmlyc3QtY2FuYXJ5|c2Vjb25kLWNhbmFyeQ|dGhpcmQtY2FuYXJ5/);
  assert.match(after, /k8s:enc:aescbc:v1:key1:/);
  assert.match(after, /visible-canary/, 'only the configured resources are encrypted');

  // rotation: key2 first, key1 still readable; reopening rewrites everything with key2
  store = openSqliteStore({ path, transformer: config(dir, 'two', `${aescbc('key2', 2)}${aescbc('key1', 1)}`) });
  assert.equal(Buffer.from(((await store.get(key))!.value.data as { v: string }).v, 'base64').toString(), 'third-canary');
  await store.close();
  assert.doesNotMatch(bytes(dir), /k8s:enc:aescbc:v1:key1:/);
  // without the key the data cannot be read
  assert.throws(() => openSqliteStore({ path, transformer: config(dir, 'three', aescbc('key3', 3)) }), /no matching prefix found \(k8s:enc:aescbc:v1:key2\)/);
});

test('aesgcm binds the value to its key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-enc-'));
  const t = config(dir, 'gcm', `      - aesgcm:\n          keys:\n            - name: g\n              secret: ${key32(7)}\n`);
  const sealed = t.toStorage(keyFor('', 'secrets', 'a', 'b'), Buffer.from('{"x":1}'));
  assert.equal(sealed.subarray(0, 20).toString(), 'k8s:enc:aesgcm:v1:g:');
  assert.equal(t.fromStorage(keyFor('', 'secrets', 'a', 'b'), sealed).toString(), '{"x":1}');
  assert.throws(() => t.fromStorage(keyFor('', 'secrets', 'a', 'c'), sealed));
  // other resources pass through as they are
  const cm = Buffer.from('{"y":2}');
  assert.equal(t.toStorage(keyFor('', 'configmaps', 'a', 'b'), cm), cm);
});

test('secretbox seals as Go\'s nacl/secretbox under upstream\'s prefix, and refuses a tampered value or another key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-enc-'));
  const box = (name: string, b: number) => `      - secretbox:\n          keys:\n            - name: ${name}\n              secret: ${key32(b)}\n`;
  const t = config(dir, 'box', box('s1', 1));
  const key = keyFor('', 'secrets', 'a', 'b');
  const plain = Buffer.alloc(64, 3);
  const sealed = t.toStorage(key, plain);
  const prefix = 'k8s:enc:secretbox:v1:s1:';
  assert.equal(sealed.subarray(0, prefix.length).toString(), prefix);
  assert.equal(sealed.length, prefix.length + 24 + 16 + plain.length, 'nonce, Poly1305 tag, ciphertext');
  assert.deepEqual(t.fromStorage(key, sealed), plain);
  // golang.org/x/crypto/nacl/secretbox's TestSealOpen: key of 1s, nonce of 2s, 64 bytes of 3s
  const golden = Buffer.concat([Buffer.from(prefix), Buffer.alloc(24, 2), Buffer.from(
    '8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45beadab55198df6ab5368439792a23c87db70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad', 'hex')]);
  assert.deepEqual(t.fromStorage(key, golden), plain);
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => t.fromStorage(key, tampered));
  // a key of the same name but other bytes cannot open it; a configuration with the old key second still reads it
  assert.throws(() => config(dir, 'other', box('s1', 9)).fromStorage(key, sealed));
  assert.deepEqual(config(dir, 'rotated', box('s2', 9) + box('s1', 1)).fromStorage(key, sealed), plain);
  assert.throws(() => config(dir, 'short', `      - secretbox:\n          keys:\n            - name: k\n              secret: ${Buffer.alloc(16).toString('base64')}\n`), /secretbox key "k": the secret must be 32 bytes/);
});
