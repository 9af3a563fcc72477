// ValidateCustomResourceDefinition / …Update / …Status of upstream's apiextensions validation, applied to the v1
// wire form. Upstream validates the internal type, where per-version schemas, subresources and printer columns that
// are identical in every version are hoisted to spec.validation / spec.subresources / spec.additionalPrinterColumns;
// error paths follow that, so a single-version CRD reports `spec.validation.openAPIV3Schema…` as upstream does.
import {
  FieldError, FieldPath, forbidden, invalid, notSupported, required,
} from '../apimachinery/field-errors.js';
import { jsonEqual } from '../apimachinery/json.js';
import type { ObjectMeta } from '../apimachinery/types.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from '../apimachinery/validation/names.js';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../apimachinery/validation/objectmeta.js';
import { goStringSlice, goVersions, invalidGo } from './go-format.js';
import { compileAt } from './schema-bridge.js';
import {
  API_APPROVAL_ANNOTATION, CRDNames, CRDSpec, CRDStatus, CRDSubresources, CRDVersion, CustomResourceDefinition,
  isConditionTrue, JSONSchemaProps, PrinterColumn,
} from './types.js';
import { isJsonObject } from '../apimachinery/json.js';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
/** JSONSchemaProps fields allowed at the schema root when the status subresource is on (wire names). */
const ROOT_FIELDS_WITH_STATUS = new Set([
  'description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength',
  'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties',
  'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
]);
const ROOT_FIELDS_TEXT = '[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]';

interface Options {
  /** Scope and kind are frozen once the CRD was Established. */
  requireImmutableNames: boolean;
  requireOpenAPISchema: boolean;
}

export function validateCRD(crd: CustomResourceDefinition): FieldError[] {
  const spec = specOf(crd);
  const plural = spec.names?.plural ?? '';
  const nameFn = (name: string, prefix: boolean) => {
    const msgs = nameIsDNSSubdomain(name, prefix);
    if (name !== `${plural}.${spec.group ?? ''}`) msgs.push('must be spec.names.plural+"."+spec.group');
    return msgs;
  };
  return [
    ...validateObjectMeta(crd.metadata, false, nameFn),
    ...validateSpec(spec, { requireImmutableNames: false, requireOpenAPISchema: true }),
    ...validateStatus(crd.status ?? {}),
    ...validateStoredVersions(crd.status?.storedVersions, spec.versions ?? []),
    ...validateAPIApproval(crd, undefined),
    ...validatePreserveUnknownFields(crd, undefined),
  ];
}

export function validateCRDUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const spec = specOf(crd);
  const oldSpec = specOf(old);
  const opts: Options = {
    requireImmutableNames: isConditionTrue(old, 'Established'),
    requireOpenAPISchema: (oldSpec.versions ?? []).every((v) => !!v.schema?.openAPIV3Schema),
  };
  const errs = [...validateObjectMetaUpdate(crd.metadata, old.metadata), ...validateSpec(spec, opts)];
  if (opts.requireImmutableNames) {
    errs.push(...validateImmutableField(spec.scope, oldSpec.scope, 'spec.scope'));
    errs.push(...validateImmutableField(spec.names?.kind, oldSpec.names?.kind, 'spec.names.kind'));
  }
  errs.push(...validateImmutableField(spec.group, oldSpec.group, 'spec.group'));
  errs.push(...validateImmutableField(spec.names?.plural, oldSpec.names?.plural, 'spec.names.plural'));
  errs.push(...validateStatus(crd.status ?? {}));
  errs.push(...validateStoredVersions(crd.status?.storedVersions, spec.versions ?? []));
  errs.push(...validateAPIApproval(crd, old));
  errs.push(...validatePreserveUnknownFields(crd, old));
  return errs;
}

export function validateCRDStatusUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  return [...validateObjectMetaUpdate(crd.metadata, old.metadata), ...validateStatus(crd.status ?? {})];
}

function specOf(crd: CustomResourceDefinition): CRDSpec {
  return (crd.spec && typeof crd.spec === 'object' ? crd.spec : {}) as CRDSpec;
}

/** Which per-version fields the internal conversion hoists to the spec (identical in every version). */
export function hoistedFields(versions: CRDVersion[]) {
  const same = (pick: (v: CRDVersion) => unknown) => versions.length > 0 && versions.every((v) => jsonEqual(norm(pick(v)), norm(pick(versions[0]))));
  return {
    schema: same((v) => v.schema),
    subresources: same((v) => v.subresources),
    columns: same((v) => v.additionalPrinterColumns),
    selectableFields: same((v) => v.selectableFields),
  };
}

const norm = (v: unknown) => (v === null || (Array.isArray(v) && v.length === 0) ? undefined : v);

function validateSpec(spec: CRDSpec, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root('spec');
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const hoisted = hoistedFields(versions);
  const topSchema = hoisted.schema ? versions[0]?.schema ?? undefined : undefined;
  const topSubresources = hoisted.subresources ? versions[0]?.subresources ?? undefined : undefined;
  const topColumns = hoisted.columns ? versions[0]?.additionalPrinterColumns ?? undefined : undefined;

  const group = spec.group ?? '';
  if (!group) errs.push(required('spec.group'));
  else if (isDNS1123Subdomain(group).length) errs.push(invalid('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));

  if (!spec.scope) errs.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  if (opts.requireOpenAPISchema && !topSchema?.openAPIV3Schema) {
    versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    });
  }

  let storageCount = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const vp = path.child('versions').index(i);
    if (v.storage) storageCount++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const nameErrs = isDNS1035Label(v.name ?? '');
    if (nameErrs.length) errs.push(invalid(`${vp.child('name')}`, v.name ?? '', nameErrs.join(',')));
    errs.push(...validateDeprecationWarning(v, `${vp.child('deprecationWarning')}`));
    const subresources = hoisted.subresources ? topSubresources : v.subresources ?? undefined;
    if (!hoisted.schema) errs.push(...validateSchema(v.schema ?? undefined, !!subresources?.status, `${vp.child('schema')}`));
    if (!hoisted.subresources) errs.push(...validateSubresources(v.subresources ?? undefined, `${vp.child('subresources')}`));
    if (!hoisted.columns) (v.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `${vp.child('additionalPrinterColumns').index(j)}`)));
  });

  if (!unique) errs.push(invalidGo('spec.versions', goVersions(versions, hoisted), 'must contain unique version names'));
  if (storageCount !== 1) errs.push(invalidGo('spec.versions', goVersions(versions, hoisted), 'must have exactly one version marked as storage version'));

  const names = spec.names ?? {};
  if (!names.plural) errs.push(required('spec.names.plural'));
  if (!names.singular) errs.push(required('spec.names.singular'));
  if (!names.kind) errs.push(required('spec.names.kind'));
  if (!names.listKind) errs.push(required('spec.names.listKind'));
  errs.push(...validateNames(names, 'spec.names'));

  const anyStatus = versions.some((v) => !!v.subresources?.status);
  if (topSchema) errs.push(...validateSchema(topSchema, anyStatus, 'spec.validation'));
  errs.push(...validateSubresources(topSubresources, 'spec.subresources'));
  (topColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${j}]`)));

  errs.push(...validateConversion(spec));
  return errs;
}

function validateDeprecationWarning(v: CRDVersion, path: string): FieldError[] {
  const w = v.deprecationWarning;
  if (w === undefined || w === null) return [];
  if (!v.deprecated) return [invalid(path, w, 'can only be set for deprecated versions')];
  const errs: FieldError[] = [];
  if (w.length > 256) errs.push(invalid(path, w, 'must be <= 256 characters long'));
  if (w.length === 0) errs.push(invalid(path, w, 'must not be an empty string'));
  const ctl = /[\u0000-\u001f\u007f-\u009f]/.exec(w);
  if (ctl) errs.push(invalid(path, w, `must only contain printable UTF-8 characters; non-printable character found at index ${Buffer.byteLength(w.slice(0, ctl.index))}`));
  return errs;
}

/** validateCustomResourceDefinitionValidation: the status-subresource root rule here, the rest in the schema engine. */
function validateSchema(validation: { openAPIV3Schema?: JSONSchemaProps | null } | undefined, statusEnabled: boolean, path: string): FieldError[] {
  const schema = validation?.openAPIV3Schema;
  if (!schema || typeof schema !== 'object') return [];
  const errs: FieldError[] = [];
  const base = `${path}.openAPIV3Schema`;
  if (statusEnabled) {
    for (const [key, value] of Object.entries(schema)) {
      if (isZero(value)) continue;
      if (key === 'type') {
        if (value !== 'object') {
          errs.push(invalid(`${base}.type`, value, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!ROOT_FIELDS_WITH_STATUS.has(key)) {
        errs.push(invalid(base, schema, `only ${ROOT_FIELDS_TEXT} fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  errs.push(...compileAt(schema, base).errors);
  return errs;
}

const isZero = (v: unknown) => v === undefined || v === null || v === false || v === '' || v === 0 ||
  (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);

function validateSubresources(sub: CRDSubresources | undefined, path: string): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const check = (value: string | undefined, name: string, prefixes: string[], where: string, requiredPath: boolean) => {
    const p = `${path}.scale.${name}`;
    if (!value) {
      if (requiredPath) errs.push(required(p));
      return;
    }
    const pathErrs = validateSimpleJsonPath(value, p);
    if (pathErrs.length) errs.push(...pathErrs);
    else if (!prefixes.some((pre) => value.startsWith(pre))) errs.push(invalid(p, value, `should be a json path under ${where}`));
  };
  check(scale.specReplicasPath, 'specReplicasPath', ['.spec.'], '.spec', true);
  check(scale.statusReplicasPath, 'statusReplicasPath', ['.status.'], '.status', true);
  check(scale.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'either .spec or .status', false);
  return errs;
}

function validateSimpleJsonPath(s: string, path: string): FieldError[] {
  if (s.length === 0) return [invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(c: PrinterColumn, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  const types = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (!c.type) errs.push(required(`${path}.type`, types));
  else if (!PRINTER_COLUMN_TYPES.includes(c.type)) errs.push(invalid(`${path}.type`, c.type, types));
  if (c.format && !PRINTER_COLUMN_FORMATS.includes(c.format)) errs.push(invalid(`${path}.format`, c.format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  if (!c.jsonPath) errs.push(required(`${path}.JSONPath`));
  else errs.push(...validateSimpleJsonPath(c.jsonPath, `${path}.JSONPath`));
  return errs;
}

/** Conversion: None, or Webhook, which Berth cannot call and so refuses. */
function validateConversion(spec: CRDSpec): FieldError[] {
  const conv = spec.conversion;
  if (!conv) return [];
  const errs: FieldError[] = [];
  const strategy = conv.strategy ?? '';
  if (strategy !== 'None' && spec.preserveUnknownFields === true) {
    errs.push(invalid('spec.conversion.strategy', strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  if (!strategy) errs.push(required('spec.conversion.strategy'));
  else if (strategy === 'Webhook') errs.push(forbidden('spec.conversion.strategy', 'conversion webhooks are not supported by Berth; use "None"'));
  else if (strategy !== 'None') errs.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  if (strategy !== 'Webhook') {
    if (conv.webhook) errs.push(forbidden('spec.conversion.webhookClientConfig', 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

export function validateNames(names: CRDNames, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (value: string | undefined, field: string, lower: boolean, prefix = '') => {
    if (!value) return;
    const msgs = isDNS1035Label(lower ? value.toLowerCase() : value);
    if (msgs.length) errs.push(invalid(`${path}.${field}`, value, prefix + msgs.join(',')));
  };
  label(names.plural, 'plural', false);
  label(names.singular, 'singular', false);
  label(names.kind, 'kind', true, 'may have mixed case, but should otherwise match: ');
  label(names.listKind, 'listKind', true, 'may have mixed case, but should otherwise match: ');
  (names.shortNames ?? []).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length) errs.push(invalid(`${path}.shortNames[${i}]`, s, msgs.join(',')));
  });
  if (names.kind && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => {
    const msgs = isDNS1035Label(c);
    if (msgs.length) errs.push(invalid(`${path}.categories[${i}]`, c, msgs.join(',')));
  });
  return errs;
}

function validateStatus(status: CRDStatus): FieldError[] {
  return validateNames(status.acceptedNames ?? {}, 'status.acceptedNames');
}

/** Every stored version must stay in spec.versions until a storage migration removes it from storedVersions. */
export function validateStoredVersions(stored: string[] | null | undefined, versions: CRDVersion[]): FieldError[] {
  const path = 'status.storedVersions';
  if (!stored || stored.length === 0) return [invalidGo(path, goStringSlice(stored), 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map<string, number>();
  stored.forEach((v, i) => remaining.set(v, i));
  for (const v of versions) {
    if (v.storage && !remaining.has(v.name)) errs.push(invalidGo(path, goStringSlice(stored), `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) {
    errs.push(invalid(`${path}[${i}]`, v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
  }
  return errs;
}

const approvalDocs = 'see https://github.com/kubernetes/enhancements/pull/1111';

function approvalState(meta: ObjectMeta): { state: 'missing' | 'bypassed' | 'approved' | 'invalid'; reason: string } {
  const value = meta.annotations?.[API_APPROVAL_ANNOTATION] ?? '';
  if (!value) return { state: 'missing', reason: `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}", ${approvalDocs}` };
  if (value.startsWith('unapproved')) return { state: 'bypassed', reason: `not approved: ${JSON.stringify(value)}` };
  try {
    const url = new URL(value);
    if (url.host && url.protocol) return { state: 'approved', reason: `approved in ${value}` };
  } catch {
    // not a URL: invalid below
  }
  return { state: 'invalid', reason: `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}" with either a URL or a reason starting with "unapproved", ${approvalDocs}` };
}

const isProtectedGroup = (g: string) => g === 'k8s.io' || g.endsWith('.k8s.io') || g === 'kubernetes.io' || g.endsWith('.kubernetes.io');

/** Groups under k8s.io and kubernetes.io need the api-approved.kubernetes.io annotation (KEP 1111). */
function validateAPIApproval(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  if (!isProtectedGroup(specOf(crd).group ?? '')) return [];
  const next = approvalState(crd.metadata);
  if (old && approvalState(old.metadata).state === next.state) return [];
  const path = `metadata.annotations[${API_APPROVAL_ANNOTATION}]`;
  if (next.state === 'invalid') return [invalid(path, crd.metadata.annotations?.[API_APPROVAL_ANNOTATION] ?? '', next.reason)];
  if (next.state === 'missing') return [required(path, next.reason)];
  return [];
}

function validatePreserveUnknownFields(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  if (old && specOf(old).preserveUnknownFields === true) return [];
  if (specOf(crd).preserveUnknownFields === true) {
    return [invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
  }
  return [];
}
