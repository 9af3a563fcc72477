// OpenAPI v3 documents as served under /openapi/v3: one document per group version, and the root index that
// points at them with a content hash (clients cache documents by that hash).
import { createHash } from 'node:crypto';
import { gvkKey, type TypeModel } from '../apimachinery/schema/types.js';
import { resourcePaths, type GVK } from './paths.js';
import { gvkExtension, reachableSchemas, renderSchemas, schemaRef, type JsonSchema } from './schemas.js';
import { KUBE_VERSION } from '../apimachinery/version.js';

export type { JsonSchema } from './schemas.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const SCALE_GVK: GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

export interface ResourceInput {
  /** Plural resource name, e.g. `statefulsets`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Component schema name; built-ins default to the model's name for the kind, CRDs to `com.example.v1.Kind`. */
  schemaName?: string;
  /** A CRD version's openAPIV3Schema; when given, the kind's schema comes from it instead of the model. */
  jsonSchema?: JsonSchema;
  subresources?: { status?: boolean; scale?: boolean };
  /** The verbs the resource serves (discovery's); operations for other verbs are left out. Default: all of them. */
  verbs?: readonly string[];
}

export interface GroupVersionDocInput {
  group: string;
  version: string;
  resources: ResourceInput[];
  model: TypeModel;
}

/** `/api/v1` style prefix without the leading slash: `api/v1` or `apis/apps/v1` (the root index key). */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Upstream's schema name for a custom resource: the group reversed, then version and kind. */
export function customResourceSchemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

export function buildGroupVersionDoc(input: GroupVersionDocInput): JsonSchema {
  const { group, version, model } = input;
  const roots = new Set<string>([META + 'Status', META + 'DeleteOptions', META + 'Patch', META + 'WatchEvent']);
  const extraSchemas: Record<string, JsonSchema> = {};
  let paths: Record<string, JsonSchema> = {};

  for (const res of input.resources) {
    const gvk: GVK = { group, version, kind: res.kind };
    let schemaName: string;
    let listSchemaName: string;
    if (res.jsonSchema) {
      schemaName = res.schemaName ?? customResourceSchemaName(group, version, res.kind);
      listSchemaName = `${schemaName}List`;
      extraSchemas[schemaName] = customResourceSchema(res.jsonSchema, gvk);
      extraSchemas[listSchemaName] = customResourceListSchema(schemaName, { ...gvk, kind: `${res.kind}List` });
      roots.add(META + 'ObjectMeta').add(META + 'ListMeta');
    } else {
      const name = res.schemaName ?? model.kinds.get(gvkKey(group, version, res.kind));
      if (!name) throw new Error(`no schema for ${gvkKey(group, version, res.kind)}`);
      schemaName = name;
      const listName = model.kinds.get(gvkKey(group, version, `${res.kind}List`));
      listSchemaName = listName ?? `${name}List`;
      roots.add(schemaName);
      if (listName) roots.add(listName);
    }
    let scale: { schemaName: string; gvk: GVK } | undefined;
    if (res.subresources?.scale) {
      const scaleName = model.kinds.get(gvkKey(SCALE_GVK.group, SCALE_GVK.version, SCALE_GVK.kind));
      if (scaleName) {
        scale = { schemaName: scaleName, gvk: SCALE_GVK };
        roots.add(scaleName);
      }
    }
    paths = {
      ...paths,
      ...resourcePaths({
        group, version, resource: res.resource, kind: res.kind, namespaced: res.namespaced, schemaName,
        listSchemaName, strategicMergePatch: !res.jsonSchema, status: res.subresources?.status === true, scale,
        verbs: res.verbs,
      }),
    };
  }

  const schemas = { ...renderSchemas(model, reachableSchemas(model, roots)), ...extraSchemas };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `${KUBE_VERSION}` },
    paths: sortKeys(paths),
    components: {
      schemas: sortKeys(schemas),
      securitySchemes: {
        BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The object with its keys in byte order, as Go's encoding/json writes a map (both OpenAPI documents use it). */
export function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A CRD's schema with the standard apiVersion/kind/metadata properties and its GVK, as upstream publishes it. */
function customResourceSchema(jsonSchema: JsonSchema, gvk: GVK): JsonSchema {
  const schema = structuredClone(jsonSchema);
  schema.type ??= 'object';
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  schema.properties = {
    apiVersion: { type: 'string', description: 'The versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'The REST resource this object represents.' },
    metadata: { allOf: [{ $ref: schemaRef(META + 'ObjectMeta') }], description: 'Standard object metadata.' },
    ...properties,
  };
  schema['x-kubernetes-group-version-kind'] = [gvkExtension(gvk)];
  return schema;
}

function customResourceListSchema(itemSchemaName: string, gvk: GVK): JsonSchema {
  return {
    description: `A list of ${gvk.kind.replace(/List$/, '')} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: 'The versioned schema of this representation of an object.' },
      items: { type: 'array', items: { $ref: schemaRef(itemSchemaName) } },
      kind: { type: 'string', description: 'The REST resource this object represents.' },
      metadata: { allOf: [{ $ref: schemaRef(META + 'ListMeta') }], description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [gvkExtension(gvk)],
  };
}

/** Serializes a document and computes the hash used in the root index (sha512, upper-case hex). */
export function serializeDoc(doc: JsonSchema): { body: string; hash: string } {
  const body = JSON.stringify(doc);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/** The /openapi/v3 index: `{"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=H"}}}`. */
export function buildRootIndex(gvDocs: { path: string; hash: string }[]): {
  paths: Record<string, { serverRelativeURL: string }>;
} {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { path, hash } of [...gvDocs].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const clean = path.replace(/^\/+/, '');
    paths[clean] = { serverRelativeURL: `/openapi/v3/${clean}?hash=${hash}` };
  }
  return { paths };
}

/** Builds and serializes every group-version document plus the root index, for serving. */
export function buildAllDocs(inputs: GroupVersionDocInput[]): {
  index: ReturnType<typeof buildRootIndex>;
  docs: Map<string, { body: string; hash: string }>;
} {
  const docs = new Map<string, { body: string; hash: string }>();
  for (const input of inputs) docs.set(groupVersionPath(input.group, input.version), serializeDoc(buildGroupVersionDoc(input)));
  const index = buildRootIndex([...docs].map(([path, { hash }]) => ({ path, hash })));
  return { index, docs };
}
