// A compact constructor for the ResourceDefs of the built-in v1 kinds (core and the named groups), so each kind's
// file states only what differs from the common shape.
import type { ResourceDef, Strategy } from './types.js';
import { DEFAULT_VERBS } from './types.js';

export interface BuiltinResourceInput {
  group: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  strategy: Strategy;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  /** Shorthand for `subresources: { status: true }`. */
  status?: boolean;
  subresources?: ResourceDef['subresources'];
  tracksGeneration?: boolean;
  schemaPackage: string; // e.g. `storage.v1` → io.k8s.api.storage.v1.<Kind>
}

export function builtinResource(d: BuiltinResourceInput): ResourceDef {
  return {
    group: d.group,
    version: 'v1',
    kind: d.kind,
    listKind: `${d.kind}List`,
    resource: d.resource,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    verbs: d.verbs ?? DEFAULT_VERBS,
    subresources: d.subresources ?? (d.status ? { status: true } : {}),
    tracksGeneration: d.tracksGeneration ?? false,
    strategy: d.strategy,
    schemaName: `io.k8s.api.${d.schemaPackage}.${d.kind}`,
  };
}
