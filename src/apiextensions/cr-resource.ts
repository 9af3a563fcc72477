// The ResourceDefs a CRD serves: one per served version, as upstream's crdHandler builds a storage and strategy per
// version (pkg/apiserver/customresource_handler.go, pkg/registry/customresource). All versions share one storage
// key; objects are stored as the storage version and only their apiVersion changes (conversion strategy None).
import type { FieldError } from '../apimachinery/field-errors.js';
import { invalid } from '../apimachinery/field-errors.js';
import { jsonEqual } from '../apimachinery/json.js';
import { jsonSchemaType, modelType } from '../apimachinery/managedfields/schema.js';
import type { TypeModel } from '../apimachinery/schema/types.js';
import { apiVersionOf, type KubeObject } from '../apimachinery/types.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../apimachinery/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../apimachinery/validation/objectmeta.js';
import { ageTablePrinter, customResourcePrinter } from '../printers/index.js';
import { specChanged } from '../registry/object-meta.js';
import { DEFAULT_VERBS, type ResourceDef, type Strategy } from '../registry/types.js';
import type { Printer } from '../printers/types.js';
import { defaultCustomResource, findUnknownFieldsCR, pruneCustomResource, validateCustomResource } from './schema/index.js';
import { compileForServing, type CompiledSchema } from './schema-bridge.js';
import { CRDVersion, CustomResourceDefinition, ScaleSubresourceSpec, storageVersionOf } from './types.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const MAX_INT32 = 2147483647;

/** One ResourceDef per served version of an Established CRD. */
export function customResourceDefs(crd: CustomResourceDefinition, model: TypeModel): ResourceDef[] {
  const storageVersion = storageVersionOf(crd);
  return crd.spec.versions.filter((v) => v.served).map((v) => versionDef(crd, v, storageVersion ?? v.name, model));
}

function versionDef(crd: CustomResourceDefinition, v: CRDVersion, storageVersion: string, model: TypeModel): ResourceDef {
  const group = crd.spec.group;
  const names = { ...crd.spec.names, ...crd.status?.acceptedNames };
  const plural = names.plural ?? crd.spec.names.plural!;
  const kind = names.kind ?? crd.spec.names.kind!;
  const namespaced = crd.spec.scope === 'Namespaced';
  const schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const compiled = compileForServing(schema);
  const statusEnabled = !!v.subresources?.status;
  const scale = v.subresources?.scale ?? undefined;
  const servedApiVersion = apiVersionOf(group, v.name);
  const storedApiVersion = apiVersionOf(group, storageVersion);
  return {
    group,
    version: v.name,
    kind,
    listKind: names.listKind ?? `${kind}List`,
    resource: plural,
    singular: names.singular ?? kind.toLowerCase(),
    namespaced,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    verbs: DEFAULT_VERBS,
    subresources: {
      ...(statusEnabled ? { status: true } : {}),
      ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath ?? '', statusReplicasPath: scale.statusReplicasPath ?? '', labelSelectorPath: scale.labelSelectorPath || undefined } } : {}),
    },
    tracksGeneration: true,
    strategy: customResourceStrategy(compiled, { namespaced, statusEnabled, scale, selectableFields: v.selectableFields ?? [] }),
    printer: printerFor(v),
    storageResource: { group, resource: plural },
    conversion: v.name === storageVersion ? undefined : {
      toStorage: (obj) => ({ ...obj, apiVersion: storedApiVersion }),
      fromStorage: (obj) => ({ ...obj, apiVersion: servedApiVersion }),
    },
    custom: true,
    customSchema: {
      unknownFields: (obj) => findUnknownFieldsCR(compiled, obj),
      pruneUnknown: (obj) => pruneCustomResource(compiled, obj),
      openapi: schema,
      managedFields: jsonSchemaType(schema, { metadata: modelType(model, OBJECT_META) }),
    },
  };
}

function printerFor(v: CRDVersion): Printer {
  const columns = v.additionalPrinterColumns ?? [];
  if (columns.length === 0) return ageTablePrinter;
  try {
    return customResourcePrinter(columns);
  } catch {
    // An unparsable column falls back to default printing, as upstream's tableconvertor does.
    return ageTablePrinter;
  }
}

interface StrategyOptions {
  namespaced: boolean;
  statusEnabled: boolean;
  scale?: ScaleSubresourceSpec;
  selectableFields: { jsonPath: string }[];
}

/** customResourceStrategy: schema defaults and validation, status/spec separation, scale paths, selectable fields. */
export function customResourceStrategy(c: CompiledSchema, opts: StrategyOptions): Strategy {
  const { namespaced, statusEnabled, scale } = opts;
  return {
    defaults: (obj) => defaultCustomResource(c, obj),
    prepareForCreate(obj) {
      if (statusEnabled) delete obj.status;
    },
    prepareForUpdate(obj, old) {
      // Without a status subresource status is part of the object, so a status-only change bumps generation too.
      if (!statusEnabled && !specChanged(obj, old) && !jsonEqual(obj.status, old.status)) {
        obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    },
    validate: (obj) => [
      ...validateObjectMeta(obj.metadata, namespaced, nameIsDNSSubdomain),
      ...validateCustomResource(c, obj),
      ...validateScaleSpec(obj, scale),
      ...validateScaleStatus(obj, scale),
    ],
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateCustomResource(c, obj, old),
      ...validateScaleSpec(obj, scale),
      ...validateScaleStatus(obj, scale),
    ],
    validateStatusUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateCustomResource(c, obj, old),
      ...validateScaleStatus(obj, scale),
    ],
    selectableFields: opts.selectableFields.length ? (obj) => selectableFieldValues(obj, opts.selectableFields) : undefined,
    warnings: (obj, old) => finalizerWarnings(obj, old),
  };
}

function lookup(obj: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = obj;
  for (const seg of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(seg in (cur as object))) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { found: true, value: cur };
}

/** unstructured.NestedInt64 semantics: absent is 0, anything but an integer is an accessor error. */
function replicasErrors(obj: KubeObject, path: string): FieldError[] {
  const { found, value } = lookup(obj, path);
  if (!found || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const goType = typeof value === 'number' ? 'float64' : typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
    const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return [invalid(path, 0, `${path} accessor error: ${shown} is of the type ${goType}, expected int64`)];
  }
  if (value < 0) return [invalid(path, value, 'should be a non-negative integer')];
  if (value > MAX_INT32) return [invalid(path, value, `should be less than or equal to ${MAX_INT32}`)];
  return [];
}

function validateScaleSpec(obj: KubeObject, scale: ScaleSubresourceSpec | undefined): FieldError[] {
  return scale?.specReplicasPath ? replicasErrors(obj, scale.specReplicasPath) : [];
}

function validateScaleStatus(obj: KubeObject, scale: ScaleSubresourceSpec | undefined): FieldError[] {
  if (!scale) return [];
  const errs = scale.statusReplicasPath ? replicasErrors(obj, scale.statusReplicasPath) : [];
  if (scale.labelSelectorPath) {
    const { found, value } = lookup(obj, scale.labelSelectorPath);
    if (found && value !== null && typeof value !== 'string') {
      errs.push(invalid(scale.labelSelectorPath, '', `${scale.labelSelectorPath} accessor error: ${JSON.stringify(value)} is of the type ${typeof value}, expected string`));
    }
  }
  return errs;
}

function selectableFieldValues(obj: KubeObject, fields: { jsonPath: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const { value } = lookup(obj, f.jsonPath);
    out[f.jsonPath.replace(/^\./, '')] = value === undefined || value === null ? '' : String(value);
  }
  return out;
}

const STANDARD_FINALIZERS = new Set(['orphan', 'foregroundDeletion', 'kubernetes']);

/** Warnings for finalizer names a CR adds that are not domain-qualified (upstream generateWarningsFromObj). */
function finalizerWarnings(obj: KubeObject, old?: KubeObject): string[] {
  const before = new Set(old?.metadata.finalizers ?? []);
  const added = [...new Set(obj.metadata.finalizers ?? [])].filter((f) => !before.has(f)).sort();
  const warnings: string[] = [];
  for (const f of added) {
    for (const msg of isQualifiedName(f)) warnings.push(`metadata.finalizers: ${JSON.stringify(f)}: ${msg}`);
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      warnings.push(f.includes('.')
        ? `metadata.finalizers: ${JSON.stringify(f)}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`
        : `metadata.finalizers: ${JSON.stringify(f)}: prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`);
    }
  }
  return warnings;
}
