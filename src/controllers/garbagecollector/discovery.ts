// What the server serves, read through the API's discovery documents (/api/v1, /apis, /apis/<g>/<v>) as
// client-go's discovery client does, so CRD-served kinds are found exactly like built-in ones. The garbage collector
// and the namespace controller both work from this list.
import { isNotFound } from '../../apimachinery/errors.js';
import { parseApiVersion } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { groupVersionPath, type ResourceDescriptor } from '../../client/resources.js';

export interface ApiResource extends ResourceDescriptor {
  kind: string;
  verbs: string[];
}

interface APIResourceList {
  groupVersion?: string;
  resources?: { name: string; namespaced: boolean; kind: string; verbs?: string[] }[];
}

interface APIGroupList {
  groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[];
}

/** One discovery pass: every resource of every served version, and per group the preferred view. */
export class DiscoveredResources {
  private readonly byGroupKind = new Map<string, ApiResource[]>();

  /**
   * `all`: every top-level resource of every version. `preferred`: each resource once, from its group's preferred
   * version when served there, else from the first version serving it (client-go's ServerPreferredResources).
   * `failed`: group versions whose document could not be read (their resources are missing from both).
   */
  constructor(readonly all: ApiResource[], readonly preferred: ApiResource[], readonly failed: string[]) {
    for (const r of all) {
      const key = `${r.group}/${r.kind}`;
      const list = this.byGroupKind.get(key) ?? [];
      list.push(r);
      this.byGroupKind.set(key, list);
    }
  }

  /** The resource serving `kind` at `apiVersion`; any version of the group will do, since every version serves the same objects. */
  forKind(apiVersion: string, kind: string): ApiResource | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    const candidates = this.byGroupKind.get(`${group}/${kind}`);
    if (!candidates) return undefined;
    return candidates.find((r) => r.version === version) ?? candidates[0];
  }

  /** Preferred resources supporting every verb in `verbs`. */
  supporting(...verbs: string[]): ApiResource[] {
    return this.preferred.filter((r) => verbs.every((v) => r.verbs.includes(v)));
  }
}

export async function discoverResources(client: KubeClient): Promise<DiscoveredResources> {
  const groups = await client.rest.request<APIGroupList>({ method: 'GET', path: '/apis' });
  // Core first, then each group with its preferred version first.
  const versionsByGroup: { group: string; versions: string[] }[] = [{ group: '', versions: ['v1'] }];
  for (const g of groups.groups ?? []) {
    const versions = (g.versions ?? []).map((v) => v.version);
    const preferred = g.preferredVersion?.version;
    if (preferred && versions.includes(preferred)) versions.sort((a, b) => Number(b === preferred) - Number(a === preferred));
    versionsByGroup.push({ group: g.name, versions });
  }
  const failed: string[] = [];
  const docs = await Promise.all(versionsByGroup.map(({ group, versions }) => Promise.all(versions.map(async (version) => {
    try {
      return { version, list: await client.rest.request<APIResourceList>({ method: 'GET', path: groupVersionPath({ group, version }) }) };
    } catch (e) {
      // A group version that vanished between the two reads (a CRD version removed) is simply not served.
      if (!isNotFound(e)) failed.push(group ? `${group}/${version}` : version);
      return { version, list: {} as APIResourceList };
    }
  }))));
  const all: ApiResource[] = [];
  const preferred: ApiResource[] = [];
  versionsByGroup.forEach(({ group }, i) => {
    const seen = new Set<string>();
    for (const { version, list } of docs[i]) {
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        const res: ApiResource = { group, version, resource: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [] };
        all.push(res);
        if (!seen.has(r.name)) {
          seen.add(r.name);
          preferred.push(res);
        }
      }
    }
  });
  return new DiscoveredResources(all, preferred, failed);
}

/** `group/resource`, the identity of a resource across its versions. */
export function groupResourceKey(r: Pick<ResourceDescriptor, 'group' | 'resource'>): string {
  return `${r.group}/${r.resource}`;
}
