// Serves /openapi/v3 from the registry: documents are built lazily per group-version and rebuilt when the
// registry changes (CRDs come and go), so start-up pays nothing for them.
import type { TypeModel } from '../apimachinery/schema/types.js';
import { buildGroupVersionDoc, buildRootIndex, groupVersionPath, ResourceInput, serializeDoc } from '../openapi/v3.js';
import type { ResourceRegistry } from '../registry/registry.js';
import { openApiV2FromV3Docs } from '../openapi/v2.js';

export class OpenApiCache {
  private docs = new Map<string, { body: string; hash: string; parsed: unknown }>();
  private index: unknown;
  private builtAt = -1;
  // /openapi/v2: one document for everything, derived from the v3 documents on first request after a change.
  private v2Doc?: { builtAt: number; json?: string; proto?: Buffer; doc: unknown };

  constructor(private readonly registry: ResourceRegistry, private readonly model: TypeModel) {}

  root(): unknown {
    this.refresh();
    return this.index;
  }

  groupVersion(path: string): unknown | undefined {
    this.refresh();
    return this.docs.get(path.replace(/^\/+/, ''))?.parsed;
  }

  /** The Swagger 2.0 document, as JSON text or as gnostic protobuf; each form is encoded once per registry version. */
  async v2(format: 'json' | 'protobuf'): Promise<string | Buffer> {
    this.refresh();
    if (this.v2Doc?.builtAt !== this.builtAt) {
      this.v2Doc = { builtAt: this.builtAt, doc: openApiV2FromV3Docs([...this.docs.values()].map((d) => d.parsed as Record<string, unknown>)) };
    }
    const v2 = this.v2Doc;
    if (format === 'json') return (v2.json ??= JSON.stringify(v2.doc));
    if (!v2.proto) {
      // protobufjs loads on the first request for it (kubectl <= 1.30), not at start-up
      const { encodeOpenApiV2 } = await import('../openapi/v2-proto.js');
      v2.proto = Buffer.from(encodeOpenApiV2(v2.doc as Record<string, unknown>));
    }
    return v2.proto;
  }

  private refresh(): void {
    if (this.builtAt === this.registry.version) return;
    const docs = new Map<string, { body: string; hash: string; parsed: unknown }>();
    for (const { group, versions } of this.registry.groups()) {
      for (const version of versions) {
        const resources: ResourceInput[] = this.registry.resourcesOf(group, version).map((def) => ({
          resource: def.resource, kind: def.kind, namespaced: def.namespaced, schemaName: def.schemaName,
          jsonSchema: def.custom ? (def.customSchema?.openapi as ResourceInput['jsonSchema']) : undefined,
          subresources: { status: !!def.subresources.status, scale: !!def.subresources.scale },
          verbs: def.verbs,
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
