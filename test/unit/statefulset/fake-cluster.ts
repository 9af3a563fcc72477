// In-memory stand-in for the API server, kubelet and event sink, to drive syncStatefulSet in tests.
import assert from 'node:assert/strict';
import { errAlreadyExists, errNotFound } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { ControllerRevision, History } from '../../../src/controllers/history/controller-history.js';
import { syncStatefulSet } from '../../../src/controllers/statefulset/control.js';
import type {
  EventRecorder, EventType, PersistentVolumeClaim, Pod, StatefulPodObjectManager, StatefulSet, StatefulSetStatus, SyncResult,
} from '../../../src/controllers/statefulset/types.js';
import { getOrdinal, getStartOrdinal, isRunningAndReady, isTerminating } from '../../../src/controllers/statefulset/utils.js';
import { setDefaultsStatefulSet } from '../../../src/registry/apps/statefulset.js';

const PODS = { group: '', resource: 'pods' };
const PVCS = { group: '', resource: 'persistentvolumeclaims' };
const REVS = { group: 'apps', resource: 'controllerrevisions' };

export interface SetOptions {
  name?: string;
  replicas?: number;
  image?: string;
  policy?: 'OrderedReady' | 'Parallel';
  claims?: string[];
  minReadySeconds?: number;
  start?: number;
  partition?: number;
  onDelete?: boolean;
  revisionHistoryLimit?: number;
  retention?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
}

/** A StatefulSet as the API server stores it after defaulting. */
export function newSet(o: SetOptions = {}): StatefulSet {
  const name = o.name ?? 'web';
  const set: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      podManagementPolicy: o.policy,
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: o.image ?? 'nginx:1.27' }] },
      },
      volumeClaimTemplates: (o.claims ?? []).map((c) => ({
        metadata: { name: c, labels: { tier: 'data' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      })),
    },
  };
  if (o.minReadySeconds !== undefined) set.spec.minReadySeconds = o.minReadySeconds;
  if (o.start !== undefined) set.spec.ordinals = { start: o.start };
  if (o.onDelete) set.spec.updateStrategy = { type: 'OnDelete' };
  else if (o.partition !== undefined) set.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: o.partition } };
  if (o.revisionHistoryLimit !== undefined) set.spec.revisionHistoryLimit = o.revisionHistoryLimit;
  if (o.retention) set.spec.persistentVolumeClaimRetentionPolicy = o.retention;
  setDefaultsStatefulSet(set);
  return set;
}

export class FakeCluster implements StatefulPodObjectManager, History, EventRecorder {
  pods = new Map<string, Pod>();
  claims = new Map<string, PersistentVolumeClaim>();
  revisions = new Map<string, ControllerRevision>();
  events: string[] = [];
  statusWrites = 0;
  /** Every pod creation attempt, in order. */
  created: string[] = [];
  clock = Date.parse('2025-05-01T10:00:00Z');
  features: { maxUnavailableStatefulSet?: boolean } = {};
  private uid = 0;
  private rv = 0;

  constructor(public set: StatefulSet) {}

  now = () => new Date(this.clock);

  // ---- StatefulPodObjectManager ----
  async createPod(pod: Pod): Promise<Pod> {
    const name = pod.metadata.name!;
    if (this.pods.has(name)) throw errAlreadyExists(PODS, name);
    this.checkOrderedCreation(pod);
    this.created.push(name);
    const stored: Pod = structuredClone(pod);
    stored.metadata.uid = `pod-uid-${++this.uid}`;
    stored.metadata.creationTimestamp = new Date(this.clock).toISOString();
    stored.status = { phase: 'Pending' };
    this.pods.set(name, stored);
    return structuredClone(stored);
  }
  async getPod(_ns: string, name: string): Promise<Pod> {
    const p = this.pods.get(name);
    if (!p) throw errNotFound(PODS, name);
    return structuredClone(p);
  }
  async updatePod(pod: Pod): Promise<Pod> {
    if (!this.pods.has(pod.metadata.name!)) throw errNotFound(PODS, pod.metadata.name!);
    this.pods.set(pod.metadata.name!, structuredClone(pod));
    return pod;
  }
  /** Graceful deletion: the pod lingers as terminating until reap(). */
  async deletePod(pod: Pod): Promise<void> {
    const p = this.pods.get(pod.metadata.name!);
    if (!p) throw errNotFound(PODS, pod.metadata.name!);
    p.metadata.deletionTimestamp ??= new Date(this.clock).toISOString();
  }
  async createClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    const name = claim.metadata.name!;
    if (this.claims.has(name)) throw errAlreadyExists(PVCS, name);
    const stored = structuredClone(claim);
    stored.metadata.uid = `pvc-uid-${++this.uid}`;
    this.claims.set(name, stored);
    return structuredClone(stored);
  }
  async getClaim(_ns: string, name: string): Promise<PersistentVolumeClaim> {
    const c = this.claims.get(name);
    if (!c) throw errNotFound(PVCS, name);
    return structuredClone(c);
  }
  async updateClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    this.claims.set(claim.metadata.name!, structuredClone(claim));
    return claim;
  }

  // ---- History ----
  async listControllerRevisions(): Promise<ControllerRevision[]> {
    return [...this.revisions.values()].map((r) => structuredClone(r));
  }
  async createControllerRevision(revision: ControllerRevision): Promise<ControllerRevision> {
    const name = revision.metadata.name!;
    if (this.revisions.has(name)) throw errAlreadyExists(REVS, name);
    const stored = structuredClone(revision);
    stored.metadata.uid = `rev-uid-${++this.uid}`;
    stored.metadata.creationTimestamp = new Date(this.clock + ++this.rv).toISOString();
    this.revisions.set(name, stored);
    return structuredClone(stored);
  }
  async getControllerRevision(_ns: string, name: string): Promise<ControllerRevision> {
    const r = this.revisions.get(name);
    if (!r) throw errNotFound(REVS, name);
    return structuredClone(r);
  }
  async updateControllerRevision(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision> {
    const r = this.revisions.get(revision.metadata.name!);
    if (!r) throw errNotFound(REVS, revision.metadata.name!);
    r.revision = newRevision;
    return structuredClone(r);
  }
  async deleteControllerRevision(revision: ControllerRevision): Promise<void> {
    this.revisions.delete(revision.metadata.name!);
  }

  // ---- EventRecorder ----
  event(_obj: KubeObject, type: EventType, reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`);
  }

  // ---- driving ----
  async sync(): Promise<SyncResult> {
    const pods = [...this.pods.values()].map((p) => structuredClone(p));
    const revisions = await this.listControllerRevisions();
    return syncStatefulSet(this.set, pods, revisions, {
      objects: this,
      history: this,
      recorder: this,
      features: this.features,
      now: this.now,
      statusUpdater: {
        updateStatefulSetStatus: async (_set: StatefulSet, status: StatefulSetStatus) => {
          this.statusWrites++;
          this.set = { ...this.set, status: structuredClone(status) };
        },
      },
    });
  }

  /** Edits the spec like `kubectl apply` would: generation bumps. */
  update(mutate: (set: StatefulSet) => void): void {
    const next = structuredClone(this.set);
    mutate(next);
    setDefaultsStatefulSet(next);
    next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    this.set = next;
  }

  podNames(): string[] {
    return [...this.pods.keys()].sort((a, b) => getOrdinal({ metadata: { name: a } }) - getOrdinal({ metadata: { name: b } }));
  }

  pod(name: string): Pod {
    const p = this.pods.get(name);
    assert.ok(p, `pod ${name} exists`);
    return p;
  }

  /** Kubelet: the pod runs, and is Ready (since now) unless ready=false. */
  run(name: string, ready = true): void {
    const p = this.pod(name);
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date(this.clock).toISOString() }] };
  }

  runAll(): void {
    for (const [name, p] of this.pods) if (!isTerminating(p) && p.status?.phase !== 'Running') this.run(name);
  }

  /** Terminating pods finish their grace period and disappear. */
  reap(): void {
    for (const [name, p] of this.pods) if (isTerminating(p)) this.pods.delete(name);
  }

  /** Sync, reap and run everything until nothing changes (or steps run out). */
  async settle(maxSteps = 60): Promise<SyncResult> {
    let last: SyncResult | undefined;
    for (let i = 0; i < maxSteps; i++) {
      const before = this.fingerprint();
      last = await this.sync();
      this.reap();
      this.runAll();
      if (this.fingerprint() === before) return last;
    }
    assert.fail('did not settle');
  }

  revisionOf(name: string): string {
    return this.pod(name).metadata.labels?.['controller-revision-hash'] ?? '';
  }

  private fingerprint(): string {
    return JSON.stringify([[...this.pods.entries()], this.set.status, [...this.revisions.keys()].sort()]);
  }

  /** Invariant: OrderedReady never creates a pod before every lower ordinal in range is Running+Ready. */
  private checkOrderedCreation(pod: Pod): void {
    if (this.set.spec.podManagementPolicy === 'Parallel') return;
    const ord = getOrdinal(pod);
    for (let o = getStartOrdinal(this.set); o < ord; o++) {
      const lower = this.pods.get(`${this.set.metadata.name}-${o}`);
      assert.ok(lower && isRunningAndReady(lower) && !isTerminating(lower), `created ${pod.metadata.name} while ordinal ${o} is not Running+Ready`);
    }
  }
}
