// The set of resources the server serves. Built-in kinds are added at start-up; CRDs add and remove entries while
// the server runs, so discovery and OpenAPI are computed from here on demand and listeners hear about changes.
import { ResourceDef } from './types.js';

type Listener = () => void;

export class ResourceRegistry {
  private readonly byGVR = new Map<string, ResourceDef>();
  private readonly byGVK = new Map<string, ResourceDef>();
  private readonly listeners = new Set<Listener>();
  private generation = 0;

  add(def: ResourceDef): void {
    this.byGVR.set(gvrKey(def.group, def.version, def.resource), def);
    this.byGVK.set(gvkKey(def.group, def.version, def.kind), def);
    this.changed();
  }

  remove(group: string, version: string, resource: string): void {
    const def = this.byGVR.get(gvrKey(group, version, resource));
    if (!def) return;
    this.byGVR.delete(gvrKey(group, version, resource));
    this.byGVK.delete(gvkKey(group, version, def.kind));
    this.changed();
  }

  lookup(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byGVR.get(gvrKey(group, version, resource));
  }

  byKind(group: string, version: string, kind: string): ResourceDef | undefined {
    return this.byGVK.get(gvkKey(group, version, kind));
  }

  /** Any served version of a group/kind (used to resolve ownerReferences and GC). */
  anyVersionOfKind(group: string, kind: string): ResourceDef | undefined {
    for (const def of this.byGVR.values()) if (def.group === group && def.kind === kind) return def;
    return undefined;
  }

  all(): ResourceDef[] {
    return [...this.byGVR.values()];
  }

  /** Groups in registration order, each with its versions in registration order. */
  groups(): { group: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const def of this.byGVR.values()) {
      const versions = out.get(def.group) ?? [];
      if (!versions.includes(def.version)) versions.push(def.version);
      out.set(def.group, versions);
    }
    return [...out].map(([group, versions]) => ({ group, versions }));
  }

  resourcesOf(group: string, version: string): ResourceDef[] {
    return [...this.byGVR.values()].filter((d) => d.group === group && d.version === version);
  }

  /** Bumped on every change; caches (discovery, OpenAPI) key on it. */
  get version(): number {
    return this.generation;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }
}

const gvrKey = (g: string, v: string, r: string) => `${g}/${v}/${r}`;
const gvkKey = (g: string, v: string, k: string) => `${g}/${v}/${k}`;
