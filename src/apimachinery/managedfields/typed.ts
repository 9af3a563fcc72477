// Schema-aware operations on JSON values (upstream smd typed package): the field set a value sets, the comparison
// of two values, the apply merge, and removal of a set of fields. Values are plain JSON; `undefined` means absent.
// Objects read from storage carry no meaningful nulls, so comparison treats null as absent.
import { FieldSet } from './fieldset.js';
import { isObject, jsonEqual } from './json.js';
import { fieldElement, keyElement, pathString, valueElement, indexElement, type PathElement } from './path.js';
import { deducedType, type Atom, type ListAtom, type MapAtom, type TypeSchema } from './schema.js';

const deducedMap: MapAtom = { kind: 'map', atomic: false, field: () => undefined, values: deducedType };
const deducedList: ListAtom = { kind: 'list', listType: 'atomic', keys: [], items: deducedType };
const SCALAR: Atom = { kind: 'scalar' };

/** The atom that describes `v`; a value whose JSON shape does not fit its schema is handled as a scalar. */
function resolve(t: TypeSchema, v: unknown): Atom {
  const atom = t.atom;
  if (v === undefined || v === null) return atom.kind === 'deduced' ? SCALAR : atom;
  switch (atom.kind) {
    case 'deduced':
      return isObject(v) ? deducedMap : Array.isArray(v) ? deducedList : SCALAR;
    case 'map':
      return isObject(v) ? atom : SCALAR;
    case 'list':
      return Array.isArray(v) ? atom : SCALAR;
    default:
      return atom;
  }
}

const isEmptyContainer = (v: unknown) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);

/** The path element of a list item: its key fields for a list-map, its value for a set. */
export function listItemElement(list: ListAtom, item: unknown): PathElement | string {
  if (list.keys.length > 0) {
    if (item === null || item === undefined) return 'associative list with keys may not have a null element';
    if (!isObject(item)) return 'associative list with keys may not have non-map elements';
    const fields: [string, unknown][] = [];
    for (const key of list.keys) {
      let value = item[key];
      if (value === undefined || value === null) value = list.keyDefault?.(key);
      if (value === undefined || value === null) return `associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`;
      fields.push([key, value]);
    }
    return keyElement(fields);
  }
  if (isObject(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null || item === undefined) return "associative list without keys has an element that's an explicit null";
  return valueElement(item);
}

/** Path elements of every item; items that cannot be identified fall back to their index (never from valid input). */
function itemElements(list: ListAtom, items: unknown[], path: PathElement[], errors?: string[]): PathElement[] {
  return items.map((item, i) => {
    const pe = listItemElement(list, item);
    if (typeof pe !== 'string') return pe;
    errors?.push(`${pathString(path)}: element ${i}: ${pe}`);
    return indexElement(i);
  });
}

// ---- ToFieldSet ----

/**
 * The fields a value sets. With `errors`, the value is checked as an applied configuration (list keys present,
 * no duplicate list entries) and problems are reported there.
 */
export function toFieldSet(v: unknown, t: TypeSchema, errors?: string[]): FieldSet {
  const set = new FieldSet();
  collectFields(v, t, [], set, errors);
  return set;
}

function collectFields(v: unknown, t: TypeSchema, path: PathElement[], set: FieldSet, errors?: string[]): void {
  const atom = resolve(t, v);
  if (atom.kind === 'scalar' || atom.kind === 'deduced') {
    set.insert(path);
  } else if (atom.kind === 'list') {
    if (atom.listType === 'atomic') return set.insert(path);
    if (!Array.isArray(v)) return;
    const pes = itemElements(atom, v, path, errors);
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const pe of pes) {
      if (!seen.has(pe.id)) seen.add(pe.id);
      else if (!duplicates.has(pe.id)) {
        duplicates.add(pe.id);
        set.insert([...path, pe]);
        errors?.push(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
      }
    }
    for (let i = 0; i < v.length; i++) {
      if (duplicates.has(pes[i].id)) continue;
      path.push(pes[i]);
      collectFields(v[i], atom.items, path, set, errors);
      set.insert(path);
      path.pop();
    }
  } else {
    if (atom.atomic) return set.insert(path);
    if (!isObject(v)) return;
    for (const key of Object.keys(v)) {
      const child = v[key];
      if (child === undefined) continue;
      const field = atom.field(key);
      path.push(fieldElement(key));
      collectFields(child, field ? field.type : atom.values, path, set, errors);
      if (!field || child === null || (isObject(child) && Object.keys(child).length === 0)) set.insert(path);
      path.pop();
    }
  }
}

// ---- Compare ----

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `lhs` to `rhs`, field by field (upstream TypedValue.Compare). */
export function compare(lhs: unknown, rhs: unknown, t: TypeSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareValues(lhs ?? {}, rhs ?? {}, t, [], c);
  return c;
}

/**
 * Down to this depth, a container equal on both sides is skipped after one plain equality walk, which is much
 * cheaper than comparing it field by field (most writes change one corner of the object). Deeper down the extra
 * walk would cost more than it saves.
 */
const EQUALITY_SHORTCUT_DEPTH = 2;

function compareValues(lhs: unknown, rhs: unknown, t: TypeSchema, path: PathElement[], c: Comparison): void {
  if (lhs === rhs) return; // the same value (or subtree shared by both objects) changes nothing
  const l = lhs === null ? undefined : lhs;
  const r = rhs === null ? undefined : rhs;
  const al = l === undefined ? undefined : resolve(t, l);
  const ar = r === undefined ? undefined : resolve(t, r);
  const atom = (ar ?? al)!;
  const leaf =
    atom.kind === 'scalar' ||
    atom.kind === 'deduced' ||
    (al && ar && al !== ar) ||
    (atom.kind === 'list' ? atom.listType === 'atomic' : atom.atomic) ||
    (isEmptyContainer(l) && isEmptyContainer(r));
  if (leaf) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!jsonEqual(l, r)) c.modified.insert(path);
    return;
  }
  if (l !== undefined && r !== undefined && path.length <= EQUALITY_SHORTCUT_DEPTH && jsonEqual(l, r)) return;
  if (atom.kind === 'list') compareLists(atom, (l ?? []) as unknown[], (r ?? []) as unknown[], path, c);
  else if (atom.kind === 'map') compareMaps(atom, (l ?? {}) as Record<string, unknown>, (r ?? {}) as Record<string, unknown>, path, c);
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

function compareMaps(atom: MapAtom, l: Record<string, unknown>, r: Record<string, unknown>, path: PathElement[], c: Comparison): void {
  const visit = (key: string, lv: unknown, rv: unknown) => {
    const field = atom.field(key);
    if (field?.zero) {
      lv ??= field.zero === 'list' ? [] : {};
      rv ??= field.zero === 'list' ? [] : {};
    }
    if ((lv === undefined || lv === null) && (rv === undefined || rv === null)) return;
    path.push(fieldElement(key));
    compareValues(lv, rv, field ? field.type : atom.values, path, c);
    path.pop();
  };
  for (const key of Object.keys(l)) visit(key, l[key], r[key]);
  for (const key of Object.keys(r)) if (!(key in l)) visit(key, undefined, r[key]);
}

function groupItems(atom: ListAtom, items: unknown[], path: PathElement[]): Map<string, { pe: PathElement; values: unknown[] }> {
  const groups = new Map<string, { pe: PathElement; values: unknown[] }>();
  const pes = itemElements(atom, items, path);
  for (let i = 0; i < items.length; i++) {
    const g = groups.get(pes[i].id);
    if (g) g.values.push(items[i]);
    else groups.set(pes[i].id, { pe: pes[i], values: [items[i]] });
  }
  return groups;
}

function compareLists(atom: ListAtom, l: unknown[], r: unknown[], path: PathElement[], c: Comparison): void {
  const left = groupItems(atom, l, path);
  const right = groupItems(atom, r, path);
  const compareItem = (pe: PathElement, lv: unknown, rv: unknown) => {
    path.push(pe);
    compareValues(lv, rv, atom.items, path, c);
    path.pop();
  };
  const visit = (pe: PathElement, lList: unknown[], rList: unknown[]) => {
    if (lList.length <= 1 && rList.length <= 1) return compareItem(pe, lList[0], rList[0]);
    // Duplicated entries are compared as a whole, as upstream does.
    const itemPath = [...path, pe];
    if (lList.length >= 2 && rList.length >= 2) {
      if (!jsonEqual(lList, rList)) c.modified.insert(itemPath);
    } else if (lList.length >= 2) {
      if (rList.length) compareItem(pe, undefined, rList[0]);
      c.removed.insert(itemPath);
    } else {
      if (lList.length) compareItem(pe, lList[0], undefined);
      c.added.insert(itemPath);
    }
  };
  for (const [id, g] of left) visit(g.pe, g.values, right.get(id)?.values ?? []);
  for (const [id, g] of right) if (!left.has(id)) visit(g.pe, [], g.values);
}

// ---- Merge ----

/**
 * Merges an applied configuration into the live value (upstream TypedValue.Merge with keep-RHS): granular maps
 * and lists merge item by item, everything else is replaced. A null in the configuration removes the value.
 */
export function merge(lhs: unknown, rhs: unknown, t: TypeSchema, errors: string[] = []): unknown {
  return mergeValues(lhs, rhs, t, [], errors);
}

function mergeValues(l: unknown, r: unknown, t: TypeSchema, path: PathElement[], errors: string[]): unknown {
  if (r === undefined) return l;
  const al = l === undefined || l === null ? undefined : resolve(t, l);
  const ar = resolve(t, r);
  const leaf =
    ar.kind === 'scalar' ||
    ar.kind === 'deduced' ||
    (al && al !== ar) ||
    (ar.kind === 'list' ? ar.listType === 'atomic' : ar.atomic) ||
    (isEmptyContainer(l) && isEmptyContainer(r));
  if (leaf) return r === null ? undefined : r;
  if (ar.kind === 'map') {
    const lm = isObject(l) ? l : {};
    const rm = r as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const visit = (key: string) => {
      const field = ar.field(key);
      path.push(fieldElement(key));
      const v = mergeValues(lm[key], rm[key], field ? field.type : ar.values, path, errors);
      path.pop();
      if (v !== undefined) out[key] = v;
    };
    for (const key of Object.keys(lm)) visit(key);
    for (const key of Object.keys(rm)) if (!(key in lm)) visit(key);
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (ar.kind === 'list') return mergeLists(ar, Array.isArray(l) ? l : [], r as unknown[], path, errors);
  return r;
}

/**
 * Merges list items keeping a stable order: items only in the live list keep their place, items of the applied
 * configuration follow the configuration's order (upstream's interleaving).
 */
function mergeLists(atom: ListAtom, lhs: unknown[], rhs: unknown[], path: PathElement[], errors: string[]): unknown {
  const rhsPEs = itemElements(atom, rhs, path, errors);
  const lhsPEs = itemElements(atom, lhs, path);
  const observedRHS = new Map<string, unknown>();
  rhsPEs.forEach((pe, i) => {
    if (observedRHS.has(pe.id)) errors.push(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
    else observedRHS.set(pe.id, rhs[i]);
  });
  const observedLHS = new Map<string, unknown>();
  lhsPEs.forEach((pe, i) => observedLHS.set(pe.id, observedLHS.has(pe.id) ? null : lhs[i]));

  const out: unknown[] = [];
  const mergeItem = (pe: PathElement, lv: unknown, rv: unknown) => {
    path.push(pe);
    const v = mergeValues(lv === null ? undefined : lv, rv, atom.items, path, errors);
    path.pop();
    if (v !== undefined) out.push(v);
  };
  const shared = rhsPEs.filter((pe) => observedLHS.has(pe.id));
  let nextShared = shared.shift();
  const mergedRHS = new Set<string>();
  let lI = 0;
  let rI = 0;
  while (lI < lhsPEs.length || rI < rhsPEs.length) {
    if (lI < lhsPEs.length && rI < rhsPEs.length) {
      const pe = lhsPEs[lI];
      if (pe.id === rhsPEs[rI].id) {
        mergedRHS.add(pe.id);
        mergeItem(pe, observedLHS.get(pe.id), observedRHS.get(pe.id));
        lI++;
        rI++;
        nextShared = shared.shift();
        continue;
      }
      if (observedRHS.has(pe.id) && nextShared && nextShared.id !== pe.id) {
        lI++;
        continue;
      }
    }
    if (lI < lhsPEs.length) {
      const pe = lhsPEs[lI];
      if (!observedRHS.has(pe.id)) {
        mergeItem(pe, lhs[lI], undefined);
        lI++;
        continue;
      } else if (mergedRHS.has(pe.id)) {
        lI++;
      }
    }
    if (rI < rhsPEs.length) {
      const pe = rhsPEs[rI];
      mergedRHS.add(pe.id);
      mergeItem(pe, observedLHS.get(pe.id), observedRHS.get(pe.id));
      rI++;
      if (nextShared && nextShared.id === pe.id) nextShared = shared.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}

// ---- RemoveItems ----

/** The value without the fields (and list/map items) of `toRemove`. */
export function removeItems(v: unknown, toRemove: FieldSet, t: TypeSchema): unknown {
  if (toRemove.isEmpty()) return v;
  const atom = resolve(t, v);
  if (atom.kind === 'list') {
    if (atom.listType === 'atomic' || !Array.isArray(v)) return v;
    const pes = itemElements(atom, v, []);
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      if (toRemove.members.has(pes[i].id)) continue;
      const below = toRemove.withPrefix(pes[i]);
      const item = below.isEmpty() ? v[i] : removeItems(v[i], below, atom.items);
      if (item !== undefined) out.push(item);
    }
    return out.length > 0 ? out : undefined;
  }
  if (atom.kind === 'map') {
    if (atom.atomic || !isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const pe = fieldElement(key);
      if (toRemove.members.has(pe.id)) continue;
      const below = toRemove.withPrefix(pe);
      const field = atom.field(key);
      const child = below.isEmpty() ? v[key] : removeItems(v[key], below, field ? field.type : atom.values);
      if (child !== undefined) out[key] = child;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return v;
}
