// The ConfigMaps, Secrets, PersistentVolumeClaims and PersistentVolumes a node's pods refer to, for a node agent
// that talks to the API as its node: the Node authorizer lets it get those objects one by one but never list them,
// so, as the kubelet's TTL-cache strategy for ConfigMaps and Secrets, each is fetched by name when a pod bound here
// refers to it and fetched again every refresh period while some pod does.
import { ApiError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { builtin, type ResourceDescriptor } from '../../client/resources.js';
import type { Pod } from '../../api/core.js';

type Kind = 'configmaps' | 'secrets' | 'persistentvolumeclaims' | 'persistentvolumes';
const RESOURCES: Record<Kind, ResourceDescriptor> = {
  configmaps: builtin.configMaps, secrets: builtin.secrets, persistentvolumeclaims: builtin.persistentVolumeClaims, persistentvolumes: builtin.persistentVolumes,
};
const REFRESH_MS = 10_000;

type Obj = Record<string, unknown>;
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === 'object' && x !== null) : []);
const name = (v: unknown): string | undefined => (typeof v === 'object' && v !== null && typeof (v as Obj).name === 'string' ? (v as Obj).name as string : undefined);

/** `kind/namespace/name` of every object the pod refers to (volumes, projected sources, env and envFrom). */
export function podReferences(pod: Pod): string[] {
  const ns = pod.metadata.namespace ?? '';
  const out = new Set<string>();
  const add = (kind: Kind, n: string | undefined) => n && out.add(`${kind}/${ns}/${n}`);
  const spec = pod.spec as unknown as Obj;
  for (const v of objs(spec.volumes)) {
    add('configmaps', name(v.configMap));
    add('secrets', typeof (v.secret as Obj | undefined)?.secretName === 'string' ? (v.secret as Obj).secretName as string : undefined);
    add('persistentvolumeclaims', typeof (v.persistentVolumeClaim as Obj | undefined)?.claimName === 'string' ? (v.persistentVolumeClaim as Obj).claimName as string : undefined);
    for (const s of objs((v.projected as Obj | undefined)?.sources)) {
      add('configmaps', name(s.configMap));
      add('secrets', name(s.secret));
    }
  }
  for (const c of [...objs(spec.initContainers), ...objs(spec.containers), ...objs(spec.ephemeralContainers)]) {
    for (const f of objs(c.envFrom)) {
      add('configmaps', name(f.configMapRef));
      add('secrets', name(f.secretRef));
    }
    for (const e of objs(c.env)) {
      const from = e.valueFrom as Obj | undefined;
      add('configmaps', name(from?.configMapKeyRef));
      add('secrets', name(from?.secretKeyRef));
    }
  }
  return [...out];
}

export class ReferencedObjects {
  private readonly cache = new Map<string, KubeObject>();
  /** key → uids of the pods referring to it */
  private readonly users = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly client: KubeClient, private readonly nodeName: string, private readonly onError: (e: unknown) => void) {
    this.timer = setInterval(() => {
      for (const key of this.users.keys()) this.fetch(key).catch(onError);
    }, REFRESH_MS);
    this.timer.unref();
  }

  get(kind: Kind, namespace: string, objName: string): KubeObject | undefined {
    return this.cache.get(`${kind}/${namespace}/${objName}`);
  }

  track(pod: Pod): void {
    if (pod.spec?.nodeName !== this.nodeName) return;
    for (const key of podReferences(pod)) {
      let u = this.users.get(key);
      if (!u) this.users.set(key, (u = new Set()));
      if (!u.has(pod.metadata.uid!)) {
        u.add(pod.metadata.uid!);
        this.fetch(key).catch(this.onError);
      }
    }
  }

  forget(pod: Pod): void {
    for (const [key, u] of this.users) {
      u.delete(pod.metadata.uid!);
      if (!u.size) {
        this.users.delete(key);
        this.cache.delete(key);
      }
    }
  }

  private async fetch(key: string): Promise<void> {
    const [kind, ns, objName] = key.split('/') as [Kind, string, string];
    try {
      const obj = await this.client.get(RESOURCES[kind], objName, ns ? { namespace: ns } : {});
      this.cache.set(key, obj);
      // a bound claim's volume comes with it
      const volume = kind === 'persistentvolumeclaims' ? (obj.spec as Obj | undefined)?.volumeName : undefined;
      if (typeof volume === 'string' && volume) {
        const pv = await this.client.get(builtin.persistentVolumes, volume);
        this.cache.set(`persistentvolumes//${volume}`, pv);
      }
    } catch (e) {
      if (e instanceof ApiError && (e.code === 404 || e.code === 403)) this.cache.delete(key);
      else throw e;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
