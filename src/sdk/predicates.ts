// Event filters for controller sources, as controller-runtime's predicates: each says whether a create, update or
// delete should queue a reconcile. A missing function lets the event through.
import type { KubeObject } from '../apimachinery/types.js';

export interface Predicate<T extends KubeObject = KubeObject> {
  create?(obj: T): boolean;
  /** Also called for resyncs, where oldObj and newObj have the same resourceVersion. */
  update?(oldObj: T, newObj: T): boolean;
  delete?(obj: T): boolean;
}

export type EventKind = 'create' | 'update' | 'delete';

/** Whether every predicate lets the event through. */
export function passes<T extends KubeObject>(predicates: readonly Predicate<T>[] | undefined, kind: EventKind, obj: T, oldObj?: T): boolean {
  for (const p of predicates ?? []) if (!test(p, kind, obj, oldObj)) return false;
  return true;
}

function test<T extends KubeObject>(p: Predicate<T>, kind: EventKind, obj: T, oldObj?: T): boolean {
  switch (kind) {
    case 'create': return p.create ? p.create(obj) : true;
    case 'update': return p.update ? p.update(oldObj ?? obj, obj) : true;
    case 'delete': return p.delete ? p.delete(obj) : true;
  }
}

const sameStrings = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean => {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => b?.[k] === a?.[k]);
};

/** Updates pass only when metadata.generation moved (spec changes; status and metadata writes do not). */
export function generationChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => o.metadata.generation !== n.metadata.generation };
}

export function labelsChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => !sameStrings(o.metadata.labels, n.metadata.labels) };
}

export function annotationsChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => !sameStrings(o.metadata.annotations, n.metadata.annotations) };
}

/** Updates pass only when the resourceVersion changed: drops periodic resyncs. */
export function resourceVersionChanged<T extends KubeObject = KubeObject>(): Predicate<T> {
  return { update: (o, n) => o.metadata.resourceVersion !== n.metadata.resourceVersion };
}

/** A predicate from one function applied to every event's (new) object. */
export function matching<T extends KubeObject = KubeObject>(fn: (obj: T) => boolean): Predicate<T> {
  return { create: fn, update: (_o, n) => fn(n), delete: fn };
}

export function and<T extends KubeObject = KubeObject>(...ps: Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => ps.every((p) => test(p, 'create', obj)),
    update: (o, n) => ps.every((p) => test(p, 'update', n, o)),
    delete: (obj) => ps.every((p) => test(p, 'delete', obj)),
  };
}

export function or<T extends KubeObject = KubeObject>(...ps: Predicate<T>[]): Predicate<T> {
  return {
    create: (obj) => ps.some((p) => test(p, 'create', obj)),
    update: (o, n) => ps.some((p) => test(p, 'update', n, o)),
    delete: (obj) => ps.some((p) => test(p, 'delete', obj)),
  };
}

export function not<T extends KubeObject = KubeObject>(p: Predicate<T>): Predicate<T> {
  return {
    create: (obj) => !test(p, 'create', obj),
    update: (o, n) => !test(p, 'update', n, o),
    delete: (obj) => !test(p, 'delete', obj),
  };
}
