// What the Node authorizer needs to know (plugin/pkg/auth/authorizer/node/graph.go, reduced): which pods are bound
// to each node, and which Secrets, ConfigMaps, PersistentVolumeClaims and ServiceAccount each of them references.
// Kept current from storage, synchronously with each write.
import type { KubeObject } from '../../apimachinery/types.js';
import { prefixFor } from '../../storage/helpers.js';
import type { Store, StoreEvent, Watcher } from '../../storage/interface.js';
import type { Pod, PodSpec } from '../../api/generated/core-v1.js';

export interface PodRefs {
  namespace: string;
  nodeName: string;
  serviceAccount: string;
  secrets: Set<string>;
  configMaps: Set<string>;
  claims: Set<string>;
}

/** The objects a pod references (graph_populator's AddPod edges). */
export function podRefs(pod: KubeObject): PodRefs {
  const spec: Partial<PodSpec> = (pod as Pod).spec ?? {};
  const refs: PodRefs = {
    namespace: pod.metadata.namespace ?? '', nodeName: spec.nodeName ?? '', serviceAccount: spec.serviceAccountName ?? '',
    secrets: new Set(), configMaps: new Set(), claims: new Set(),
  };
  const add = (set: Set<string>, name: string | undefined) => { if (name) set.add(name); };
  for (const s of spec.imagePullSecrets ?? []) add(refs.secrets, s.name);
  for (const v of spec.volumes ?? []) {
    add(refs.secrets, v.secret?.secretName);
    add(refs.configMaps, v.configMap?.name);
    add(refs.claims, v.persistentVolumeClaim?.claimName);
    add(refs.secrets, v.csi?.nodePublishSecretRef?.name);
    if (v.ephemeral && pod.metadata.name && v.name) refs.claims.add(`${pod.metadata.name}-${v.name}`);
    for (const p of v.projected?.sources ?? []) {
      add(refs.secrets, p.secret?.name);
      add(refs.configMaps, p.configMap?.name);
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.env ?? []) {
      add(refs.secrets, e.valueFrom?.secretKeyRef?.name);
      add(refs.configMaps, e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add(refs.secrets, e.secretRef?.name);
      add(refs.configMaps, e.configMapRef?.name);
    }
  }
  return refs;
}

export class NodeGraph {
  private readonly pods = new Map<string, PodRefs>();
  private readonly byNode = new Map<string, Set<string>>();
  private watcher?: Watcher;

  static async start(store: Store): Promise<NodeGraph> {
    const g = new NodeGraph();
    const prefix = prefixFor('', 'pods');
    const listed = await store.list(prefix);
    for (const item of listed.items) g.apply('ADDED', item.key, item.value);
    g.watcher = store.watch(prefix, listed.revision, (ev: StoreEvent) => g.apply(ev.type, ev.key, ev.object));
    return g;
  }

  stop(): void {
    this.watcher?.stop();
  }

  private apply(type: StoreEvent['type'], key: string, pod: KubeObject): void {
    const old = this.pods.get(key);
    if (old) this.byNode.get(old.nodeName)?.delete(key);
    if (type === 'DELETED') {
      this.pods.delete(key);
      return;
    }
    const refs = podRefs(pod);
    if (!refs.nodeName) {
      this.pods.delete(key);
      return;
    }
    this.pods.set(key, refs);
    let set = this.byNode.get(refs.nodeName);
    if (!set) this.byNode.set(refs.nodeName, (set = new Set()));
    set.add(key);
  }

  /** The references of the pods bound to `node` in `namespace`. */
  *podsOn(node: string, namespace?: string): Generator<PodRefs> {
    for (const key of this.byNode.get(node) ?? []) {
      const refs = this.pods.get(key);
      if (refs && (namespace === undefined || refs.namespace === namespace)) yield refs;
    }
  }
}
