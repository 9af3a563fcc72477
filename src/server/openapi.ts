// Serves /openapi/v3 from the registry: documents are built lazily per group-version and rebuilt when the
// registry changes (CRDs come and go), so start-up pays nothing for them.
import type { TypeModel } from '../apimachinery/schema/types.js';
import { buildGroupVersionDoc, buildRootIndex, groupVersionPath, ResourceInput, serializeDoc } from '../openapi/v3.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';

export class OpenApiCache {
  private docs = new Map<string, { body: string; hash: string; parsed: unknown }>();
  private index: unknown;
  private builtAt = -1;

  constructor(private readonly registry: ResourceRegistry, private readonly model: TypeModel, private readonly customSchema?: (def: ResourceDef) => ResourceInput['jsonSchema']) {}

  root(): unknown {
    this.refresh();
    return this.index;
  }

  groupVersion(path: string): unknown | undefined {
    this.refresh();
    return this.docs.get(path.replace(/^\/+/, ''))?.parsed;
  }

  private refresh(): void {
    if (this.builtAt === this.registry.version) return;
    const docs = new Map<string, { body: string; hash: string; parsed: unknown }>();
    for (const { group, versions } of this.registry.groups()) {
      for (const version of versions) {
        const resources: ResourceInput[] = this.registry.resourcesOf(group, version).map((def) => ({
          resource: def.resource, kind: def.kind, namespaced: def.namespaced, schemaName: def.schemaName,
          jsonSchema: def.custom ? this.customSchema?.(def) : undefined,
          subresources: { status: !!def.subresources.status, scale: !!def.subresources.scale },
        }));
        const doc = buildGroupVersionDoc({ group, version, resources, model: this.model });
        const { body, hash } = serializeDoc(doc);
        docs.set(groupVersionPath(group, version), { body, hash, parsed: doc });
      }
    }
    this.docs = docs;
    this.index = buildRootIndex([...docs].map(([path, d]) => ({ path, hash: d.hash })));
    this.builtAt = this.registry.version;
  }
}
