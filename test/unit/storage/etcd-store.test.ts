// What is etcd's own in the etcd store: the keys and values etcdctl shows, watches that outlive a broken stream
// and a lost leader, compaction (by hand and by upstream's compactor, shared between servers), an unreachable
// cluster, and the value transformer (encryption at rest plugs in there). Against real etcd on loopback ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectEtcd } from '../../../src/storage/etcd/client.js';
import { startCompactor } from '../../../src/storage/etcd/compactor.js';
import { openEtcdStore, type EtcdStore } from '../../../src/storage/etcd/etcd-store.js';
import { keyFor } from '../../../src/storage/helpers.js';
import { StorageError, type StoreEvent } from '../../../src/storage/interface.js';
import type { ValueTransformer } from '../../../src/storage/value-transformer.js';
import { ensureDefaultEncryptionConfiguration } from '../../../src/storage/encryption/transformer.js';
import { etcdLeader, etcdUnavailable, makeEtcdTls, startEtcd, type EtcdCluster } from '../../support/etcd.js';
import { eventually, pod } from './conformance/suite.js';

const run = promisify(execFile);
const skip = etcdUnavailable();

async function withEtcd(t: { after(fn: () => Promise<void> | void): void }, size = 1): Promise<EtcdCluster> {
  const etcd = await startEtcd({ size });
  t.after(() => etcd.stop());
  return etcd;
}

async function storeOn(t: { after(fn: () => Promise<void> | void): void }, servers: string[], opts: { prefix?: string; transformer?: ValueTransformer; requestTimeoutMs?: number } = {}): Promise<EtcdStore> {
  const client = connectEtcd({ servers, requestTimeoutMs: opts.requestTimeoutMs });
  const store = await openEtcdStore({ client, prefix: opts.prefix, transformer: opts.transformer });
  t.after(async () => {
    await store.close();
    client.close();
  });
  return store;
}

const etcdctl = (endpoint: string, ...args: string[]) => run('etcdctl', ['--endpoints', endpoint, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });

test('objects live under --etcd-prefix in upstream\'s layout, their values without resourceVersion, as etcdctl shows them', { skip }, async (t) => {
  const etcd = await withEtcd(t);
  const store = await storeOn(t, [etcd.servers], { prefix: '/custom' });
  await store.create(keyFor('', 'pods', 'default', 'web-0'), pod('web-0'));
  await store.create(keyFor('', 'services', 'default', 'web'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' } });
  const created = await store.create(keyFor('apps', 'deployments', 'default', 'web'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } });
  const keys = (await etcdctl(etcd.servers, 'get', '--prefix', '/custom/', '--keys-only')).stdout.split('\n').filter(Boolean);
  assert.deepEqual(keys, ['/custom/deployments/default/web', '/custom/pods/default/web-0', '/custom/services/specs/default/web']);
  const value = JSON.parse((await etcdctl(etcd.servers, 'get', '/custom/pods/default/web-0', '--print-value-only')).stdout);
  assert.deepEqual(value.metadata, { name: 'web-0', namespace: 'default' }, 'the resourceVersion is the mod revision, not stored');
  const rev = JSON.parse((await etcdctl(etcd.servers, 'get', '/custom/deployments/default/web', '-w', 'json')).stdout).kvs[0].mod_revision;
  assert.equal(String(rev), created.value.metadata.resourceVersion);
  // Nothing outside the prefix.
  assert.deepEqual((await etcdctl(etcd.servers, 'get', '--prefix', '/', '--keys-only')).stdout.split('\n').filter(Boolean).sort(), [...keys].sort());
});

test('TLS to etcd with a client certificate (--etcd-cafile, --etcd-certfile, --etcd-keyfile); without one etcd refuses', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-etcd-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tls = makeEtcdTls(dir);
  const etcd = await startEtcd({ tls });
  t.after(() => etcd.stop());
  assert.match(etcd.servers, /^https:/);
  const client = connectEtcd({ servers: [etcd.servers], caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile });
  const store = await openEtcdStore({ client });
  t.after(async () => {
    await store.close();
    client.close();
  });
  const created = await store.create(keyFor('', 'pods', 'default', 'a'), pod('a'));
  assert.equal((await store.get(created.key))?.modRevision, created.modRevision);
  const anonymous = connectEtcd({ servers: [etcd.servers], caFile: tls.caFile, requestTimeoutMs: 2000 });
  t.after(() => anonymous.close());
  await assert.rejects(openEtcdStore({ client: anonymous }), (e: unknown) => e instanceof StorageError && e.code === 'Unavailable');
});

test('a watch outlives the loss of the etcd leader and of its own member in a 3-member cluster: every acknowledged write once, in order', { skip, timeout: 120_000 }, async (t) => {
  const etcd = await withEtcd(t, 3);
  const servers = etcd.members.map((m) => m.clientUrl);
  const store = await storeOn(t, servers, { requestTimeoutMs: 3000 });
  const events: StoreEvent[] = [];
  const w = store.watch('/registry/pods/', store.currentRevision(), (ev) => events.push(ev));
  t.after(() => w.stop());
  const acked = new Map<string, number>();
  let failures = 0;
  const write = async (i: number) => {
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        const done = await store.create(keyFor('', 'pods', 'default', `p${i}`), pod(`p${i}`));
        acked.set(done.key, done.modRevision);
        return;
      } catch (e) {
        // Unavailable while a new leader is elected; a retried create that had in fact committed finds its key.
        if (e instanceof StorageError && e.code === 'KeyExists') return;
        failures++;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    assert.fail(`write ${i} never succeeded`);
  };
  for (let i = 0; i < 10; i++) await write(i);
  // The leader first, then every other member in turn: whichever member the watch stream is on dies at some point.
  const leader = await etcdLeader(etcd);
  const order = [leader, ...etcd.members.filter((m) => m !== leader)];
  let n = 10;
  for (const member of order) {
    await member.kill();
    for (const end = n + 10; n < end; n++) await write(n);
    await member.restart();
  }
  await eventually(() => events.length >= n, `${n} events`);
  const seen = events.map((e) => e.key);
  assert.equal(new Set(seen).size, seen.length, 'no event twice');
  for (const [key, rev] of acked) assert.ok(events.some((e) => e.key === key && e.revision === rev), `event for ${key}@${rev}`);
  const revs = events.map((e) => e.revision);
  assert.deepEqual(revs, [...revs].sort((a, b) => a - b), 'in revision order');
  for (const key of acked.keys()) assert.ok(await store.get(key), `${key} survived`);
  t.diagnostic(`writes retried while the leader was lost: ${failures}`);
});

test('a watch from a revision another server compacted ends with Expired; lists at it are Expired too', { skip }, async (t) => {
  const etcd = await withEtcd(t);
  const a = await storeOn(t, [etcd.servers]);
  const b = await storeOn(t, [etcd.servers]);
  const first = await a.create(keyFor('', 'pods', 'default', 'x0'), pod('x0'));
  for (let i = 1; i < 5; i++) await a.create(keyFor('', 'pods', 'default', `x${i}`), pod(`x${i}`));
  await b.compact((await b.fetchCurrentRevision()) - 1);
  assert.equal(a.compactedRevision(), 0, 'a has not heard of it');
  const errors: StorageError[] = [];
  a.watch('/registry/pods/', first.modRevision, () => {}, { onError: (e) => errors.push(e) });
  await eventually(() => errors.length === 1, 'the Expired error');
  assert.equal(errors[0]!.code, 'Expired');
  assert.match(errors[0]!.message, /^too old resource version: \d+ \(\d+\)$/);
  assert.ok(a.compactedRevision() > first.modRevision, 'a learnt the compacted revision');
  await assert.rejects(b.list('/registry/pods/', { revision: first.modRevision }), (e: unknown) => e instanceof StorageError && e.code === 'Expired');
});

test('upstream\'s compactor: servers take turns through compact_rev_key, one compaction per interval keeps one interval of history', { skip }, async (t) => {
  const etcd = await withEtcd(t);
  const a = await storeOn(t, [etcd.servers]);
  const b = await storeOn(t, [etcd.servers]);
  const logs: string[] = [];
  const ca = startCompactor(a, 3_600_000, (l) => logs.push(l));
  const cb = startCompactor(b, 3_600_000, (l) => logs.push(l));
  t.after(() => {
    ca.stop();
    cb.stop();
  });
  const before = await a.create(keyFor('', 'pods', 'default', 'old'), pod('old'));
  await ca.tick(); // a's first round: takes the time, compacts nothing, remembers the revision
  await cb.tick(); // b lost the race: follows the time
  const seen = before.modRevision + 1; // the revision a saw at its first round (its own put of the key)
  await a.create(keyFor('', 'pods', 'default', 'new'), pod('new'));
  assert.equal(a.compactedRevision(), 0);
  await ca.tick(); // a wins again and compacts at what it saw one interval ago
  assert.equal(a.compactedRevision(), seen);
  await assert.rejects(a.list('/registry/pods/', { revision: before.modRevision }), (e: unknown) => e instanceof StorageError && e.code === 'Expired');
  assert.equal((await a.list('/registry/pods/', { revision: seen })).items.length, 1, 'the kept interval is still readable');
  await cb.tick(); // b's CAS fails: it learns how far a compacted
  assert.equal(b.compactedRevision(), seen);
  assert.deepEqual(logs, []);
  // The coordination key is Berth's, under its prefix, and no object.
  assert.deepEqual((await a.list('')).items.map((i) => i.key), ['/registry/pods/default/new', '/registry/pods/default/old']);
  assert.equal((await etcdctl(etcd.servers, 'get', '/registry/compact_rev_key', '--print-value-only')).stdout.trim(), String(seen));
});

test('an unreachable etcd is Unavailable, and the store recovers without a restart when etcd is back', { skip, timeout: 60_000 }, async (t) => {
  const etcd = await withEtcd(t);
  const store = await storeOn(t, [etcd.servers], { requestTimeoutMs: 1000 });
  await store.create(keyFor('', 'pods', 'default', 'a'), pod('a'));
  const events: string[] = [];
  store.watch('/registry/pods/', store.currentRevision(), (ev) => events.push(ev.key));
  await etcd.members[0]!.kill();
  await assert.rejects(store.get(keyFor('', 'pods', 'default', 'a')), (e: unknown) => e instanceof StorageError && e.code === 'Unavailable');
  await etcd.members[0]!.restart();
  let got;
  for (let i = 0; i < 50 && !got; i++) {
    got = await store.get(keyFor('', 'pods', 'default', 'a')).catch(() => undefined);
    if (!got) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(got, 'reads work again');
  await store.create(keyFor('', 'pods', 'default', 'b'), pod('b'));
  await eventually(() => events.includes('/registry/pods/default/b'), 'the watch to resume');
});

test('values pass through the transformer both ways (where encryption at rest plugs in)', { skip }, async (t) => {
  const etcd = await withEtcd(t);
  const reversing: ValueTransformer = {
    toStorage: (key, plain) => (key.startsWith('/registry/secrets/') ? Buffer.concat([Buffer.from('rev:'), Buffer.from(plain).reverse()]) : plain),
    fromStorage: (key, stored) => (key.startsWith('/registry/secrets/') ? Buffer.from(stored.subarray(4)).reverse() : stored),
  };
  const store = await storeOn(t, [etcd.servers], { transformer: reversing });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { password: 'aHVudGVyMg==' } };
  await store.create(keyFor('', 'secrets', 'default', 's'), secret);
  const raw = (await etcdctl(etcd.servers, 'get', '/registry/secrets/default/s', '--print-value-only')).stdout;
  assert.ok(raw.startsWith('rev:') && !raw.includes('aHVudGVyMg=='), 'stored transformed');
  assert.deepEqual((await store.get(keyFor('', 'secrets', 'default', 's')))!.value.data, secret.data);
  const events: StoreEvent[] = [];
  store.watch('/registry/secrets/', 0, (ev) => events.push(ev));
  await eventually(() => events.length === 1, 'the replayed event');
  assert.deepEqual(events[0]!.object.data, secret.data);
});

/** The member that is the cluster's leader, as etcd's maintenance status says. */
test('an EncryptionConfiguration seals Secrets in etcd (aescbc) and leaves other values as JSON', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-etcd-enc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const etcd = await withEtcd(t);
  const transformer = ensureDefaultEncryptionConfiguration(join(dir, 'encryption-config.yaml'));
  const store = await storeOn(t, [etcd.servers], { prefix: '/custom', transformer });
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { password: 'aHVudGVyMg==' } };
  await store.create(keyFor('', 'secrets', 'default', 's'), secret);
  await store.create(keyFor('', 'configmaps', 'default', 'c'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { x: 'visible' } });
  const raw = (await etcdctl(etcd.servers, 'get', '/custom/secrets/default/s', '--print-value-only')).stdout;
  assert.ok(raw.startsWith('k8s:enc:aescbc:v1:key1:') && !raw.includes('aHVudGVyMg=='), 'stored sealed');
  assert.match((await etcdctl(etcd.servers, 'get', '/custom/configmaps/default/c', '--print-value-only')).stdout, /"visible"/);
  assert.deepEqual((await store.get(keyFor('', 'secrets', 'default', 's')))!.value.data, secret.data);
  const other = await storeOn(t, [etcd.servers], { prefix: '/custom' });
  await assert.rejects(other.get(keyFor('', 'secrets', 'default', 's')), /cannot decode/, 'without the key the value is not readable');
});
