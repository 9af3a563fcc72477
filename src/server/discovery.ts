// Discovery documents, computed from the registry: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated
// (apidiscovery.k8s.io v2 and v2beta1, which kubectl 1.27–1.33 ask for and only trust when the response
// Content-Type echoes the same g/v/as parameters). A subresource is listed only while something serves it (the
// generic status/scale/finalize paths, or a handler registered in ServerContext.subresources): clients act on
// discovery (`kubectl drain` reads a missing pods/eviction as "evict by delete", a listed but unserved one as done).
import { apiVersionOf } from '../apimachinery/types.js';
import { ResourceRegistry } from '../registry/registry.js';
import { ResourceDef } from '../registry/types.js';
import { parseAccept } from './codec.js';

const SUB_VERBS = ['get', 'patch', 'update'];

/** Whether a subresource of `def` answers requests right now. */
export type SubresourceServed = (def: ResourceDef, subresource: string) => boolean;

export function legacyApiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(registry: ResourceRegistry) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().filter((g) => g.group !== '').map((g) => apiGroup(g.group, g.versions)),
  };
}

export function apiGroup(group: string, versions: string[]) {
  const gvs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupDoc(registry: ResourceRegistry, group: string) {
  const g = registry.groups().find((x) => x.group === group);
  if (!g) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, g.versions) };
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string, served: SubresourceServed) {
  const defs = registry.resourcesOf(group, version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const def of defs) {
    const r: Record<string, unknown> = { name: def.resource, singularName: def.singular, namespaced: def.namespaced, kind: def.kind, verbs: def.verbs };
    if (def.shortNames.length) r.shortNames = def.shortNames;
    if (def.categories.length) r.categories = def.categories;
    resources.push(r);
    for (const sub of subresourcesOf(def, served)) {
      const s: Record<string, unknown> = { name: `${def.resource}/${sub.name}`, singularName: '', namespaced: def.namespaced, kind: sub.kind, verbs: sub.verbs };
      if (sub.group !== undefined) { s.group = sub.group; s.version = sub.version; }
      resources.push(s);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

interface Sub { name: string; kind: string; verbs: string[]; group?: string; version?: string }

function subresourcesOf(def: ResourceDef, served: SubresourceServed): Sub[] {
  const subs: Sub[] = [];
  if (def.subresources.scale) subs.push({ name: 'scale', kind: 'Scale', verbs: SUB_VERBS, group: 'autoscaling', version: 'v1' });
  if (def.subresources.status) subs.push({ name: 'status', kind: def.kind, verbs: SUB_VERBS });
  for (const o of def.subresources.others ?? []) {
    if (served(def, o.name)) subs.push({ name: o.name, kind: o.kind, verbs: o.verbs, group: o.group, version: o.version });
  }
  return subs.sort((a, b) => a.name.localeCompare(b.name));
}

/** Which aggregated discovery version the client asked for, if any. */
export function aggregatedDiscoveryVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const r of parseAccept(accept)) {
    if (r.type === 'application/json' && r.params.g === 'apidiscovery.k8s.io' && r.params.as === 'APIGroupDiscoveryList') {
      if (r.params.v === 'v2' || r.params.v === 'v2beta1') return r.params.v;
    }
    if (r.type === 'application/json' && !r.params.as) return undefined;
  }
  return undefined;
}

export function aggregatedContentType(v: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

/** `/api` (core only) or `/apis` (every named group) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean, v: 'v2' | 'v2beta1', served: SubresourceServed) {
  const items = registry.groups()
    .filter((g) => (legacy ? g.group === '' : g.group !== ''))
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: registry.resourcesOf(g.group, version).map((def) => resourceDiscovery(def, served)),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}

function resourceDiscovery(def: ResourceDef, served: SubresourceServed) {
  const r: Record<string, unknown> = {
    resource: def.resource,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames.length) r.shortNames = def.shortNames;
  if (def.categories.length) r.categories = def.categories;
  const subs = subresourcesOf(def, served);
  if (subs.length) {
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? def.group, version: s.version ?? def.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}
