// Running x-kubernetes-validations against an object (schema/cel/validation.go). Every rule runs on each non-null
// value its schema node matches; transition rules (using oldSelf) only when a correlated old value exists. Each
// evaluation step is counted: a rule over its per-call limit, or all rules together over the runtime budget, stop
// validation with upstream's errors instead of hanging.
import { withRe2RegExp } from '../../../apimachinery/re2.js';
import { FieldError, FieldPath, forbidden, internalError, invalid, required } from '../../../apimachinery/field-errors.js';
import { GoValueFieldError } from '../goformat.js';
import type { SchemaNode, ValidationRule } from '../model.js';
import { isPlainObject } from '../model.js';
import { PER_CALL_LIMIT, type CompiledRule } from './compile.js';
import type { CelNode, CelProgram } from './lib-types.js';
import { toCelValue } from './values.js';

/** Wall-clock cap per evaluation, a second line of defence behind step counting. */
const EVAL_TIME_LIMIT_MS = 200;

class CostExceeded extends Error {}

const meter = { steps: 0, limit: PER_CALL_LIMIT, deadline: 0 };

/** Wraps every AST node's evaluate so each step is counted (the library has no cost tracking of its own). */
export function instrument(program: CelProgram): void {
  const root = program.ast;
  const NodeClass = root.constructor as { prototype: { evaluate: CelNode['evaluate'] } };
  const protoEvaluate = NodeClass.prototype.evaluate;
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof (root.constructor as new (...a: never[]) => unknown)) {
      const node = v as CelNode;
      let resolved: CelNode['evaluate'] | undefined;
      const counting: CelNode['evaluate'] = function (this: CelNode, ev, ast, ctx) {
        if (++meter.steps > meter.limit || ((meter.steps & 255) === 0 && Date.now() > meter.deadline)) throw new CostExceeded();
        return (resolved ?? protoEvaluate).call(this, ev, ast, ctx);
      };
      Object.defineProperty(node, 'evaluate', {
        get: () => counting,
        set: (fn: CelNode['evaluate']) => { resolved = fn; },
        configurable: true,
      });
      visit(node.args);
      visit(node.meta.alternate);
      visit(node.meta.macro);
      return;
    }
    if (Array.isArray(v)) v.forEach(visit);
    else if (Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(visit);
  };
  visit(root);
}

type EvalOutcome = { ok: true; value: unknown; cost: number } | { ok: false; error: Error; cost: number; costExceeded: boolean };

function run(program: CelProgram, activation: Record<string, unknown>, limit: number): EvalOutcome {
  meter.steps = 0;
  meter.limit = limit;
  meter.deadline = Date.now() + EVAL_TIME_LIMIT_MS;
  try {
    // matches() on RE2 semantics, not JavaScript's backtracking engine.
    const value = withRe2RegExp(() => program(activation));
    return { ok: true, value, cost: meter.steps };
  } catch (e) {
    return { ok: false, error: e as Error, cost: meter.steps, costExceeded: e instanceof CostExceeded };
  }
}

/** A node's rules, compiled once, with the children that carry rules of their own. */
export interface RuleNode {
  schema: SchemaNode;
  isRoot: boolean;
  rules: CompiledRule[];
  properties?: Map<string, RuleNode>;
  additionalProperties?: RuleNode;
  items?: RuleNode;
}

const ruleErrorString = (r: ValidationRule) => (r.message ? r.message.trim() : r.rule.trim());
const ruleMessageOrDefault = (r: ValidationRule) => (r.message ? r.message.trim() : `failed rule: ${ruleErrorString(r)}`);
const libMessage = (e: Error) => {
  const m = ((e as { summary?: string }).summary ?? e.message.split('\n')[0]).trim();
  return /^No such key/.test(m) ? m.charAt(0).toLowerCase() + m.slice(1) : m;
};

function errorForReason(path: string, type: string, detail: string, reason?: string): FieldError {
  switch (reason) {
    case 'FieldValueForbidden': return forbidden(path, detail);
    case 'FieldValueRequired': return required(path, detail);
    case 'FieldValueDuplicate': return new GoValueFieldError('FieldValueDuplicate', path, type, '');
    default: return invalid(path, type, detail);
  }
}

interface State { budget: number; errs: FieldError[] }

/** Errors of transition rules (using oldSelf): never ratcheted away on update. */
export const transitionRuleErrors = new WeakSet<FieldError>();

const pathText = (p: FieldPath | undefined) => (p ? p.toString() : '');
const child = (p: FieldPath | undefined, k: string) => (p ? p.child(k) : FieldPath.root(k));

/** The value `self` has at the root: declared fields plus apiVersion, kind and metadata.name/generateName. */
function rootValue(obj: Record<string, unknown>, s: SchemaNode): unknown {
  const v = toCelValue(obj, s) as Record<string, unknown>;
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const m: Record<string, unknown> = {};
  if (typeof meta.name === 'string') m.name = meta.name;
  if (typeof meta.generateName === 'string') m.generateName = meta.generateName;
  if ('metadata' in obj) v.metadata = m;
  if ('apiVersion' in obj) v.apiVersion = obj.apiVersion;
  if ('kind' in obj) v.kind = obj.kind;
  return v;
}

function validateExpressions(n: RuleNode, path: FieldPath | undefined, obj: unknown, old: unknown, st: State): void {
  if (obj === null || obj === undefined || n.rules.length === 0) return;
  const type = n.schema.type;
  const here = pathText(path);
  if (st.budget <= 0) {
    st.errs.push(invalid(here, type, 'validation failed due to running out of cost budget, no further validation rules will be run'));
    st.budget = -1;
    return;
  }
  const conv = (v: unknown) => (n.isRoot && isPlainObject(v) ? rootValue(v, n.schema) : toCelValue(v, n.schema));
  const self = conv(obj);
  const hasOld = old !== null && old !== undefined;
  const oldSelf = hasOld ? conv(old) : undefined;
  for (const c of n.rules) {
    const rule = c.rule;
    if (c.error !== undefined) {
      st.errs.push(invalid(here, type, `rule compile error: ${c.error}`));
      continue;
    }
    if (!c.program) continue;
    if (c.usesOldSelf && !hasOld) continue;
    const out = run(c.program, { self, oldSelf: oldSelf ?? null }, Math.min(PER_CALL_LIMIT, st.budget + 1));
    if (out.cost > st.budget && !(out.ok === false && out.costExceeded && out.cost <= PER_CALL_LIMIT)) {
      st.errs.push(invalid(here, type, 'validation failed due to running out of cost budget, no further validation rules will be run'));
      st.budget = -1;
      return;
    }
    st.budget -= out.cost;
    if (!out.ok) {
      if (out.costExceeded) {
        if (st.budget <= 0) {
          st.errs.push(invalid(here, type, 'validation failed due to running out of cost budget, no further validation rules will be run'));
        } else {
          st.errs.push(invalid(here, type, `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`));
        }
        st.budget = -1;
        return;
      }
      const msg = libMessage(out.error);
      if (/^(no such overload|found no matching overload)/.test(msg)) {
        st.errs.push(invalid(here, type, `'${msg}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`));
      } else {
        st.errs.push(invalid(here, type, `${msg} evaluating rule: ${ruleErrorString(rule)}`));
      }
      continue;
    }
    if (out.value === true) continue;
    const before = st.errs.length;
    const at = c.fieldPath ? FieldPath.root(here ? `${here}.${c.fieldPath}` : c.fieldPath) : path;
    const errPath = pathText(at);
    if (c.messageProgram) {
      const m = run(c.messageProgram, { self, oldSelf: oldSelf ?? null }, Math.min(PER_CALL_LIMIT, st.budget + 1));
      if (m.cost > st.budget || (!m.ok && m.costExceeded)) {
        st.errs.push(invalid(errPath, type, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'));
        st.budget = -1;
        return;
      }
      st.budget -= m.cost;
      const text = m.ok && typeof m.value === 'string' ? m.value.trim() : '';
      const usable = m.ok && typeof m.value === 'string' && text !== '' && !text.includes('\n') && text.length <= 5 * 1024;
      st.errs.push(errorForReason(errPath, type, usable ? text : ruleMessageOrDefault(rule), rule.reason));
    } else {
      st.errs.push(errorForReason(errPath, type, ruleMessageOrDefault(rule), rule.reason));
    }
    if (c.usesOldSelf) for (const e of st.errs.slice(before)) transitionRuleErrors.add(e);
  }
}

function validateNode(n: RuleNode | undefined, path: FieldPath | undefined, obj: unknown, old: unknown, st: State): void {
  if (!n || obj === null || obj === undefined || st.budget < 0) return;
  validateExpressions(n, path, obj, old, st);
  if (st.budget < 0) return;
  if (isPlainObject(obj)) {
    const oldMap = isPlainObject(old) && n.schema.mapType !== 'atomic' ? old : undefined;
    if (n.additionalProperties) {
      for (const [k, v] of Object.entries(obj)) {
        if (n.schema.properties?.has(k)) continue;
        validateNode(n.additionalProperties, path ? path.key(k) : FieldPath.root(`[${k}]`), v, oldMap?.[k], st);
        if (st.budget < 0) return;
      }
    }
    if (n.properties) {
      for (const [k, v] of Object.entries(obj)) {
        const p = n.properties.get(k);
        if (!p) continue;
        validateNode(p, child(path, k), v, oldMap?.[k], st);
        if (st.budget < 0) return;
      }
    }
  } else if (Array.isArray(obj) && n.items && path) {
    const oldItems = correlatedItems(n.schema, old);
    for (let i = 0; i < obj.length; i++) {
      validateNode(n.items, path.index(i), obj[i], oldItems(obj[i]), st);
      if (st.budget < 0) return;
    }
  }
}

/** Only list-type=map lists correlate old items with new ones (by their keys). */
function correlatedItems(s: SchemaNode, old: unknown): (item: unknown) => unknown {
  if (s.listType !== 'map' || !Array.isArray(old) || s.listMapKeys.length === 0) return () => undefined;
  const keyOf = (x: unknown) => (isPlainObject(x) ? JSON.stringify(s.listMapKeys.map((k) => x[k] ?? null)) : undefined);
  const byKey = new Map<string, unknown>();
  for (const o of old) { const k = keyOf(o); if (k !== undefined && !byKey.has(k)) byKey.set(k, o); }
  return (item) => { const k = keyOf(item); return k === undefined ? undefined : byKey.get(k); };
}

export function validateCEL(root: RuleNode | undefined, obj: unknown, old: unknown, budget: number): { errors: FieldError[]; remaining: number } {
  const st: State = { budget, errs: [] };
  try {
    validateNode(root, undefined, obj, old, st);
  } catch (e) {
    st.errs.push(internalError('', `CEL validation failed: ${(e as Error).message}`));
  }
  return { errors: st.errs, remaining: st.budget };
}

export type { CompiledRule };
