// Validation of x-kubernetes-embedded-resource objects below the root (objectmeta/validation.go): each needs
// apiVersion and kind, and its metadata must be valid ObjectMeta (names only checked as path segments).
import { FieldError, FieldPath, invalid, required } from '../../apimachinery/field-errors.js';
import type { ObjectMeta } from '../../apimachinery/types.js';
import { isDNS1035Label, validatePathSegmentName } from '../../apimachinery/validation/names.js';
import { validateObjectMeta } from '../../apimachinery/validation/objectmeta.js';
import type { SchemaNode } from './model.js';
import { isPlainObject } from './model.js';

export function validateEmbeddedResources(s: SchemaNode, obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  // The root's own apiVersion/kind/metadata are the REST layer's business; start with its children.
  walkChildren(undefined, s, obj, errs);
  return errs;
}

const child = (p: FieldPath | undefined, k: string) => (p ? p.child(k) : FieldPath.root(k));

function walk(path: FieldPath, s: SchemaNode | undefined, x: unknown, errs: FieldError[]): void {
  if (!s) return;
  if (isPlainObject(x) && s.embeddedResource) errs.push(...validateEmbedded(path, x));
  walkChildren(path, s, x, errs);
}

function walkChildren(path: FieldPath | undefined, s: SchemaNode, x: unknown, errs: FieldError[]): void {
  if (isPlainObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.get(k);
      if (prop) walk(child(path, k), prop, v, errs);
      else if (typeof s.additionalProperties === 'object') walk(path ? path.key(k) : FieldPath.root(`[${k}]`), s.additionalProperties, v, errs);
    }
  } else if (Array.isArray(x) && path) {
    x.forEach((v, i) => walk(path.index(i), s.items, v, errs));
  }
}

function parseGroupVersionError(gv: string): string | undefined {
  if (gv === '' || gv === '/') return undefined;
  const parts = gv.split('/');
  if (parts.length > 2) return `unexpected GroupVersion string: ${gv}`;
  return undefined;
}

function validateEmbedded(path: FieldPath, x: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  if (!('apiVersion' in x)) errs.push(required(path.child('apiVersion').toString(), 'must not be empty'));
  if (!('kind' in x)) errs.push(required(path.child('kind').toString(), 'must not be empty'));
  for (const [k, v] of Object.entries(x)) {
    const p = path.child(k).toString();
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(invalid(p, v, 'must be a string'));
      else if (v === '') errs.push(invalid(p, v, 'must not be empty'));
      else { const e = parseGroupVersionError(v); if (e) errs.push(invalid(p, v, e)); }
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(invalid(p, v, 'must be a string'));
      else if (v === '') errs.push(invalid(p, v, 'must not be empty'));
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length) errs.push(invalid(p, v, 'may have mixed case, but should otherwise match: ' + msgs.join(',')));
      }
    } else if (k === 'metadata') {
      if (!isPlainObject(v)) {
        errs.push(invalid(p, v, 'must be an object'));
        continue;
      }
      const meta = { ...(v as ObjectMeta) };
      if (!meta.name) meta.name = 'fakename';
      errs.push(...validateObjectMeta(meta, !!meta.namespace, validatePathSegmentName, path.child('metadata')));
    }
  }
  return errs;
}
