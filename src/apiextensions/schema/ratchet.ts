// CRD validation ratcheting (on by default in v1.33): on update, an error is dropped when the value it is about,
// or any correlatable ancestor of it, is unchanged from the old object. Object fields correlate by name and
// list-type=map items by their keys; other list items never correlate. Transition-rule errors always stay.
import type { FieldError } from '../../apimachinery/field-errors.js';
import { deepEqual } from '../../apimachinery/validation/objectmeta.js';
import { transitionRuleErrors } from './cel/validator.js';
import type { SchemaNode } from './model.js';
import { childSchema, isPlainObject } from './model.js';

type Segment = { key: string } | { index: number };

function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (/^\d+$/.test(m[2])) out.push({ index: Number(m[2]) });
    else out.push({ key: m[2] });
  }
  return out;
}

function unchanged(root: SchemaNode, obj: unknown, old: unknown, path: string): boolean {
  let s: SchemaNode | undefined = root;
  let n: unknown = obj;
  let o: unknown = old;
  for (const seg of parsePath(path)) {
    if ('key' in seg) {
      if (!isPlainObject(n) || !isPlainObject(o) || s?.mapType === 'atomic') return false;
      n = n[seg.key];
      o = o[seg.key];
      s = s ? childSchema(s, seg.key) : undefined;
    } else {
      if (!Array.isArray(n) || !Array.isArray(o) || s?.listType !== 'map') return false;
      const item = n[seg.index];
      const keys = s.listMapKeys;
      n = item;
      o = isPlainObject(item) ? o.find((x) => isPlainObject(x) && keys.every((k) => deepEqual(x[k], item[k]))) : undefined;
      s = s.items;
    }
    if (n !== undefined && o !== undefined && deepEqual(n, o)) return true;
  }
  return false;
}

export function ratchet(errs: FieldError[], root: SchemaNode, obj: unknown, old: unknown, celErrors = false): FieldError[] {
  return errs.filter((e) => {
    if (celErrors && transitionRuleErrors.has(e)) return true;
    return !unchanged(root, obj, old, e.field);
  });
}
