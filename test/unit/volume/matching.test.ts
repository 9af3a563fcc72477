import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessModesKey, pickDefaultClass } from '../../../src/volume/helpers.js';
import { naiveFindBestMatch } from '../../../src/volume/matching.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../src/volume/types.js';
import { VolumeIndex } from '../../../src/volume/volume-index.js';

const RWO = 'ReadWriteOnce', ROX = 'ReadOnlyMany', RWX = 'ReadWriteMany';

function pv(name: string, size: string, extra: Partial<PersistentVolume['spec']> = {}, meta: Partial<PersistentVolume['metadata']> = {}, phase = 'Available'): PersistentVolume {
  return { metadata: { name, ...meta }, spec: { capacity: { storage: size }, accessModes: [RWO, ROX, RWX], ...extra }, status: { phase } };
}

function pvc(name: string, size: string, extra: Partial<PersistentVolumeClaim['spec']> = {}, meta: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim {
  return { metadata: { name, namespace: 'sts', uid: `uid-${name}`, ...meta }, spec: { accessModes: [RWO], resources: { requests: { storage: size } }, ...extra } };
}

const seed002 = () => [pv('pv-nfs-1', '5Gi'), pv('pv-nfs-2', '5Gi'), pv('pv-nfs-3', '5Gi'), pv('pv-nfs-4', '5Gi'), pv('pv-nfs-5', '1Gi')];

interface Case {
  name: string;
  volumes: PersistentVolume[];
  claim: PersistentVolumeClaim;
  delayBinding?: boolean;
  want: string | undefined;
}

const cases: Case[] = [
  { name: 'seed 002: a 2Gi claim never gets the 1Gi volume', volumes: [pv('pv-nfs-5', '1Gi'), pv('pv-nfs-1', '5Gi')], claim: pvc('c', '2Gi'), want: 'pv-nfs-1' },
  { name: 'only a too-small volume: nothing', volumes: [pv('pv-nfs-5', '1Gi')], claim: pvc('c', '2Gi'), want: undefined },
  { name: 'smallest fit wins', volumes: [pv('big', '10Gi'), pv('mid', '3Gi'), pv('small', '1Gi')], claim: pvc('c', '2Gi'), want: 'mid' },
  { name: 'exact size fits', volumes: [pv('a', '2Gi'), pv('b', '3Gi')], claim: pvc('c', '2048Mi'), want: 'a' },
  { name: 'volumeMode must be equal (unset = Filesystem)', volumes: [pv('block', '5Gi', { volumeMode: 'Block' }), pv('fs', '9Gi')], claim: pvc('c', '1Gi'), want: 'fs' },
  { name: 'Block claim takes a Block volume', volumes: [pv('block', '5Gi', { volumeMode: 'Block' }), pv('fs', '1Gi')], claim: pvc('c', '1Gi', { volumeMode: 'Block' }), want: 'block' },
  { name: 'claim without class matches only classless volumes', volumes: [pv('fast', '1Gi', { storageClassName: 'fast' }), pv('plain', '8Gi')], claim: pvc('c', '1Gi'), want: 'plain' },
  { name: 'class "" equals unset', volumes: [pv('plain', '8Gi')], claim: pvc('c', '1Gi', { storageClassName: '' }), want: 'plain' },
  { name: 'claim with class ignores classless volumes', volumes: [pv('plain', '1Gi'), pv('fast', '8Gi', { storageClassName: 'fast' })], claim: pvc('c', '1Gi', { storageClassName: 'fast' }), want: 'fast' },
  { name: 'label selector filters', volumes: [pv('a', '1Gi', {}, { labels: { tier: 'db' } }), pv('b', '1Gi', {}, { labels: { tier: 'web' } })], claim: pvc('c', '1Gi', { selector: { matchLabels: { tier: 'web' } } }), want: 'b' },
  { name: 'selector matchExpressions', volumes: [pv('a', '1Gi', {}, { labels: { storsys: 'nfs' } })], claim: pvc('c', '1Gi', { selector: { matchExpressions: [{ key: 'storsys', operator: 'NotIn', values: ['nfs'] }] } }), want: undefined },
  { name: 'volume bound to another claim is skipped', volumes: [pv('a', '1Gi', { claimRef: { namespace: 'sts', name: 'other', uid: 'x' } }, {}, 'Bound'), pv('b', '5Gi')], claim: pvc('c', '1Gi'), want: 'b' },
  { name: 'pre-bound volume wins over a smaller one', volumes: [pv('small', '1Gi'), pv('reserved', '9Gi', { claimRef: { namespace: 'sts', name: 'c' }, storageClassName: 'odd' })], claim: pvc('c', '1Gi'), want: 'reserved' },
  { name: 'pre-bound volume too small: next best', volumes: [pv('reserved', '1Gi', { claimRef: { namespace: 'sts', name: 'c' } }), pv('b', '5Gi')], claim: pvc('c', '2Gi'), want: 'b' },
  { name: 'pre-bound to the same name but another uid: skipped', volumes: [pv('reserved', '5Gi', { claimRef: { namespace: 'sts', name: 'c', uid: 'old' } })], claim: pvc('c', '1Gi'), want: undefined },
  { name: 'volumes being deleted are skipped', volumes: [pv('a', '1Gi', {}, { deletionTimestamp: '2024-01-01T00:00:00Z' }), pv('b', '2Gi')], claim: pvc('c', '1Gi'), want: 'b' },
  { name: 'non-Available phase is skipped', volumes: [pv('a', '1Gi', {}, {}, 'Released'), pv('p', '1Gi', {}, {}, 'Pending'), pv('b', '2Gi')], claim: pvc('c', '1Gi'), want: 'b' },
  { name: 'fewest access modes first, even when bigger', volumes: [pv('nfs', '1Gi'), pv('disk', '9Gi', { accessModes: [RWO] })], claim: pvc('c', '1Gi'), want: 'disk' },
  { name: 'RWX needs a set containing it', volumes: [pv('disk', '1Gi', { accessModes: [RWO] }), pv('nfs', '9Gi')], claim: pvc('c', '1Gi', { accessModes: [RWX] }), want: 'nfs' },
  { name: 'no set has the mode', volumes: [pv('disk', '1Gi', { accessModes: [RWO] })], claim: pvc('c', '1Gi', { accessModes: ['ReadWriteOncePod'] }), want: undefined },
  { name: 'next set when the smallest set has nothing that fits', volumes: [pv('disk', '1Gi', { accessModes: [RWO] }), pv('nfs', '5Gi')], claim: pvc('c', '2Gi'), want: 'nfs' },
  { name: 'WaitForFirstConsumer: unbound volumes wait', volumes: [pv('a', '5Gi')], claim: pvc('c', '1Gi'), delayBinding: true, want: undefined },
  { name: 'WaitForFirstConsumer: pre-bound volumes still bind', volumes: [pv('a', '5Gi', { claimRef: { namespace: 'sts', name: 'c' } })], claim: pvc('c', '1Gi'), delayBinding: true, want: 'a' },
];

describe('volume matching (FindMatchingVolume rules)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const index = new VolumeIndex();
      for (const v of c.volumes) index.upsert(v);
      assert.equal(index.findBestMatch(c.claim, { delayBinding: c.delayBinding })?.metadata.name, c.want, 'indexed');
      assert.equal(naiveFindBestMatch(c.claim, c.volumes, { delayBinding: c.delayBinding })?.metadata.name, c.want, 'naive');
    });
  }

  it('seed 002: five 2Gi claims take the four 5Gi volumes, the fifth finds nothing, the 1Gi stays free', () => {
    const index = new VolumeIndex();
    for (const v of seed002()) index.upsert(v);
    const got: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const claim = pvc(`myapp-pvc-statefulset-demo-${i}`, '2Gi');
      const match = index.findBestMatch(claim);
      got.push(match?.metadata.name);
      if (match) index.upsert({ ...match, spec: { ...match.spec, claimRef: { namespace: 'sts', name: claim.metadata.name, uid: claim.metadata.uid } }, status: { phase: 'Bound' } });
    }
    assert.deepEqual(got.slice(0, 4).sort(), ['pv-nfs-1', 'pv-nfs-2', 'pv-nfs-3', 'pv-nfs-4']);
    assert.equal(got[4], undefined);
    assert.equal(index.get('pv-nfs-5')?.spec.claimRef, undefined);
  });
});

describe('VolumeIndex', () => {
  it('orders mode sets by number of modes and forgets empty sets', () => {
    const index = new VolumeIndex();
    index.upsert(pv('nfs', '1Gi'));
    index.upsert(pv('disk', '1Gi', { accessModes: [ROX, RWO] }));
    assert.deepEqual(index.matchingModeSets([RWO]).map((m) => accessModesKey(m)), ['RWO,ROX', 'RWO,ROX,RWX']);
    assert.deepEqual(index.matchingModeSets([RWX]).map((m) => accessModesKey(m)), ['RWO,ROX,RWX']);
    index.remove('disk');
    assert.deepEqual(index.matchingModeSets([RWO]).map((m) => accessModesKey(m)), ['RWO,ROX,RWX']);
  });

  it('an update moves a volume between unclaimed and claimed and changes its size', () => {
    const index = new VolumeIndex();
    index.upsert(pv('a', '1Gi'));
    assert.equal(index.findBestMatch(pvc('c', '2Gi')), undefined);
    index.upsert(pv('a', '3Gi'));
    assert.equal(index.findBestMatch(pvc('c', '2Gi'))?.metadata.name, 'a');
    index.upsert(pv('a', '3Gi', { claimRef: { namespace: 'sts', name: 'x', uid: 'u' } }, {}, 'Bound'));
    assert.equal(index.findBestMatch(pvc('c', '2Gi')), undefined);
    assert.deepEqual(index.claimedBy('sts', 'x').map((v) => v.metadata.name), ['a']);
    index.remove('a');
    assert.equal(index.size, 0);
    assert.deepEqual(index.claimedBy('sts', 'x'), []);
  });

  it('agrees with the naive matcher on random volumes and claims', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const modeSets = [[RWO], [RWO, ROX], [RWO, ROX, RWX], [RWX], [ROX]];
    const classes = [undefined, 'fast', ''];
    const volumes: PersistentVolume[] = [];
    for (let i = 0; i < 300; i++) {
      volumes.push(pv(`pv-${i}`, `${1 + rand(20)}Gi`, {
        accessModes: modeSets[rand(modeSets.length)],
        storageClassName: classes[rand(classes.length)],
        ...(rand(10) === 0 ? { volumeMode: 'Block' } : {}),
        ...(rand(8) === 0 ? { claimRef: { namespace: 'sts', name: `claim-${rand(50)}` } } : {}),
      }, { labels: { zone: `z${rand(3)}` }, ...(rand(30) === 0 ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) }, rand(12) === 0 ? 'Released' : 'Available'));
    }
    const index = new VolumeIndex();
    for (const v of volumes) index.upsert(v);
    for (let i = 0; i < 200; i++) {
      const claim = pvc(`claim-${i % 60}`, `${1 + rand(22)}Gi`, {
        accessModes: modeSets[rand(modeSets.length)],
        storageClassName: classes[rand(classes.length)],
        ...(rand(6) === 0 ? { selector: { matchLabels: { zone: `z${rand(3)}` } } } : {}),
      });
      const a = index.findBestMatch(claim), b = naiveFindBestMatch(claim, volumes);
      assert.equal(storageOf(a), storageOf(b), `claim ${i}: ${a?.metadata.name} vs ${b?.metadata.name}`);
      assert.equal(a?.metadata.name, b?.metadata.name, `claim ${i}`);
    }
  });
});

const storageOf = (v: PersistentVolume | undefined) => v?.spec.capacity?.storage;

describe('default class', () => {
  const sc = (name: string, created: string, isDefault: boolean): StorageClass => ({
    metadata: { name, creationTimestamp: created, annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} },
    provisioner: 'x',
  });
  it('picks the newest default, then the first by name', () => {
    assert.equal(pickDefaultClass([sc('a', '2024-01-01T00:00:00Z', true), sc('b', '2024-02-01T00:00:00Z', true), sc('c', '2025-01-01T00:00:00Z', false)])?.metadata.name, 'b');
    assert.equal(pickDefaultClass([sc('z', '2024-01-01T00:00:00Z', true), sc('y', '2024-01-01T00:00:00Z', true)])?.metadata.name, 'y');
    assert.equal(pickDefaultClass([sc('c', '2025-01-01T00:00:00Z', false)]), undefined);
  });
});
