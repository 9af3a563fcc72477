// Structural-schema rules (schema/validation.go and schema/complete.go): every specified field has a type, arrays
// have items, value validations (allOf/anyOf/oneOf/not) only constrain values and only mention declared fields,
// and the root's metadata may only restrict name and generateName. Errors come back sorted by text like upstream.
import { FieldError, FieldPath, forbidden, invalid, required } from '../../apimachinery/field-errors.js';
import type { SchemaNode } from './model.js';
import { compilePattern } from './model.js';

type Level = 'root' | 'item' | 'field';

export function validateStructural(root: SchemaNode, path: FieldPath): FieldError[] {
  const errs = [...invariants(root, 'root', path), ...completeness(root, root, path, path)];
  return errs.sort((a, b) => (a.toString() < b.toString() ? -1 : a.toString() > b.toString() ? 1 : 0));
}

/** `anyOf: [{type: integer}, {type: string}]`, the spelled-out form of x-kubernetes-int-or-string. */
function isIntOrStringAnyOf(alts: SchemaNode[]): boolean {
  if (alts.length !== 2) return false;
  const only = (s: SchemaNode, t: string) => s.type === t && Object.keys(s.raw).length === 1;
  return only(alts[0], 'integer') && only(alts[1], 'string');
}

function invariants(s: SchemaNode, lvl: Level, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type === 'array' && !s.items) errs.push(required(path.child('items').toString(), 'must be specified'));
  if (s.items) errs.push(...invariants(s.items, 'item', path.child('items')));
  for (const [k, v] of s.properties ?? []) errs.push(...invariants(v, 'field', path.child('properties').key(k)));
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(forbidden(path.child('additionalProperties').toString(), 'must not be used at the root'));
    if (typeof s.additionalProperties === 'object') errs.push(...invariants(s.additionalProperties, 'field', path.child('additionalProperties')));
  }
  if (s.intOrString && s.preserveUnknownFields) {
    errs.push(invalid(path.child('x-kubernetes-preserve-unknown-fields').toString(), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (s.intOrString && s.embeddedResource) {
    errs.push(invalid(path.child('x-kubernetes-embedded-resource').toString(), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  errs.push(...valueValidation(s, isIntOrStringAnyOf(s.anyOf), s.allOf.length > 0 && isIntOrStringAnyOf(s.allOf[0].anyOf), path));

  const checkMetadata = lvl === 'root' || s.embeddedResource;
  if (s.embeddedResource && s.type !== 'object') {
    if (!s.type) errs.push(required(path.child('type').toString(), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(invalid(path.child('type').toString(), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !s.intOrString && !s.preserveUnknownFields) {
    const where = lvl === 'root' ? 'at the root' : lvl === 'item' ? 'for specified array items' : 'for specified object fields';
    errs.push(required(path.child('type').toString(), `must not be empty ${where}`));
  }
  if (s.embeddedResource && s.additionalProperties !== undefined) {
    errs.push(forbidden(path.child('additionalProperties').toString(), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(invalid(path.child('type').toString(), s.type, 'must be object at the root'));
  for (const k of ['kind', 'apiVersion']) {
    const p = s.properties?.get(k);
    if (p && checkMetadata && p.type !== 'string') {
      errs.push(invalid(path.child('properties').key(k).child('type').toString(), p.type, 'must be string'));
    }
  }
  const meta = s.properties?.get('metadata');
  if (meta) errs.push(...metadataInvariants(meta, checkMetadata, lvl, path.child('properties').key('metadata')));
  if (s.embeddedResource && !s.preserveUnknownFields && (s.properties?.size ?? 0) === 0) {
    errs.push(required(path.child('properties').toString(), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

function metadataInvariants(s: SchemaNode, checkMetadata: boolean, lvl: Level, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && s.type !== 'object') errs.push(invalid(path.child('type').toString(), s.type, 'must be object'));
  if (lvl === 'root') {
    // Only type, a default (checked elsewhere) and name/generateName properties may be given.
    const props = [...(s.properties?.keys() ?? [])];
    const propsOk = props.every((p) => p === 'name' || p === 'generateName');
    const extra = Object.keys(s.raw).filter((k) => k !== 'type' && k !== 'default' && !(k === 'properties' && propsOk && props.length > 0));
    if (extra.length > 0) {
      errs.push(forbidden(path.toString(), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  return errs;
}

function valueValidation(s: SchemaNode, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) s.anyOf.forEach((v, i) => errs.push(...nestedValueValidation(v, false, path.child('anyOf').index(i))));
  s.allOf.forEach((v, i) => errs.push(...nestedValueValidation(v, skipFirstAllOfAnyOf && i === 0, path.child('allOf').index(i))));
  s.oneOf.forEach((v, i) => errs.push(...nestedValueValidation(v, false, path.child('oneOf').index(i))));
  if (s.not) errs.push(...nestedValueValidation(s.not, false, path.child('not')));
  if (s.pattern) {
    try {
      compilePattern(s.pattern);
    } catch (e) {
      errs.push(invalid(path.child('pattern').toString(), s.pattern, `must be a valid regular expression, but isn't: error parsing regexp: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`));
    }
  }
  return errs;
}

function nestedValueValidation(v: SchemaNode, skipAnyOf: boolean, path: FieldPath): FieldError[] {
  const errs = valueValidation(v, skipAnyOf, false, path);
  if (v.items) errs.push(...nestedValueValidation(v.items, false, path.child('items')));
  for (const [k, p] of v.properties ?? []) errs.push(...nestedValueValidation(p, false, path.child('properties').key(k)));
  const raw = v.raw;
  const f = (name: string, detail: string) => errs.push(forbidden(path.child(name).toString(), detail));
  if (v.type) f('type', 'must be empty to be structural');
  if (raw.additionalProperties !== undefined) f('additionalProperties', 'must be undefined to be structural');
  if (v.hasDefault) f('default', 'must be undefined to be structural');
  if (typeof raw.title === 'string' && raw.title) f('title', 'must be empty to be structural');
  if (typeof raw.description === 'string' && raw.description) f('description', 'must be empty to be structural');
  if (v.nullable) f('nullable', 'must be false to be structural');
  if (v.preserveUnknownFields) f('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
  if (v.embeddedResource) f('x-kubernetes-embedded-resource', 'must be false to be structural');
  if (v.intOrString) f('x-kubernetes-int-or-string', 'must be false to be structural');
  if (v.listMapKeys.length > 0) f('x-kubernetes-list-map-keys', 'must be empty to be structural');
  if (v.listType !== undefined) f('x-kubernetes-list-type', 'must be undefined to be structural');
  if (v.mapType !== undefined) f('x-kubernetes-map-type', 'must be undefined to be structural');
  if (v.validations.length > 0) f('x-kubernetes-validations', 'must be empty to be structural');
  if (v.properties?.has('metadata')) {
    errs.push(forbidden(path.child('properties').key('metadata').toString(), 'must not be specified in a nested context'));
  }
  return errs;
}

/** Every field the root's value validations mention must also be declared structurally (upstream checks the root only). */
function completeness(v: SchemaNode, s: SchemaNode | undefined, sPath: FieldPath, vPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const nested = (n: SchemaNode, st: SchemaNode | undefined, sp: FieldPath, vp: FieldPath): void => {
    if (!st) {
      errs.push(required(sp.toString(), `because it is defined in ${vp.toString()}`));
      return;
    }
    errs.push(...completeness(n, st, sp, vp));
    if (n.items) nested(n.items, st.items, sp.child('items'), vp.child('items'));
    for (const [k, p] of n.properties ?? []) {
      const sp2 = sp.child('properties').key(k);
      const stp = st.properties?.get(k);
      if (!stp) errs.push(required(sp2.toString(), `because it is defined in ${vp.child('properties').key(k).toString()}`));
      else nested(p, stp, sp2, vp.child('properties').key(k));
    }
  };
  if (!s) return errs;
  if (v.not) nested(v.not, s, sPath, vPath.child('not'));
  v.allOf.forEach((n, i) => nested(n, s, sPath, vPath.child('allOf').index(i)));
  v.anyOf.forEach((n, i) => nested(n, s, sPath, vPath.child('anyOf').index(i)));
  v.oneOf.forEach((n, i) => nested(n, s, sPath, vPath.child('oneOf').index(i)));
  return errs;
}
