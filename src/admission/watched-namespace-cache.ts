// The objects of one kind per namespace, kept in memory from a storage watch (as upstream admission plugins keep an
// informer): a create in a namespace without any answers without touching storage. Watch delivery is synchronous
// with the write, so an object is known here before its create has returned.
import type { KubeObject } from '../apimachinery/types.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceDef } from '../registry/types.js';

export class WatchedNamespaceCache<T extends KubeObject> {
  private byNamespace?: Map<string, Map<string, T>>;
  private loading?: Promise<Map<string, Map<string, T>>>;

  constructor(private readonly objects: GenericStore, private readonly def: ResourceDef) {}

  /** The objects of the namespace (the cached instances: read only). */
  async list(namespace: string): Promise<T[]> {
    const all = await this.load();
    const m = all.get(namespace);
    return m ? [...m.values()] : [];
  }

  private load(): Promise<Map<string, Map<string, T>>> {
    if (this.byNamespace) return Promise.resolve(this.byNamespace);
    this.loading ??= (async () => {
      const known = new Map<string, Map<string, T>>();
      await this.objects.watch(this.def, '', { resourceVersion: '' }, (type, obj) => {
        const ns = obj.metadata.namespace ?? '';
        let m = known.get(ns);
        if (type === 'DELETED') {
          m?.delete(obj.metadata.name ?? '');
          if (m?.size === 0) known.delete(ns);
          return;
        }
        if (!m) known.set(ns, (m = new Map()));
        m.set(obj.metadata.name ?? '', obj as T);
      });
      this.byNamespace = known;
      return known;
    })();
    return this.loading;
  }
}
