// configMap, secret, downwardAPI and projected volume contents against the kubelet's volume plugins (MakePayload,
// CollectData, projected collectData) and SetVolumeOwnership's fsGroup bits.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, lstat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AtomicWriter, type Payload } from '../../../../src/nodeagent/kubelet/atomic-writer.js';
import {
  applyOwnership, configMapPayload, downwardAPIPayload, fsGroupMode, fsUserFrom, mountFailedMessage, projectedPayload,
  secretPayload, volumeOwnershipPlan, volumePayload, type TokenRequest, type VolumeSources,
} from '../../../../src/nodeagent/kubelet/volume-payload.js';
import type { ConfigMap, Pod, Secret } from '../../../../src/api/core.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns' }, data: { 'primary.cnf': '[mysqld]\nlog-bin\n', 'replica.cnf': '[mysqld]\nsuper-read-only\n' }, binaryData: { blob: b64('\x00\x01') } };
const secret: Secret = { metadata: { name: 'sec', namespace: 'ns' }, data: { password: b64('s3cr3t'), 'tls.key': b64('KEY') } };
const pod: Pod = {
  metadata: { name: 'mysql-0', namespace: 'ns', uid: 'u-1', labels: { app: 'mysql', zone: 'a' }, annotations: { build: 'x"y' } },
  spec: { serviceAccountName: 'db', containers: [{ name: 'mysql', resources: { requests: { memory: '1Gi' } } }] },
};
const deps: VolumeSources = {
  getConfigMap: (ns, name) => (ns === 'ns' && name === 'cfg' ? cm : undefined),
  getSecret: (ns, name) => (ns === 'ns' && name === 'sec' ? secret : undefined),
  nodeAllocatable: { cpu: '4', memory: '8Gi' },
};
const text = (payload: Payload) => Object.fromEntries([...payload].map(([k, v]) => [k, [v.data.toString(), v.mode.toString(8)]]));

test('configMap: all keys (data and binaryData) or the listed items with per-item modes', () => {
  assert.deepEqual(text(configMapPayload(undefined, cm)), {
    'primary.cnf': ['[mysqld]\nlog-bin\n', '644'], 'replica.cnf': ['[mysqld]\nsuper-read-only\n', '644'], blob: ['\x00\x01', '644'],
  });
  assert.deepEqual(text(configMapPayload([{ key: 'primary.cnf', path: 'conf/my.cnf', mode: 0o400 }, { key: 'blob', path: 'b' }], cm, 0o440)), {
    'conf/my.cnf': ['[mysqld]\nlog-bin\n', '400'], b: ['\x00\x01', '440'],
  });
  assert.throws(() => configMapPayload([{ key: 'nope', path: 'x' }], cm), { message: 'configmap references non-existent config key: nope' });
  assert.deepEqual(text(configMapPayload([{ key: 'nope', path: 'x' }], cm, 0o644, true)), {});
});

test('secret: base64 data decoded, items, missing keys', () => {
  assert.deepEqual(text(secretPayload(undefined, secret, 0o400)), { password: ['s3cr3t', '400'], 'tls.key': ['KEY', '400'] });
  assert.deepEqual(text(secretPayload([{ key: 'password', path: 'p/w', mode: 0o600 }], secret)), { 'p/w': ['s3cr3t', '600'] });
  assert.throws(() => secretPayload([{ key: 'nope', path: 'x' }], secret), { message: 'references non-existent secret key: nope' });
});

test('downwardAPI: metadata fields and resources; every failing item reported together', () => {
  assert.deepEqual(text(downwardAPIPayload([
    { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
    { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
    { path: './name', fieldRef: { fieldPath: 'metadata.name' }, mode: 0o400 },
    { path: 'mem_limit', resourceFieldRef: { containerName: 'mysql', resource: 'limits.memory', divisor: '1Mi' } },
    { path: 'mem_request', resourceFieldRef: { containerName: 'mysql', resource: 'requests.memory', divisor: '1Mi' } },
  ], pod, deps.nodeAllocatable)), {
    labels: ['app="mysql"\nzone="a"', '644'],
    annotations: ['build="x\\"y"', '644'],
    name: ['mysql-0', '400'],
    mem_limit: ['8192', '644'],
    mem_request: ['1024', '644'],
  });
  assert.throws(() => downwardAPIPayload([{ path: 'n', fieldRef: { fieldPath: 'spec.nodeName' } }], pod, {}), { message: 'unsupported fieldPath: spec.nodeName' });
  assert.throws(() => downwardAPIPayload([
    { path: 'n', fieldRef: { fieldPath: 'spec.nodeName' } },
    { path: 'r', resourceFieldRef: { containerName: 'other', resource: 'limits.cpu' } },
  ], pod, {}), { message: '[unsupported fieldPath: spec.nodeName, container other not found]' });
});

test('volumePayload: objects fetched by name, optional ones may be missing, required ones fail as upstream', () => {
  assert.deepEqual(Object.keys(text(volumePayload({ name: 'v', configMap: { name: 'cfg', items: [{ key: 'replica.cnf', path: 'replica.cnf' }] } }, pod, deps)!)), ['replica.cnf']);
  assert.deepEqual(text(volumePayload({ name: 'v', configMap: { name: 'gone', optional: true } }, pod, deps)!), {});
  assert.throws(() => volumePayload({ name: 'v', configMap: { name: 'gone' } }, pod, deps), { message: 'configmap "gone" not found' });
  assert.throws(() => volumePayload({ name: 'v', secret: { secretName: 'gone' } }, pod, deps), { message: 'secret "gone" not found' });
  assert.equal(volumePayload({ name: 'v', emptyDir: {} }, pod, deps), undefined);
  assert.equal(mountFailedMessage('config', new Error('configmap "gone" not found')), 'MountVolume.SetUp failed for volume "config" : configmap "gone" not found');
});

test('projected: sources merged into one payload, token through the hook (0600 with fsGroup), errors aggregated', () => {
  const requests: TokenRequest[] = [];
  const withToken: VolumeSources = { ...deps, serviceAccountToken: (r) => { requests.push(r); return 'jwt'; } };
  const source = {
    defaultMode: 0o444,
    sources: [
      { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } },
      { configMap: { name: 'cfg', items: [{ key: 'primary.cnf', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
      { secret: { name: 'gone', optional: true } },
    ],
  };
  assert.deepEqual(text(projectedPayload(source, pod, withToken)), {
    token: ['jwt', '444'], 'ca.crt': ['[mysqld]\nlog-bin\n', '444'], namespace: ['ns', '444'],
  });
  assert.deepEqual(requests, [{ namespace: 'ns', serviceAccountName: 'db', audiences: ['vault'], expirationSeconds: 3600, boundPod: { name: 'mysql-0', uid: 'u-1' } }]);
  const fsPod: Pod = { ...pod, spec: { ...pod.spec, securityContext: { fsGroup: 2000, runAsUser: 1000 } } };
  const tok = projectedPayload(source, fsPod, withToken).get('token')!;
  assert.equal(tok.mode, 0o600);
  assert.equal(tok.fsUser, 1000);
  assert.throws(() => projectedPayload({ sources: [{ secret: { name: 'gone' } }, { configMap: { name: 'gone' } }] }, pod, deps),
    { message: '[secret "gone" not found, configmap "gone" not found]' });
});

test('FsUserFrom: the one runAsUser all containers share', () => {
  const mk = (podUser: number | undefined, users: (number | undefined)[]): Pod => ({
    metadata: {}, spec: { securityContext: podUser === undefined ? {} : { runAsUser: podUser }, containers: users.map((u, i) => ({ name: `c${i}`, securityContext: u === undefined ? {} : { runAsUser: u } })) },
  });
  assert.equal(fsUserFrom(mk(1000, [undefined, undefined])), 1000);
  assert.equal(fsUserFrom(mk(1000, [1000, 2000])), undefined);
  assert.equal(fsUserFrom(mk(undefined, [3000, 3000])), 3000);
  assert.equal(fsUserFrom(mk(undefined, [3000, undefined])), undefined);
});

let root: string;
before(async () => { root = await mkdtemp(path.join(os.tmpdir(), 'berth-vp-')); });
after(async () => { await rm(root, { recursive: true, force: true }); });

test('fsGroup: group read (and write when writable), setgid and search on directories, symlinks untouched', async () => {
  assert.equal(fsGroupMode(0o100644, 'file', true), 0o644);
  assert.equal(fsGroupMode(0o100400, 'file', true), 0o440);
  assert.equal(fsGroupMode(0o100600, 'file', false), 0o660);
  assert.equal(fsGroupMode(0o40755, 'dir', true), 0o2755);
  assert.equal(fsGroupMode(0o40700, 'dir', false), 0o2770);
  assert.equal(fsGroupMode(0o120777, 'symlink', true), undefined);

  // a secret volume written with mode 0400, then owned by the process's own group
  const dir = path.join(root, 'secret');
  await (await import('node:fs/promises')).mkdir(dir, { mode: 0o750 });
  const w = new AtomicWriter(dir);
  const gid = process.getgid!();
  await w.write(secretPayload(undefined, secret, 0o400), async () => applyOwnership(await volumeOwnershipPlan(dir, gid)));
  const plan = await volumeOwnershipPlan(dir, gid);
  assert.deepEqual(plan.filter((c) => c.mode === undefined).map((c) => path.relative(dir, c.path)).sort(), ['..data', 'password', 'tls.key']);
  assert.equal((await stat(path.join(dir, 'password'))).mode & 0o7777, 0o440);
  assert.equal((await stat(dir)).mode & 0o7777, 0o2750 | 0o110);
  assert.equal((await lstat(path.join(dir, 'password'))).gid, gid);
});
