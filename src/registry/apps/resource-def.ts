// A compact constructor for the ResourceDefs of the built-in kinds, so each group file states only what differs.
import type { ResourceDef, Strategy } from '../types.js';
import { DEFAULT_VERBS } from '../types.js';

export function builtinResource(d: {
  group: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  strategy: Strategy;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  tracksGeneration?: boolean;
  schemaPackage: string; // e.g. `storage.v1` → io.k8s.api.storage.v1.<Kind>
}): ResourceDef {
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
    verbs: DEFAULT_VERBS,
    subresources: d.status ? { status: true } : {},
    tracksGeneration: d.tracksGeneration ?? false,
    strategy: d.strategy,
    schemaName: `io.k8s.api.${d.schemaPackage}.${d.kind}`,
  };
}
