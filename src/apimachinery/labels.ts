// Label selectors as k8s.io/apimachinery pkg/labels parses, prints and matches them, plus the metav1.LabelSelector
// helpers (LabelSelectorAsSelector, FormatLabelSelector, …). Error texts follow upstream because users search for them.
import { FieldError, invalid } from './field-errors.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';

/** selection.Operator values, spelled as upstream spells them. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

const BINARY_OPERATORS: Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

export type LabelSet = Record<string, string>;

export interface LabelSelectorRequirement {
  key: string;
  operator: string; // In | NotIn | Exists | DoesNotExist
  values?: string[];
}

/** metav1.LabelSelector as it appears in JSON. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Thrown for a selector that does not parse or has an invalid key/value; message is upstream's text. */
export class SelectorError extends Error {}

// Key/value checks are validation.IsQualifiedName / IsValidLabelValue (shared module).
export { isQualifiedName as qualifiedNameErrors, isValidLabelValue as labelValueErrors };

// ---- requirements and selectors ----

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

// Path text as field.Path prints it; a nil path prints as `<nil>`.
function pathText(base: string | undefined, child: string): string {
  return base ? `${base}.${child}` : child;
}

function checkKey(key: string, field: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(field, key, errs.join('; ')) : undefined;
}

// A values list that is itself the bad value prints with Go's %#v: `[]string{"a", "b"}`.
class BadValuesError extends FieldError {
  constructor(field: string, private readonly values: string[], detail: string) {
    super('FieldValueInvalid', field, values, detail);
  }
  override errorBody(): string {
    return `Invalid value: []string{${this.values.map((s) => JSON.stringify(s)).join(', ')}}: ${this.detail}`;
  }
}

function aggregateMessage(errs: FieldError[]): string {
  const texts = errs.map((e) => e.toString());
  return texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
}

/**
 * labels.NewRequirement: validates key, operator arity and values. `path` prefixes field names as
 * field.WithPath does (e.g. `spec.selector.matchExpressions[0]`).
 */
export function newRequirement(key: string, operator: Operator, values: string[], path?: string): Requirement {
  const errs: FieldError[] = [];
  const keyErr = checkKey(key, pathText(path, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuesPath = pathText(path, 'values');
  const badValues = (detail: string) => errs.push(new BadValuesError(valuesPath, values, detail));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) badValues("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) badValues('exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) badValues('values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) badValues("for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`${valuesPath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default: {
      const supported = [...BINARY_OPERATORS, 'exists', '!'].map((s) => JSON.stringify(s)).join(', ');
      errs.push(new FieldError('FieldValueNotSupported', pathText(path, 'operator'), String(operator), `supported values: ${supported}`));
    }
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(invalid(`${valuesPath}[${i}][${key}]`, v, msgs.join('; ')));
  });
  if (errs.length) throw new SelectorError(aggregateMessage(errs));
  return { key, operator, values: [...values] };
}

function hasValue(r: Requirement, v: string): boolean {
  return r.values.includes(v);
}

const INT64_RE = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// strconv.ParseInt(s, 10, 64): undefined when not a base-10 int64.
function parseInt64(s: string): bigint | undefined {
  if (!INT64_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

export function requirementMatches(r: Requirement, labels: LabelSet): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && hasValue(r, labels[r.key]);
    case 'notin':
    case '!=':
      return !has || !hasValue(r, labels[r.key]);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const a = parseInt64(labels[r.key]);
      const b = parseInt64(r.values[0]);
      if (a === undefined || b === undefined) return false;
      return r.operator === 'gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

const sortedStrings = (v: string[]) => [...v].sort(compareBytes);

// Go compares strings bytewise; for the ASCII that label syntax allows this equals code-unit order.
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function requirementString(r: Requirement): string {
  let s = r.operator === '!' ? '!' + r.key : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    default:
      s += r.operator;
  }
  const vals = r.values.length === 1 ? r.values[0] : sortedStrings(r.values).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

/** A parsed label selector: an AND of requirements sorted by key; or the "nothing" selector matching no object. */
export class Selector {
  private constructor(
    readonly requirements: readonly Requirement[],
    /** labels.Nothing(): what a nil metav1.LabelSelector converts to. */
    readonly isNothing: boolean,
  ) {}

  static of(reqs: Requirement[]): Selector {
    // Stable sort keeps duplicate keys in their written order, like upstream for short lists.
    return new Selector([...reqs].sort((a, b) => compareBytes(a.key, b.key)), false);
  }

  private static readonly EVERYTHING = new Selector([], false);
  private static readonly NOTHING = new Selector([], true);

  static everything(): Selector {
    return Selector.EVERYTHING;
  }

  static nothing(): Selector {
    return Selector.NOTHING;
  }

  matches(labels: LabelSet | undefined): boolean {
    if (this.isNothing) return false;
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }

  /** True for the everything selector (no requirements); the nothing selector is not empty. */
  empty(): boolean {
    return !this.isNothing && this.requirements.length === 0;
  }

  add(...reqs: Requirement[]): Selector {
    if (this.isNothing) return this;
    return Selector.of([...this.requirements, ...reqs]);
  }

  /** The value a label must have for this selector to match, if one is fixed (=, ==, single-value in). */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (!r) return undefined;
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    return undefined;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

// ---- lexer (pkg/labels Lexer) ----

enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const KEYWORDS: Record<string, Tok> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch) && ch !== '';

function lexAll(s: string): Item[] {
  let pos = 0;
  // Upstream reads a NUL byte as end of input; keep that quirk.
  const read = () => (pos < s.length ? s[pos++] : '\0');
  const unread = () => void pos--;
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === '\0') {
      item = { tok: Tok.EndOfString, lit: '' };
    } else if (isSpecial(ch)) {
      unread();
      item = scanSpecial();
    } else {
      unread();
      item = scanIdentifier();
    }
    items.push(item);
    if (item.tok === Tok.EndOfString) return items;
  }

  function scanIdentifier(): Item {
    let buf = '';
    for (;;) {
      const ch = read();
      if (ch === '\0') break;
      if (isSpecial(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      buf += ch;
    }
    const kw = KEYWORDS[buf];
    return kw !== undefined && Object.hasOwn(KEYWORDS, buf) ? { tok: kw, lit: buf } : { tok: Tok.Identifier, lit: buf };
  }

  // Longest run of special symbols that still forms a known token.
  function scanSpecial(): Item {
    let buf = '';
    let last: Item | undefined;
    for (;;) {
      const ch = read();
      if (ch === '\0') break;
      if (!isSpecial(ch)) {
        unread();
        break;
      }
      buf += ch;
      const t = KEYWORDS[buf];
      if (t !== undefined) last = { tok: t, lit: buf };
      else if (last) {
        unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
  }
}

// ---- parser (pkg/labels Parser) ----

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  // In value context the keywords `in`/`notin` are plain identifiers.
  private lookahead(values: boolean): Item {
    return this.asContext(this.items[this.position], values);
  }

  private consume(values: boolean): Item {
    return this.asContext(this.items[this.position++], values);
  }

  private asContext(it: Item, values: boolean): Item {
    if (values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        let r: Requirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          throw new SelectorError(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const next = this.consume(true);
        if (next.tok === Tok.EndOfString) return reqs;
        if (next.tok === Tok.Comma) {
          const after = this.lookahead(true);
          if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
            throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
          }
        } else {
          throw new SelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === Tok.EndOfString) {
        return reqs;
      } else {
        throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, [...values].sort(compareBytes));
  }

  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let operator: Operator | undefined;
    let it = this.consume(true);
    if (it.tok === Tok.DoesNotExist) {
      operator = '!';
      it = this.consume(true);
    }
    if (it.tok !== Tok.Identifier) throw new Error(`found '${it.lit}', expected: identifier`);
    const keyErr = checkKey(it.lit, '<nil>');
    if (keyErr) throw new Error(keyErr.toString());
    const next = this.lookahead(true).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && operator !== '!') operator = 'exists';
    return { key: it.lit, operator };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In: return 'in';
      case Tok.Equals: return '=';
      case Tok.DoubleEquals: return '==';
      case Tok.GreaterThan: return 'gt';
      case Tok.LessThan: return 'lt';
      case Tok.NotIn: return 'notin';
      case Tok.NotEquals: return '!=';
      default:
        throw new Error(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    let it = this.consume(true);
    if (it.tok !== Tok.OpenPar) throw new Error(`found '${it.lit}' expected: '('`);
    it = this.lookahead(true);
    if (it.tok === Tok.Identifier || it.tok === Tok.Comma) {
      const s = this.parseIdentifiersList();
      if (this.consume(true).tok !== Tok.ClosedPar) throw new Error(`found '${it.lit}', expected: ')'`);
      return s;
    }
    if (it.tok === Tok.ClosedPar) {
      this.consume(true);
      return new Set(['']);
    }
    throw new Error(`found '${it.lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const it = this.consume(true);
      if (it.tok === Tok.Identifier) {
        s.add(it.lit);
        const next = this.lookahead(true);
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosedPar) return s;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      } else if (it.tok === Tok.Comma) {
        // Empty entries (`(,a)`, `(a,)`, `(a,,b)`) stand for the empty value.
        if (s.size === 0) s.add('');
        const next = this.lookahead(true);
        if (next.tok === Tok.ClosedPar) {
          s.add('');
          return s;
        }
        if (next.tok === Tok.Comma) {
          this.consume(true);
          s.add('');
        }
      } else {
        throw new Error(`found '${it.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const peek = this.lookahead(true);
    if (peek.tok === Tok.EndOfString || peek.tok === Tok.Comma) return new Set(['']);
    const it = this.consume(true);
    if (it.tok === Tok.Identifier) return new Set([it.lit]);
    throw new Error(`found '${it.lit}', expected: identifier`);
  }
}

/** labels.Parse: throws SelectorError with upstream's message for a bad selector. */
export function parseSelector(text: string): Selector {
  return Selector.of(parseToRequirements(text));
}

/** labels.ParseToRequirements: requirements in written order. */
export function parseToRequirements(text: string): Requirement[] {
  return new Parser(lexAll(text)).parse();
}

/** labels.SelectorFromSet: `k=v` requirements, unvalidated; an empty or missing set selects everything. */
export function selectorFromSet(set: LabelSet | undefined | null): Selector {
  if (!set) return Selector.everything();
  return Selector.of(Object.entries(set).map(([key, v]) => ({ key, operator: '=' as Operator, values: [v] })));
}

/** labels.ValidatedSelectorFromSet: like selectorFromSet but rejects invalid keys/values. */
export function validatedSelectorFromSet(set: LabelSet | undefined | null): Selector {
  if (!set) return Selector.everything();
  return Selector.of(Object.entries(set).map(([k, v]) => newRequirement(k, '=', [v])));
}

/** labels.FormatLabels / Set.String: `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(set: LabelSet | undefined | null): string {
  const s = labelSetString(set);
  return s === '' ? '<none>' : s;
}

/** labels.Set.String: `a=b,c=d` sorted by key ('' when empty). */
export function labelSetString(set: LabelSet | undefined | null): string {
  if (!set) return '';
  return Object.keys(set).sort(compareBytes).map((k) => `${k}=${set[k]}`).join(',');
}

// ---- metav1.LabelSelector helpers ----

const META_OPERATORS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** metav1.LabelSelectorAsSelector: null/undefined selects nothing, an empty selector selects everything. */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return Selector.nothing();
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return Selector.everything();
  const reqs: Requirement[] = Object.entries(matchLabels).map(([k, v]) => newRequirement(k, '=', [v]));
  for (const e of exprs) {
    const op = Object.hasOwn(META_OPERATORS, e.operator) ? META_OPERATORS[e.operator] : undefined;
    if (!op) throw new SelectorError(`${JSON.stringify(e.operator ?? '')} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return Selector.of(reqs);
}

/** metav1.FormatLabelSelector: `app=nginx`, `<none>` for nil/empty, `<error>` when it does not convert. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let text: string;
  try {
    text = labelSelectorAsSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return text === '' ? '<none>' : text;
}

/** metav1.LabelSelectorAsMap: only matchLabels and single-value In convert. */
export function labelSelectorAsMap(ls: LabelSelector | null | undefined): LabelSet | undefined {
  if (ls == null) return undefined;
  const out: LabelSet = { ...(ls.matchLabels ?? {}) };
  for (const e of ls.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        if ((e.values ?? []).length !== 1) {
          throw new SelectorError(`operator "In" without a single value cannot be converted into the old label selector format`);
        }
        out[e.key] = e.values![0];
        break;
      case 'NotIn':
      case 'Exists':
      case 'DoesNotExist':
        throw new SelectorError(`operator ${JSON.stringify(e.operator)} cannot be converted into the old label selector format`);
      default:
        throw new SelectorError(`${JSON.stringify(e.operator ?? '')} is not a valid selector operator`);
    }
  }
  return out;
}

/** metav1.ParseToLabelSelector: a selector string back into matchLabels / matchExpressions. */
export function parseToLabelSelector(text: string): LabelSelector {
  let reqs: Requirement[];
  try {
    reqs = parseToRequirements(text);
  } catch (e) {
    throw new SelectorError(`couldn't parse the selector string "${text}": ${(e as Error).message}`);
  }
  const out: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  const metaOp: Partial<Record<Operator, string>> = { in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' };
  for (const r of reqs) {
    if (r.operator === '=' || r.operator === '==') {
      out.matchLabels[r.key] = r.values[0];
    } else if (r.operator === 'gt' || r.operator === 'lt') {
      throw new SelectorError(`"${r.operator}" isn't supported in label selectors`);
    } else {
      out.matchExpressions.push({ key: r.key, operator: metaOp[r.operator]!, values: sortedStrings([...new Set(r.values)]) });
    }
  }
  return out;
}

/** metav1.SetAsLabelSelector. */
export function setAsLabelSelector(set: LabelSet | null | undefined): LabelSelector | undefined {
  return set == null ? undefined : { matchLabels: { ...set } };
}
