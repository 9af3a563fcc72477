// Compiling x-kubernetes-validations rules: parse with the CEL library, then check field references against the
// schema (upstream's typed environment rejects `self.nope` with "undefined field 'nope'") and estimate the worst
// case cost from maxItems/maxProperties/maxLength, the way the CRD admission rejects unbounded rules.
import type { SchemaNode, ValidationRule } from '../model.js';
import { celEnvironment, celUnavailable } from './env.js';
import type { CelError, CelNode, CelProgram } from './lib-types.js';
import { escapeName, isTypedObject, withTypeAndObjectMeta } from './values.js';

/** Limits from k8s.io/apiserver/pkg/apis/cel/config.go and the CRD validation. */
export const PER_CALL_LIMIT = 1_000_000;
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

export interface CompiledRule {
  rule: ValidationRule;
  program?: CelProgram;
  messageProgram?: CelProgram;
  /** compile error detail, as upstream words it */
  error?: string;
  messageError?: string;
  usesOldSelf: boolean;
  cost: number;
  messageCost: number;
  /** the rule's fieldPath, validated and normalized to a relative field path (`spec.foo`) */
  fieldPath?: string;
}

export class CompileError extends Error {}

/** `ERROR: <input>:L:C: msg` followed by cel-go's source snippet with a caret. */
export function celErrorText(src: string, offset: number, msg: string): string {
  const before = src.slice(0, Math.max(0, Math.min(offset, src.length)));
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = offset - lineStart;
  const text = src.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${msg}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

/** Library messages reworded the way cel-go prints them. */
function celGoMessage(e: CelError): string {
  const m = (e.summary ?? e.message.split('\n')[0]).trim();
  let r: RegExpExecArray | null;
  if ((r = /^Unknown variable: (.*)$/.exec(m))) return `undeclared reference to '${r[1]}' (in container '')`;
  if ((r = /^No such key: (.*)$/.exec(m))) return `undefined field '${r[1]}'`;
  if (e.name === 'ParseError') return `Syntax error: ${m.charAt(0).toLowerCase()}${m.slice(1)}`;
  return m;
}

/** Where the library places an error: selects point at the field name, one past the dot. */
const errorOffset = (e: CelError) => e.range?.start ?? e.node?.pos ?? 0;

interface Scope {
  vars: Map<string, SchemaNode | undefined>;
}

interface Info {
  s?: SchemaNode; // undefined: dyn
  cost: number;
}

const unboundedItems = (s: SchemaNode | undefined): number => {
  const min = !s ? 2 : s.type === 'string' ? 3 : s.type === 'boolean' ? 5 : s.type === 'object' || s.type === 'array' ? 3 : 2;
  return Math.floor(MAX_REQUEST_SIZE_BYTES / min);
};

/** Largest number of elements a list/map/string at this schema can have. */
export function maxSize(s: SchemaNode | undefined): number {
  if (!s) return unboundedItems(undefined);
  if (s.type === 'array') return s.maxItems ?? unboundedItems(s.items);
  if (s.type === 'string') return s.maxLength !== undefined ? s.maxLength * 4 : MAX_REQUEST_SIZE_BYTES;
  if (s.type === 'object') return s.maxProperties ?? unboundedItems(typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
  return 1;
}

const STRING_FNS = new Set(['matches', 'contains', 'startsWith', 'endsWith', 'lowerAscii', 'upperAscii', 'trim', 'split', 'replace', 'indexOf', 'lastIndexOf', 'substring', 'join', 'reverse']);
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

class RuleAnalyzer {
  usesOldSelf = false;
  constructor(private readonly src: string) {}

  fail(node: CelNode, msg: string): never {
    throw new CompileError(celErrorText(this.src, node.op === '.' || node.op === '.?' ? node.pos - 1 : node.pos, msg));
  }

  analyze(n: CelNode, scope: Scope): Info {
    switch (n.op) {
      case 'value':
        return { cost: 0 };
      case 'id': {
        const name = n.args as string;
        if (name === 'oldSelf') this.usesOldSelf = true;
        return { s: scope.vars.get(name), cost: 1 };
      }
      case '.':
      case '.?': {
        const [base, field] = n.args as [CelNode, string];
        const b = this.analyze(base, scope);
        return { s: this.selectField(n, b.s, field), cost: b.cost + 1 };
      }
      case '[]':
      case '[?]': {
        const [base, idx] = n.args as [CelNode, CelNode];
        const b = this.analyze(base, scope);
        const i = this.analyze(idx, scope);
        let s: SchemaNode | undefined;
        if (b.s?.type === 'array') s = b.s.items;
        else if (b.s && typeof b.s.additionalProperties === 'object') s = b.s.additionalProperties;
        return { s, cost: b.cost + i.cost + 1 };
      }
      case 'rcall': {
        const [name, receiver, args] = n.args as [string, CelNode, CelNode[]];
        const r = this.analyze(receiver, scope);
        if (MACROS.has(name) && args.length >= 2 && args[0].op === 'id') {
          const elem = r.s?.type === 'array' ? r.s.items : r.s?.type === 'object' ? stringSchema : undefined;
          const inner: Scope = { vars: new Map(scope.vars).set(args[0].args as string, elem) };
          const body = args.slice(1).reduce((c, a) => c + this.analyze(a, inner).cost, 0);
          const s = name === 'filter' ? r.s : undefined;
          return { s, cost: r.cost + maxSize(r.s) * (body + 1) };
        }
        const argCost = args.reduce((c, a) => c + this.analyze(a, scope).cost, 0);
        const strCost = STRING_FNS.has(name) ? Math.ceil(maxSize(r.s?.type === 'string' ? r.s : undefined) * 0.1) : 0;
        return { cost: r.cost + argCost + 1 + strCost };
      }
      case 'call': {
        const [name, args] = n.args as [string, CelNode[]];
        if (name === 'has' && args.length === 1) return { cost: this.analyze(args[0], scope).cost };
        const infos = args.map((a) => this.analyze(a, scope));
        const strCost = STRING_FNS.has(name) ? infos.reduce((c, i) => c + Math.ceil((i.s?.type === 'string' ? maxSize(i.s) : 0) * 0.1), 0) : 0;
        return { cost: infos.reduce((c, i) => c + i.cost, 1) + strCost };
      }
      default: {
        let cost = 1;
        let s: SchemaNode | undefined;
        const visit = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(visit);
          else if (v && typeof v === 'object' && 'op' in v) {
            const info = this.analyze(v as CelNode, scope);
            cost += info.cost;
            s ??= info.s;
          }
        };
        visit(n.args);
        // Equality and concatenation of strings walk them.
        if ((n.op === '==' || n.op === '!=' || n.op === '+') && s?.type === 'string') cost += Math.ceil(maxSize(s) * 0.1);
        return { cost, s: n.op === '+' || n.op === '?:' ? s : undefined };
      }
    }
  }

  private selectField(n: CelNode, s: SchemaNode | undefined, field: string): SchemaNode | undefined {
    if (!s || s.intOrString) return undefined;
    if (typeof s.additionalProperties === 'object') return s.additionalProperties;
    if (s.additionalProperties === true) return undefined;
    if (s.type === 'object' || s.embeddedResource) {
      for (const [k, p] of s.properties ?? []) if (escapeName(k) === field) return p;
      if (isTypedObject(s)) this.fail(n, `undefined field '${field}'`);
      return undefined;
    }
    if (s.type) this.fail(n, `type '${celTypeName(s)}' does not support field selection`);
    return undefined;
  }
}

const stringSchema = { type: 'string' } as SchemaNode;

function celTypeName(s: SchemaNode): string {
  switch (s.type) {
    case 'integer': return 'int';
    case 'number': return 'double';
    case 'boolean': return 'bool';
    case 'array': return 'list';
    default: return s.type;
  }
}

function parseAndCheck(src: string, self: SchemaNode, mustBe: 'bool' | 'string'): { program?: CelProgram; error?: string; usesOldSelf: boolean; cost: number } {
  const env = celEnvironment();
  if (!env) return { error: celUnavailable(), usesOldSelf: false, cost: 0 };
  let program: CelProgram;
  try {
    program = env.parse(src);
  } catch (e) {
    return { error: celErrorText(src, errorOffset(e as CelError), celGoMessage(e as CelError)), usesOldSelf: /\boldSelf\b/.test(src), cost: 0 };
  }
  const analyzer = new RuleAnalyzer(src);
  let cost = 0;
  try {
    cost = analyzer.analyze(program.ast, { vars: new Map([['self', self], ['oldSelf', self]]) }).cost;
  } catch (e) {
    if (e instanceof CompileError) return { error: e.message, usesOldSelf: analyzer.usesOldSelf, cost: 0 };
    throw e;
  }
  const checked = program.check();
  if (!checked.valid && checked.error) {
    return { error: celErrorText(src, errorOffset(checked.error), celGoMessage(checked.error)), usesOldSelf: analyzer.usesOldSelf, cost };
  }
  if (checked.type && checked.type !== 'dyn' && checked.type !== mustBe) {
    return { error: mustBe === 'bool' ? 'cel expression must evaluate to a bool' : 'must evaluate to a string', usesOldSelf: analyzer.usesOldSelf, cost };
  }
  return { program, usesOldSelf: analyzer.usesOldSelf, cost };
}

/** Compiles the rules declared on schema node `s` (`isRoot`: the resource root, which also has apiVersion/kind/metadata). */
export function compileRules(s: SchemaNode, isRoot: boolean): CompiledRule[] {
  const self = isRoot ? withTypeAndObjectMeta(s) : s;
  return s.validations.map((rule) => {
    const out: CompiledRule = { rule, usesOldSelf: false, cost: 0, messageCost: 0 };
    if (rule.rule.trim() === '') return out;
    const r = parseAndCheck(rule.rule, self, 'bool');
    out.usesOldSelf = r.usesOldSelf;
    out.cost = r.cost;
    if (r.error !== undefined) out.error = r.error.startsWith('CEL library') || r.error.startsWith('cel expression') ? r.error : `compilation failed: ${r.error}`;
    else out.program = r.program;
    if (rule.messageExpression && rule.messageExpression.trim() !== '') {
      const m = parseAndCheck(rule.messageExpression, self, 'string');
      out.messageCost = m.cost;
      if (m.error !== undefined) {
        out.messageError = m.error === 'must evaluate to a string' ? 'must evaluate to a string' : `messageExpression compilation failed: ${m.error}`;
      } else out.messageProgram = m.program;
    }
    return out;
  });
}

/** Upstream's wording for an estimated cost over a limit. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const f = cost / limit;
  const factor = f > 100 ? 'more than 100x' : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
