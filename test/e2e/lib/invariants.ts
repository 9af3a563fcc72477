// Watches pods, StatefulSets and claims of one namespace while a test runs and records every breach of the
// StatefulSet guarantees:
//   - two live pods of one set never hold the same ordinal;
//   - OrderedReady never creates ordinal N+1 before every ordinal from spec.ordinals.start up to N is Running and Ready;
//   - a claim whose retention policy says Retain is never deleted.
// Our view comes from watches, which deliver each resource's events in resourceVersion order; a pod's creation is
// checked against the predecessors as we last saw them, and the set's spec from a separate watch may lag by an
// event, so a failed check is re-evaluated once against the set as it looks a moment later.
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { SharedInformer } from '../../../src/client/informer.js';
import { builtin } from '../../../src/client/resources.js';
import type { Pod, StatefulSet } from '../../../src/controllers/statefulset/types.js';
import type { Cluster } from '../harness.js';

const POD_INDEX = 'apps.kubernetes.io/pod-index';

interface PodState { uid: string; runningReady: boolean }

export class StatefulSetInvariants {
  readonly violations: string[] = [];
  /** Pods created by each set's controller, in the order seen (name@uid). */
  readonly creations: string[] = [];
  private readonly client: KubeClient;
  private readonly podInformer: SharedInformer<Pod>;
  private readonly setInformer: SharedInformer<StatefulSet>;
  private readonly claimInformer: SharedInformer<KubeObject>;
  /** Last known spec of every set seen, kept after deletion for the claim rules. */
  private readonly sets = new Map<string, StatefulSet>();
  private readonly live = new Map<string, PodState>();
  private readonly allowedClaimDeletions = new Set<string>();
  private readonly reportedClaims = new Set<string>();
  private readonly pending: Promise<void>[] = [];

  private constructor(c: Pick<Cluster, 'kubeconfig'>, readonly namespace: string) {
    this.client = KubeClient.fromKubeconfig({ path: c.kubeconfig }, { userAgent: 'sts-invariants' });
    const opts = { namespace, onError: () => {} };
    this.podInformer = SharedInformer.forResource<Pod>(this.client, builtin.pods, opts);
    this.setInformer = SharedInformer.forResource<StatefulSet>(this.client, builtin.statefulSets, opts);
    this.claimInformer = SharedInformer.forResource<KubeObject>(this.client, builtin.persistentVolumeClaims, opts);
  }

  private static readonly running = new Set<StatefulSetInvariants>();
  private stopped?: Promise<void>;

  /** Stops every checker still watching (for after hooks, when a test failed half-way). */
  static async stopAll(): Promise<void> {
    await Promise.all([...StatefulSetInvariants.running].map((i) => i.stop()));
  }

  static async start(c: Pick<Cluster, 'kubeconfig'>, namespace: string): Promise<StatefulSetInvariants> {
    const inv = new StatefulSetInvariants(c, namespace);
    StatefulSetInvariants.running.add(inv);
    inv.setInformer.addEventHandler({
      onAdd: (s) => inv.sets.set(s.metadata.name!, s),
      onUpdate: (_o, s) => inv.sets.set(s.metadata.name!, s),
      onDelete: (s) => inv.sets.set(s.metadata.name!, { ...s, metadata: { ...s.metadata, deletionTimestamp: s.metadata.deletionTimestamp ?? 'gone' } }),
    });
    inv.podInformer.addEventHandler({
      onAdd: (p, initial) => inv.podAdded(p, initial),
      onUpdate: (_o, p) => inv.podUpdated(p),
      onDelete: (p) => inv.podDeleted(p),
    });
    inv.claimInformer.addEventHandler({
      onUpdate: (_o, pvc) => { if (pvc.metadata.deletionTimestamp) inv.claimDeleted(pvc); },
      onDelete: (pvc) => inv.claimDeleted(pvc),
    });
    inv.setInformer.run();
    await inv.setInformer.waitForSync();
    inv.podInformer.run();
    inv.claimInformer.run();
    await Promise.all([inv.podInformer.waitForSync(), inv.claimInformer.waitForSync()]);
    return inv;
  }

  /** A test that deletes a claim on purpose says so first. */
  allowClaimDeletion(name: string): void {
    this.allowedClaimDeletions.add(name);
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await Promise.all(this.pending);
      await Promise.all([this.podInformer.stop(), this.setInformer.stop(), this.claimInformer.stop()]);
      await this.client.close();
      StatefulSetInvariants.running.delete(this);
    })();
    return this.stopped;
  }

  /** Stops watching and throws when anything was breached. */
  async assertClean(): Promise<void> {
    await this.stop();
    if (this.violations.length) throw new Error(`StatefulSet invariants violated:\n  ${this.violations.join('\n  ')}`);
  }

  private ownerSet(p: KubeObject): string | undefined {
    const ref = p.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'StatefulSet');
    return ref?.name;
  }

  private ordinal(p: KubeObject, set: string): number | undefined {
    const label = p.metadata.labels?.[POD_INDEX];
    if (label !== undefined && /^\d+$/.test(label)) return Number(label);
    const m = new RegExp(`^${set.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(p.metadata.name ?? '');
    return m ? Number(m[1]) : undefined;
  }

  private static runningReady(p: Pod): boolean {
    return p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  }

  private podAdded(p: Pod, initial: boolean): void {
    const set = this.ownerSet(p);
    if (!set) return;
    const ord = this.ordinal(p, set);
    if (ord === undefined) return;
    const key = `${set}/${ord}`;
    const holder = this.live.get(key);
    if (holder && holder.uid !== p.metadata.uid) {
      this.violations.push(`two live pods hold ordinal ${ord} of ${set}: ${holder.uid} and ${p.metadata.uid} (${p.metadata.name})`);
    }
    this.live.set(key, { uid: p.metadata.uid!, runningReady: StatefulSetInvariants.runningReady(p) });
    if (initial) return;
    this.creations.push(`${p.metadata.name}@${p.metadata.uid}`);
    // the predecessors as they are now: the controller decided on a view no newer than ours
    const snapshot = new Map([...this.live].filter(([k]) => k.startsWith(`${set}/`)).map(([k, v]) => [Number(k.slice(set.length + 1)), v.runningReady]));
    const breach = () => this.orderedBreach(set, ord, snapshot);
    if (breach() === undefined) return;
    this.pending.push(new Promise<void>((resolve) => setTimeout(() => {
      const why = breach();
      if (why) this.violations.push(`OrderedReady created ${p.metadata.name} while ${why}`);
      resolve();
    }, 300)));
  }

  /** Why creating ordinal `ord` breaks OrderedReady, or undefined when it does not. */
  private orderedBreach(set: string, ord: number, predecessors: Map<number, boolean>): string | undefined {
    const s = this.sets.get(set);
    if (!s || (s.spec.podManagementPolicy ?? 'OrderedReady') !== 'OrderedReady') return undefined;
    const start = s.spec.ordinals?.start ?? 0;
    for (let k = start; k < ord; k++) {
      if (predecessors.get(k) !== true) return `ordinal ${k} was ${predecessors.has(k) ? 'not Running and Ready' : 'missing'}`;
    }
    return undefined;
  }

  private podUpdated(p: Pod): void {
    const set = this.ownerSet(p);
    const ord = set === undefined ? undefined : this.ordinal(p, set);
    if (set === undefined || ord === undefined) return;
    const cur = this.live.get(`${set}/${ord}`);
    if (cur && cur.uid === p.metadata.uid) cur.runningReady = StatefulSetInvariants.runningReady(p);
  }

  private podDeleted(p: Pod): void {
    for (const [key, v] of this.live) if (v.uid === p.metadata.uid) this.live.delete(key);
  }

  private claimDeleted(pvc: KubeObject): void {
    const name = pvc.metadata.name!;
    if (this.allowedClaimDeletions.has(name) || this.reportedClaims.has(name)) return;
    for (const s of this.sets.values()) {
      for (const t of s.spec.volumeClaimTemplates ?? []) {
        const prefix = `${t.metadata.name}-${s.metadata.name}-`;
        if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
        const policy = s.spec.persistentVolumeClaimRetentionPolicy ?? {};
        const setGone = !!s.metadata.deletionTimestamp;
        const rule = setGone ? 'whenDeleted' : 'whenScaled';
        if ((policy[rule] ?? 'Retain') === 'Retain') {
          this.reportedClaims.add(name);
          this.violations.push(`claim ${name} was deleted although ${s.metadata.name}'s ${rule} policy is Retain`);
        }
        return;
      }
    }
  }
}
