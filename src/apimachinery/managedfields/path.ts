// Path elements of structured-merge-diff: one step from a value to a child. Each element has a canonical string
// `id` that is exactly its FieldsV1 key (`f:name`, `k:{"containerPort":80,"protocol":"TCP"}`, `v:"x"`, `i:0`), so
// sets can index children by plain strings; ordering and the human form (`.spec`, `[name="nginx"]`) follow upstream.
import { goJSON } from './json.js';

export type PathElement =
  | { readonly kind: 'field'; readonly id: string; readonly name: string }
  /** An element of a list-map, identified by its key fields (sorted by name). */
  | { readonly kind: 'key'; readonly id: string; readonly fields: readonly (readonly [string, unknown])[] }
  /** An element of a set-list, identified by its scalar value. */
  | { readonly kind: 'value'; readonly id: string; readonly value: unknown }
  | { readonly kind: 'index'; readonly id: string; readonly index: number };

export type Path = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: 'field', id: 'f:' + name, name });

export function keyElement(fields: [string, unknown][]): PathElement {
  if (fields.length > 1) fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // goJSON of the object {name: value, …}, written out directly: the fields are already in its key order.
  let id = 'k:{';
  for (let i = 0; i < fields.length; i++) id += (i > 0 ? ',' : '') + goJSON(fields[i][0]) + ':' + goJSON(fields[i][1]);
  return { kind: 'key', id: id + '}', fields };
}

export const valueElement = (value: unknown): PathElement => ({ kind: 'value', id: 'v:' + goJSON(value), value });

export const indexElement = (index: number): PathElement => ({ kind: 'index', id: 'i:' + index, index });

// FieldsV1 keys repeat across objects and writes (`f:metadata`, `k:{"type":"Ready"}`); path elements are immutable,
// so each key is parsed once. The cache is simply dropped when it grows large.
const parsedElements = new Map<string, PathElement | undefined>();
const PARSED_ELEMENTS_LIMIT = 20_000;

/** Parses a FieldsV1 key; undefined for prefixes we do not know (upstream skips those). */
export function parsePathElement(id: string): PathElement | undefined {
  let pe = parsedElements.get(id);
  if (pe === undefined && !parsedElements.has(id)) {
    pe = parseUncached(id);
    if (parsedElements.size >= PARSED_ELEMENTS_LIMIT) parsedElements.clear();
    parsedElements.set(id, pe);
  }
  return pe;
}

function parseUncached(id: string): PathElement | undefined {
  const colon = id.indexOf(':');
  if (colon < 0) throw new Error(`missing colon: ${id}`);
  const body = id.slice(colon + 1);
  switch (id.slice(0, colon)) {
    case 'f':
      return fieldElement(body);
    case 'k': {
      const parsed = JSON.parse(body) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`invalid key: ${body}`);
      return keyElement(Object.entries(parsed));
    }
    case 'v':
      return valueElement(JSON.parse(body));
    case 'i': {
      const index = Number(body);
      if (!Number.isInteger(index)) throw new Error(`invalid index: ${body}`);
      return indexElement(index);
    }
    default:
      return undefined;
  }
}

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** Upstream's total order: field names, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] - kindRank[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'index':
      return a.index - (b as typeof a).index;
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'key': {
      const other = (b as typeof a).fields;
      for (let i = 0; ; i++) {
        if (i >= a.fields.length || i >= other.length) return a.fields.length - other.length;
        const byName = compareStrings(a.fields[i][0], other[i][0]);
        if (byName !== 0) return byName;
        const byValue = compareValues(a.fields[i][1], other[i][1]);
        if (byValue !== 0) return byValue;
      }
    }
  }
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function valueRank(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return 0;
    case 'string':
      return 1;
    case 'boolean':
      return 2;
    default:
      return v === null || v === undefined ? 5 : Array.isArray(v) ? 3 : 4;
  }
}

/** Orders scalars as upstream's value.Compare does: numbers, strings, booleans, then the rest. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return compareStrings(a as string, b as string);
  if (ra === 2) return Number(a) - Number(b);
  return compareStrings(goJSON(a), goJSON(b));
}

/** The form used in conflict messages: `.spec`, `[name="nginx"]`, `[="a"]`, `[0]`. */
export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return '.' + pe.name;
    case 'key':
      return '[' + pe.fields.map(([name, value]) => `${name}=${valueString(value)}`).join(',') + ']';
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export const pathString = (path: Path): string => path.map(pathElementString).join('');

/** Go's value.ToString: strings quoted, numbers and booleans plain. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(valueString).join(',') + ']';
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}=${valueString(x)}`)
    .join('');
}
