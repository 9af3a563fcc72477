// The informer's local cache: objects keyed `namespace/name` (or `name` for cluster-scoped kinds) with secondary
// indexes maintained on every write. Cached objects are shared between all readers: treat them as read-only and
// copy (structuredClone) before modifying.
import type { KubeObject } from '../apimachinery/types.js';

/** Values an object is filed under in one index. */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';
export const CONTROLLER_UID_INDEX = 'controllerUid';

export function objectKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : String(name);
}

export function splitObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export const indexByNamespace: IndexFunc = (obj) => [obj.metadata.namespace ?? ''];

/** Files an object under the uid of its controller owner, so a controller finds what its object owns. */
export const indexByControllerUid: IndexFunc = (obj) => {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? [ref.uid] : [];
};

/** What a replace changed: the informer turns exactly this into handler calls. */
export interface ReplaceDiff<T extends KubeObject> {
  added: T[];
  updated: { old: T; new: T }[];
  deleted: T[];
}

export class ObjectCache<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  // index name → indexed value → key → object (the objects themselves, so listing an index needs no second lookup)
  private readonly indices = new Map<string, Map<string, Map<string, T>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: indexByNamespace as IndexFunc<T>, ...indexers });
  }

  /** Adds indexes; existing objects are indexed at once. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new Error(`indexer "${name}" already exists`);
      this.indexers.set(name, fn);
      this.indices.set(name, new Map());
      for (const [key, obj] of this.items) this.fileUnder(name, fn(obj), key, obj);
    }
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    const filed = this.index(indexName).get(value);
    return filed ? [...filed.values()] : [];
  }

  indexKeys(indexName: string, value: string): string[] {
    const filed = this.index(indexName).get(value);
    return filed ? [...filed.keys()] : [];
  }

  byNamespace(namespace: string): T[] {
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** Adds or replaces; returns the previous object. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.fileUnder(name, fn(obj), key, obj);
    return old;
  }

  /** Removes by key; returns the object that was cached. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /**
   * Makes the cache hold exactly `objs` and reports the real differences: objects whose resourceVersion did not
   * change are not updates.
   */
  replace(objs: T[]): ReplaceDiff<T> {
    const diff: ReplaceDiff<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objs) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.items.get(key);
      if (!old) diff.added.push(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) diff.updated.push({ old, new: obj });
      else continue; // unchanged: keep the cached instance
      this.upsert(obj);
    }
    for (const key of [...this.items.keys()]) {
      if (!seen.has(key)) diff.deleted.push(this.remove(key)!);
    }
    return diff;
  }

  private index(indexName: string): Map<string, Map<string, T>> {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    return index;
  }

  private fileUnder(indexName: string, values: string[], key: string, obj: T): void {
    const index = this.indices.get(indexName)!;
    for (const v of values) {
      let filed = index.get(v);
      if (!filed) index.set(v, (filed = new Map()));
      filed.set(key, obj);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(v);
      }
    }
  }
}
