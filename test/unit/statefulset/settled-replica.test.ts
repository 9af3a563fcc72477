// replicaIsSettled lets a sync pass over a replica without running processReplica (control.ts). That is only sound if
// processReplica would have done nothing for it: no pod or claim written, no event, and the answer false ("go on").
// Generated sets and pods (phases, Ready conditions, deletion, revisions, ordinals, identity and volumes, claims and
// their owners, strategies, minReadySeconds), each asked with and without the controller's caches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errAlreadyExists, errNotFound } from '../../../src/apimachinery/errors.js';
import { deepFreeze } from '../../../src/apimachinery/json.js';
import type { OwnerReference } from '../../../src/apimachinery/types.js';
import { StatefulSetCaches } from '../../../src/controllers/statefulset/caches.js';
import { processReplica, replicaIsSettled, type SyncContext } from '../../../src/controllers/statefulset/control.js';
import { StatefulPodControl } from '../../../src/controllers/statefulset/pod-control.js';
import type { PersistentVolumeClaim, Pod, StatefulPodObjectManager, StatefulSet } from '../../../src/controllers/statefulset/types.js';
import {
  getPersistentVolumeClaimName, getStartOrdinal, newStatefulSetPod, STATEFULSET_POD_NAME_LABEL, STATEFULSET_REVISION_LABEL,
} from '../../../src/controllers/statefulset/utils.js';
import { seededRandom } from '../../support/seeded-random.js';
import { newSet } from './fake-cluster.js';

/** Every write and read the pod control asks for; claims answer from a fixed map. */
class RecordingObjects implements StatefulPodObjectManager {
  readonly writes: string[] = [];
  readonly events: string[] = [];
  constructor(private readonly claims: Map<string, PersistentVolumeClaim>, private readonly pods: Map<string, Pod>) {}
  async createPod(pod: Pod): Promise<Pod> {
    this.writes.push(`create pod ${pod.metadata.name}`);
    if (this.pods.has(pod.metadata.name ?? '')) throw errAlreadyExists({ group: '', resource: 'pods' }, pod.metadata.name ?? '');
    return { ...pod, metadata: { ...pod.metadata, uid: 'new-uid' } };
  }
  async getPod(_ns: string, name: string): Promise<Pod> {
    const pod = this.pods.get(name);
    if (!pod) throw errNotFound({ group: '', resource: 'pods' }, name);
    return structuredClone(pod);
  }
  async updatePod(pod: Pod): Promise<Pod> {
    this.writes.push(`update pod ${pod.metadata.name}`);
    return pod;
  }
  async deletePod(pod: Pod): Promise<void> {
    this.writes.push(`delete pod ${pod.metadata.name}`);
  }
  async createClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    this.writes.push(`create claim ${claim.metadata.name}`);
    return claim;
  }
  async getClaim(_ns: string, name: string): Promise<PersistentVolumeClaim> {
    const claim = this.claims.get(name);
    if (!claim) throw errNotFound({ group: '', resource: 'persistentvolumeclaims' }, name);
    return structuredClone(claim);
  }
  async updateClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    this.writes.push(`update claim ${claim.metadata.name}`);
    return claim;
  }
}

interface Case {
  ctx: SyncContext;
  pod: Pod;
  objects: RecordingObjects;
  describe: string;
}

const NOW = Date.parse('2025-05-01T10:01:00Z');

function generate(seed: number, withCaches: boolean): Case {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;

  const replicas = pick([1, 2, 3, 5]);
  const set = newSet({
    replicas,
    policy: pick(['OrderedReady', 'Parallel', undefined] as const),
    claims: pick([[], [], ['data'], ['data', 'logs']]),
    minReadySeconds: pick([undefined, 0, 10, 60, 3600]),
    start: pick([undefined, 0, 2]),
    partition: pick([undefined, 0, 1, 4]),
    onDelete: chance(0.2),
    retention: chance(0.5)
      ? { whenDeleted: pick(['Retain', 'Delete'] as const), whenScaled: pick(['Retain', 'Delete'] as const) }
      : undefined,
  });
  const updateSet: StatefulSet = chance(0.5) ? set : { ...set, spec: { ...set.spec, template: { ...set.spec.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } };
  const ordinal = getStartOrdinal(set) + Math.floor(rnd() * replicas);

  // the pod as the API server would hand it back, then perturbed
  const pod = newStatefulSetPod(pick([set, updateSet]), ordinal);
  pod.metadata.uid = `pod-uid-${ordinal}`;
  pod.metadata.labels![STATEFULSET_REVISION_LABEL] = pick(['rev-current', 'rev-update', '']);
  const phase = pick([undefined, 'Pending', 'Running', 'Running', 'Running', 'Succeeded', 'Failed', 'Unknown', '']);
  if (phase !== undefined) {
    pod.status = { phase };
    const ready = pick([undefined, 'True', 'True', 'False', 'Unknown']);
    if (ready !== undefined) {
      const since = pick([undefined, '2025-05-01T10:00:59Z', '2025-05-01T10:00:30Z', '2025-05-01T09:00:00Z', 'not a time']);
      pod.status.conditions = [
        ...(chance(0.3) ? [{ type: 'PodScheduled', status: 'True' }] : []),
        { type: 'Ready', status: ready, ...(since ? { lastTransitionTime: since } : {}) },
        ...(chance(0.2) ? [{ type: 'Ready', status: ready === 'True' ? 'False' : 'True' }] : []),
      ];
    }
  }
  if (chance(0.2)) pod.metadata.deletionTimestamp = '2025-05-01T10:00:50Z';
  if (chance(0.1)) pod.metadata.name = `${set.metadata.name}-0${ordinal}`; // non-canonical ordinal
  if (chance(0.1)) pod.metadata.namespace = 'other';
  if (chance(0.1)) pod.metadata.labels![STATEFULSET_POD_NAME_LABEL] = `${set.metadata.name}-99`;
  if (chance(0.05)) delete pod.metadata.labels![STATEFULSET_POD_NAME_LABEL];
  if (chance(0.15)) pod.spec!.volumes = [{ name: 'scratch', emptyDir: {} }];
  if (chance(0.1)) pod.spec!.volumes = [...(pod.spec!.volumes ?? []), { name: 'data', persistentVolumeClaim: { claimName: 'someone-elses' } }];
  if (chance(0.05)) delete pod.spec!.volumes;

  // the claims the pod's templates name, in various states of ownership
  const claims = new Map<string, PersistentVolumeClaim>();
  const setRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name!, uid: set.metadata.uid!, controller: true, blockOwnerDeletion: true };
  const podRef: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid!, controller: true, blockOwnerDeletion: true };
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    if (chance(0.2)) continue; // missing
    const name = getPersistentVolumeClaimName(set, template, ordinal);
    const refs = pick<OwnerReference[]>([[], [setRef], [podRef], [setRef, podRef], [{ ...setRef, uid: 'stale' }], [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x', controller: true }], [{ ...setRef, controller: false }]]);
    claims.set(name, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: set.metadata.namespace, uid: `claim-${name}`, ...(refs.length ? { ownerReferences: refs } : {}) } });
  }

  const objects = new RecordingObjects(claims, new Map([[pod.metadata.name!, pod]]));
  const podControl = new StatefulPodControl(objects, { event: (_o, type, reason, message) => objects.events.push(`${type} ${reason} ${message}`) });
  let caches: StatefulSetCaches | undefined;
  if (withCaches) {
    // as the informer hands pods to the controller: frozen, remembered on arrival
    caches = new StatefulSetCaches();
    deepFreeze(pod);
    caches.rememberPodFacts(pod);
  }
  const ctx: SyncContext = {
    set,
    updateSet,
    podControl,
    monotonic: set.spec.podManagementPolicy !== 'Parallel',
    minReadySeconds: set.spec.minReadySeconds ?? 0,
    now: new Date(NOW),
    hasClaimTemplates: (set.spec.volumeClaimTemplates?.length ?? 0) > 0,
    caches,
  };
  return { ctx, pod, objects, describe: `seed ${seed}${withCaches ? ' with caches' : ''}: ${JSON.stringify({ spec: set.spec, pod })}` };
}

/** What processReplica did with the case: its answer and every write and event. */
async function runProcessReplica(c: Case): Promise<{ answer: boolean | string; writes: string[]; events: string[] }> {
  let answer: boolean | string;
  try {
    answer = await processReplica(c.ctx, c.pod);
  } catch (e) {
    answer = `threw ${e instanceof Error ? e.message : String(e)}`;
  }
  return { answer, writes: c.objects.writes, events: c.objects.events };
}

const CASES = 3000;

describe('replicaIsSettled agrees with processReplica', () => {
  for (const withCaches of [false, true]) {
    it(`a settled replica is one processReplica leaves alone (${CASES} generated cases${withCaches ? ', with the controller\'s caches' : ''})`, async () => {
      let settled = 0;
      let unsettledQuiet = 0;
      for (let seed = 1; seed <= CASES; seed++) {
        const c = generate(seed, withCaches);
        if (!replicaIsSettled(c.ctx, c.pod)) {
          // not a claim: the long way round decides; counted so the generator is seen to reach both sides
          const r = await runProcessReplica(c);
          if (r.answer === false && r.writes.length === 0) unsettledQuiet++;
          continue;
        }
        settled++;
        // skipping answers false and writes nothing: processReplica must do the same
        assert.deepEqual(await runProcessReplica(c), { answer: false, writes: [], events: [] }, c.describe);
      }
      // the generator must reach settled replicas often enough for the check to mean something
      assert.ok(settled > CASES / 20, `only ${settled} of ${CASES} cases were settled`);
      assert.ok(unsettledQuiet > 0);
    });
  }

  it('settles neither a pod on the way out nor one without its identity', () => {
    // replicas the shortcut must leave to processReplica, built by hand
    const running = (name: string): Pod => {
      const set = newSet({ replicas: 3 });
      const pod = newStatefulSetPod(set, 1);
      pod.metadata.name = name;
      pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-05-01T10:00:00Z' }] };
      return pod;
    };
    const set = newSet({ replicas: 3 });
    const objects = new RecordingObjects(new Map(), new Map());
    const ctx: SyncContext = {
      set, updateSet: set, podControl: new StatefulPodControl(objects, { event: () => {} }), monotonic: true, minReadySeconds: 0,
      now: new Date(NOW), hasClaimTemplates: false,
    };
    assert.equal(replicaIsSettled(ctx, running('web-1')), true);
    assert.equal(replicaIsSettled(ctx, running('web-01')), false);
    const terminating = running('web-1');
    terminating.metadata.deletionTimestamp = '2025-05-01T10:00:50Z';
    assert.equal(replicaIsSettled(ctx, terminating), false);
    assert.equal(replicaIsSettled({ ...ctx, monotonic: false }, terminating), true);
  });
});
