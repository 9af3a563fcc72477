// CRDs from code: one TypeBox schema gives both the TypeScript type of a custom resource and its
// apiextensions.k8s.io/v1 CustomResourceDefinition with a structural openAPIV3Schema.
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { KubeObject, ObjectMeta } from '../apimachinery/types.js';
import type { ResourceDescriptor } from '../client/resources.js';

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface KindSpec<S extends TObject, St extends TObject | undefined> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular?: string;
  shortNames?: string[];
  listKind?: string;
  scope: 'Namespaced' | 'Cluster';
  /** Schema of `spec`. */
  schema: S;
  /** Schema of `status`. */
  status?: St;
  /** Default: the status subresource when there is a status schema. */
  subresources?: { status?: boolean; scale?: ScaleSubresource };
  printerColumns?: PrinterColumn[];
  categories?: string[];
  /** Document-level description of the kind. */
  description?: string;
}

/** The object type of a kind: metadata plus typed spec and status. */
export interface CustomResource<Spec, Status = unknown> extends KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export interface KindDefinition<S extends TObject = TObject, St extends TObject | undefined = TObject | undefined> {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly apiVersion: string;
  readonly plural: string;
  readonly resource: ResourceDescriptor;
  readonly spec: KindSpec<S, St>;
  /** The CustomResourceDefinition manifest. */
  crd(): CustomResourceDefinitionManifest;
  /** A new object with apiVersion/kind filled in. */
  create(metadata: ObjectMeta, spec: Static<S>): KindObject<KindDefinition<S, St>>;
  /** Type-only marker: use KindObject<typeof def>. Always undefined at run time. */
  readonly $object?: CustomResource<Static<S>, St extends TObject ? Static<St> : unknown>;
}

/** The TypeScript type of objects of a defineKind result. */
export type KindObject<K extends KindDefinition<any, any>> = NonNullable<K['$object']>;
export type KindSpecType<K extends KindDefinition<any, any>> = KindObject<K>['spec'];
export type KindStatusType<K extends KindDefinition<any, any>> = NonNullable<KindObject<K>['status']>;

export interface CustomResourceDefinitionManifest extends KubeObject {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  spec: Record<string, unknown>;
}

export function defineKind<S extends TObject, St extends TObject | undefined = undefined>(spec: KindSpec<S, St>): KindDefinition<S, St> {
  const singular = spec.singular ?? spec.kind.toLowerCase();
  if (spec.plural !== spec.plural.toLowerCase()) throw new Error(`plural "${spec.plural}" must be lower case`);
  const apiVersion = `${spec.group}/${spec.version}`;
  const resource: ResourceDescriptor = { group: spec.group, version: spec.version, resource: spec.plural, kind: spec.kind, namespaced: spec.scope === 'Namespaced' };
  return {
    group: spec.group, version: spec.version, kind: spec.kind, apiVersion, plural: spec.plural, resource, spec,
    crd: () => buildCrd(spec, singular),
    create: (metadata, s) => ({ apiVersion, kind: spec.kind, metadata, spec: s }) as KindObject<KindDefinition<S, St>>,
  };
}

/** Whether a value is a defineKind result (used by `berth crd print`). */
export function isKindDefinition(v: unknown): v is KindDefinition {
  return typeof v === 'object' && v !== null && typeof (v as KindDefinition).crd === 'function' && typeof (v as KindDefinition).resource === 'object';
}

function buildCrd(spec: KindSpec<TObject, TObject | undefined>, singular: string): CustomResourceDefinitionManifest {
  const properties: Record<string, unknown> = {
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    metadata: { type: 'object' },
    spec: toOpenApi(spec.schema),
  };
  if (spec.status) properties.status = toOpenApi(spec.status);
  const root: Record<string, unknown> = { type: 'object' };
  if (spec.description) root.description = spec.description;
  root.properties = properties;
  root.required = ['spec'];

  const version: Record<string, unknown> = { name: spec.version, served: true, storage: true, schema: { openAPIV3Schema: root } };
  const statusOn = spec.subresources?.status ?? !!spec.status;
  const subresources: Record<string, unknown> = {};
  if (statusOn) subresources.status = {};
  if (spec.subresources?.scale) subresources.scale = { ...spec.subresources.scale };
  if (Object.keys(subresources).length) version.subresources = subresources;
  if (spec.printerColumns?.length) version.additionalPrinterColumns = spec.printerColumns.map((c) => ({ ...c }));

  const names: Record<string, unknown> = { kind: spec.kind, listKind: spec.listKind ?? `${spec.kind}List`, plural: spec.plural, singular };
  if (spec.shortNames?.length) names.shortNames = [...spec.shortNames];
  if (spec.categories?.length) names.categories = [...spec.categories];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${spec.group}` },
    spec: { group: spec.group, names, scope: spec.scope, versions: [version] },
  };
}

// JSONSchemaProps fields the API server accepts; everything else TypeBox may emit is dropped.
const ALLOWED = new Set([
  'description', 'type', 'format', 'title', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties',
  'example', 'nullable',
]);

/**
 * A TypeBox schema as a structural openAPIV3Schema: symbols and $id dropped, `const` and literal unions as `enum`,
 * `Type.Union([X, Type.Null()])` as nullable X, records as additionalProperties, `Type.Any()`/`Type.Unknown()`
 * and open objects as x-kubernetes-preserve-unknown-fields, draft-2019 numeric exclusive bounds as OpenAPI v3's
 * boolean ones. x-kubernetes-* keys given as TypeBox options are kept.
 */
export function toOpenApi(schema: TSchema | Record<string, unknown>): Record<string, unknown> {
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};

  // Unions: nullable X, or a set of literals.
  const anyOf = (s.anyOf ?? s.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(anyOf)) {
    const nonNull = anyOf.filter((b) => b.type !== 'null');
    const nullable = nonNull.length < anyOf.length;
    if (nonNull.length > 0 && nonNull.every((b) => 'const' in b)) {
      const types = new Set(nonNull.map((b) => (b.type as string | undefined) ?? jsonType(b.const)));
      if (types.size === 1) {
        Object.assign(out, { type: [...types][0], enum: nonNull.map((b) => b.const) });
        if (nullable) out.nullable = true;
        copyCommon(s, out);
        return out;
      }
    }
    if (nonNull.length === 1) {
      const inner = toOpenApi(nonNull[0]);
      if (nullable) inner.nullable = true;
      copyCommon(s, inner);
      return inner;
    }
    // A genuine union: structural schemas want the type outside; keep branches as validation only.
    out['x-kubernetes-int-or-string'] = undefined;
    const branchTypes = new Set(nonNull.map((b) => b.type));
    if (branchTypes.size === 2 && branchTypes.has('integer') && branchTypes.has('string')) {
      out['x-kubernetes-int-or-string'] = true;
      if (nullable) out.nullable = true;
      copyCommon(s, out);
      return clean(out);
    }
    out['x-kubernetes-preserve-unknown-fields'] = true;
    if (nullable) out.nullable = true;
    copyCommon(s, out);
    return clean(out);
  }

  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) out[k] = v;
    else if (!ALLOWED.has(k)) continue;
    else if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, TSchema>).map(([name, p]) => [name, toOpenApi(p)]));
    } else if (k === 'items') {
      out.items = Array.isArray(v) ? toOpenApi((v as TSchema[])[0] ?? {}) : toOpenApi(v as TSchema);
    } else if (k === 'additionalProperties') {
      if (typeof v === 'object' && v !== null) out.additionalProperties = toOpenApi(v as TSchema);
      else if (v === true) out['x-kubernetes-preserve-unknown-fields'] = true;
      // false: the structural default (unknown fields are pruned)
    } else if ((k === 'exclusiveMaximum' || k === 'exclusiveMinimum') && typeof v === 'number') {
      out[k === 'exclusiveMaximum' ? 'maximum' : 'minimum'] = v;
      out[k] = true;
    } else if (k === 'allOf' || k === 'not') {
      // intersections/negations would need structural copies; TypeBox's Intersect is flattened below
    } else if (k === 'required') {
      if (Array.isArray(v) && v.length) out.required = [...v];
    } else out[k] = v;
  }
  if ('const' in s) {
    out.enum = [s.const];
    out.type ??= jsonType(s.const);
  }
  // Records: TypeBox writes patternProperties; Kubernetes knows only additionalProperties.
  const pattern = s.patternProperties as Record<string, TSchema> | undefined;
  if (pattern && Object.keys(pattern).length) {
    out.type = 'object';
    out.additionalProperties = toOpenApi(Object.values(pattern)[0]);
  }
  // Intersections of objects: merge their properties.
  if (Array.isArray(s.allOf) && (s.allOf as Record<string, unknown>[]).every((b) => b.type === 'object')) {
    const merged = { type: 'object', properties: {} as Record<string, unknown>, required: [] as string[] };
    for (const b of s.allOf as Record<string, unknown>[]) {
      Object.assign(merged.properties, b.properties ?? {});
      merged.required.push(...((b.required as string[] | undefined) ?? []));
    }
    Object.assign(out, toOpenApi(merged));
  }
  // No type at all (Type.Any / Type.Unknown): keep whatever comes.
  if (out.type === undefined && !out['x-kubernetes-int-or-string'] && !out.properties) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  // properties + additionalProperties are mutually exclusive in structural schemas.
  if (out.properties && out.additionalProperties !== undefined) delete out.additionalProperties;
  return out;
}

function copyCommon(from: Record<string, unknown>, to: Record<string, unknown>): void {
  for (const k of ['description', 'default', 'title', 'example']) if (from[k] !== undefined) to[k] = from[k];
  for (const [k, v] of Object.entries(from)) if (k.startsWith('x-kubernetes-')) to[k] = v;
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function jsonType(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : 'string';
}
