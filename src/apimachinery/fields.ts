// Field selectors as k8s.io/apimachinery pkg/fields parses and matches them: comma-separated `a=b`, `a==b`, `a!=b`
// terms ANDed together, with `\` escaping `\`, `,` and `=` inside values.

export type FieldSet = Record<string, string>;

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {}

/** A parsed field selector: an AND of terms (empty = everything), or the nothing selector. */
export class FieldSelector {
  constructor(
    readonly requirements: readonly FieldRequirement[],
    readonly isNothing = false,
  ) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  static nothing(): FieldSelector {
    return new FieldSelector([], true);
  }

  /** A missing field reads as '' (fields.Set.Get), so `a!=x` matches objects without `a`. */
  matches(fields: FieldSet): boolean {
    if (this.isNothing) return false;
    return this.requirements.every((r) => {
      const v = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    });
  }

  empty(): boolean {
    return !this.isNothing && this.requirements.length === 0;
  }

  /** Field names the selector mentions, so the server can reject unsupported ones. */
  fieldNames(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }

  /** The value an `=` term pins the field to, if any (used for indexed lookups like spec.nodeName). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  /**
   * Selector.Transform: rewrite every term (e.g. field label conversion); a throw aborts, and a term mapped to
   * an empty field and value is dropped.
   */
  transform(fn: (field: string, value: string) => { field: string; value: string }): FieldSelector {
    if (this.isNothing) return this;
    const out: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const t = fn(r.field, r.value);
      if (t.field === '' && t.value === '') continue;
      out.push({ field: t.field, operator: r.operator, value: t.value });
    }
    return new FieldSelector(out);
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** fields.UnescapeValue; errors carry upstream's texts. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Upstream prints the rune with %v, i.e. as its code point number.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

// Split on commas not escaped by a backslash.
function splitTerms(sel: string): string[] {
  if (sel === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(sel.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(sel.slice(start));
  return terms;
}

// First position where any operator starts; `!=` and `==` win over `=` at the same position.
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.ParseSelector: terms come out sorted by their text, as upstream sorts them. */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeFieldValue(t.rhs) });
  }
  return new FieldSelector(reqs);
}

/** fields.SelectorFromSet: `k=v` for every entry. */
export function fieldSelectorFromSet(set: FieldSet | undefined | null): FieldSelector {
  if (!set) return FieldSelector.everything();
  return new FieldSelector(Object.entries(set).map(([field, value]) => ({ field, operator: '=' as const, value })));
}

export function matchesFields(sel: FieldSelector, fields: FieldSet): boolean {
  return sel.matches(fields);
}

/**
 * The generic field set every object supports (metadata.name, and metadata.namespace when namespaced), merged with
 * kind-specific selectable fields.
 */
export function objectMetaFieldsSet(meta: { name?: string; namespace?: string }, namespaced: boolean, extra?: FieldSet): FieldSet {
  const set: FieldSet = { 'metadata.name': meta.name ?? '' };
  if (namespaced) set['metadata.namespace'] = meta.namespace ?? '';
  return { ...set, ...(extra ?? {}) };
}

/**
 * Checks the selector's field names against what the kind supports; returns upstream's message for the first
 * unsupported one (`field label not supported: foo`) or undefined when all are supported.
 */
export function unsupportedFieldLabel(sel: FieldSelector, supported: Iterable<string>): string | undefined {
  const ok = new Set(supported);
  const bad = sel.requirements.find((r) => !ok.has(r.field));
  return bad ? `field label not supported: ${bad.field}` : undefined;
}
