// Pruning of fields a structural schema does not declare (pruning/algorithm.go), plus the ObjectMeta coercion of
// metadata that pruning leaves alone (objectmeta/coerce.go): the root object and every
// x-kubernetes-embedded-resource keep apiVersion/kind/metadata, and metadata keeps only ObjectMeta's fields.
import type { SchemaNode } from './model.js';
import { isPlainObject } from './model.js';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);
export const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
]);

class PathTracker {
  readonly unknown: string[] = [];
  constructor(private readonly record: boolean) {}
  key(parent: string, k: string): string { return parent ? `${parent}.${k}` : k; }
  index(parent: string, i: number): string { return `${parent}[${i}]`; }
  note(path: string): void { if (this.record) this.unknown.push(path); }
}

/**
 * Walks `obj` against the schema. With `drop` it deletes what is unknown; it always returns the unknown paths
 * (sorted, like upstream) such as `spec.foo` or `spec.items[0].bar`.
 */
export function pruneWalk(root: SchemaNode, obj: unknown, drop: boolean, asResourceRoot = true): string[] {
  const t = new PathTracker(true);
  const rootSchema: SchemaNode = root.embeddedResource || !asResourceRoot ? root : { ...root, embeddedResource: true };
  prune(obj, rootSchema, '', t, drop);
  if (asResourceRoot && isPlainObject(obj)) coerceMeta(obj, 'metadata', t, drop);
  t.unknown.sort();
  return t.unknown;
}

function prune(x: unknown, s: SchemaNode | undefined, path: string, t: PathTracker, drop: boolean): void {
  if (s?.preserveUnknownFields) return skipPrune(x, s, path, t, drop);
  if (isPlainObject(x)) {
    if (!s) {
      for (const k of Object.keys(x)) {
        t.note(t.key(path, k));
        if (drop) delete x[k];
      }
      return;
    }
    pruneFields(x, s, path, t, drop, false);
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => prune(v, s?.items, t.index(path, i), t, drop));
  }
}

/** Under x-kubernetes-preserve-unknown-fields unknown keys stay, but declared ones are still pruned inside. */
function skipPrune(x: unknown, s: SchemaNode | undefined, path: string, t: PathTracker, drop: boolean): void {
  if (!s) return;
  if (isPlainObject(x)) pruneFields(x, s, path, t, drop, true);
  else if (Array.isArray(x)) x.forEach((v, i) => skipPrune(v, s.items, t.index(path, i), t, drop));
}

function pruneFields(x: Record<string, unknown>, s: SchemaNode, path: string, t: PathTracker, drop: boolean, keepUnknown: boolean): void {
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(k)) {
      if (k === 'metadata' && path !== '') coerceMeta(x, t.key(path, k), t, drop);
      continue;
    }
    const prop = s.properties?.get(k);
    if (prop) prune(x[k], prop, t.key(path, k), t, drop);
    else if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
      prune(x[k], typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined, t.key(path, k), t, drop);
    } else if (!keepUnknown) {
      if (!META_FIELDS.has(k) || path !== '') t.note(t.key(path, k));
      if (drop) delete x[k];
    }
  }
}
/** Metadata keeps only ObjectMeta's fields (what a round trip through the Go type does). */
function coerceMeta(owner: Record<string, unknown>, path: string, t: PathTracker, drop: boolean): void {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const meta = owner[key];
  if (!isPlainObject(meta)) return;
  for (const k of Object.keys(meta)) {
    if (OBJECT_META_FIELDS.has(k)) continue;
    t.note(`${path}.${k}`);
    if (drop) delete meta[k];
  }
}
