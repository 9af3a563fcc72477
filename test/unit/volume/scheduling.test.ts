import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERR_BIND_CONFLICT, ERR_NODE_CONFLICT, ERR_UNBOUND_IMMEDIATE, VolumeLookup, volumeFilter, volumePreFilter } from '../../../src/volume/scheduling.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass, VolumePod } from '../../../src/volume/types.js';
import { VolumeIndex } from '../../../src/volume/volume-index.js';

const claim = (name: string, cls: string | undefined, volumeName?: string): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'ns', uid: `u-${name}` },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: cls, volumeName },
});
const sc = (name: string, mode: string, provisioner = 'berth.dev/local'): StorageClass => ({ metadata: { name }, provisioner, volumeBindingMode: mode });
const pod = (...claims: string[]): VolumePod => ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) } });
const onNode = (name: string, node: string, extra: Partial<PersistentVolume['spec']> = {}): PersistentVolume => ({
  metadata: { name },
  spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } }, ...extra },
  status: { phase: 'Available' },
});
const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });

function lookup(claims: PersistentVolumeClaim[], classes: StorageClass[], pvs: PersistentVolume[]): VolumeLookup {
  const volumes = new VolumeIndex();
  for (const v of pvs) volumes.upsert(v);
  return {
    volumes,
    claim: (ns, n) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === n),
    storageClass: (n) => classes.find((c) => c.metadata.name === n),
  };
}

describe('volume scheduling checks', () => {
  it('unbound Immediate claims keep the pod Pending everywhere', () => {
    const l = lookup([claim('a', 'standard')], [sc('standard', 'Immediate')], []);
    assert.deepEqual(volumePreFilter(l, pod('a')), { ok: false, reason: ERR_UNBOUND_IMMEDIATE });
    assert.deepEqual(volumePreFilter(lookup([], [], []), pod('a')), { ok: false, reason: 'persistentvolumeclaim "a" not found' });
  });

  it('WaitForFirstConsumer: a static PV on the node is chosen, else the claim is provisioned there', () => {
    const l = lookup([claim('a', 'local'), claim('b', 'local')], [sc('local', 'WaitForFirstConsumer')], [onNode('pv-n1', 'n1', { storageClassName: 'local' })]);
    const pre = volumePreFilter(l, pod('a', 'b'));
    assert.ok(pre.ok);
    const fit = volumeFilter(l, node('n1'), pre);
    assert.ok(fit.ok);
    assert.deepEqual(fit.bindings.map((b) => [b.claim.metadata.name, b.volume.metadata.name]), [['a', 'pv-n1']]);
    assert.deepEqual(fit.provisions.map((c) => c.metadata.name), ['b']);
    const fit2 = volumeFilter(l, node('n2'), pre);
    assert.ok(fit2.ok);
    assert.equal(fit2.bindings.length, 0);
    assert.equal(fit2.provisions.length, 2);
  });

  it('no provisioner and no PV on the node: that node fails', () => {
    const l = lookup([claim('a', 'manual')], [sc('manual', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')], [onNode('pv-n1', 'n1', { storageClassName: 'manual' })]);
    const pre = volumePreFilter(l, pod('a'));
    assert.ok(pre.ok);
    assert.deepEqual(volumeFilter(l, node('n2'), pre), { ok: false, reason: ERR_BIND_CONFLICT });
    assert.ok(volumeFilter(l, node('n1'), pre).ok);
  });

  it('a bound volume pins the pod to its node', () => {
    const bound = onNode('pv-n1', 'n1', { claimRef: { namespace: 'ns', name: 'a', uid: 'u-a' } });
    const l = lookup([claim('a', '', 'pv-n1')], [], [bound]);
    const pre = volumePreFilter(l, pod('a'));
    assert.ok(pre.ok);
    assert.deepEqual(volumeFilter(l, node('n2'), pre), { ok: false, reason: ERR_NODE_CONFLICT });
    assert.ok(volumeFilter(l, node('n1'), pre).ok);
  });
});
