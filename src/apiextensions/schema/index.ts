// The custom-resource schema engine: compile a CRD version's openAPIV3Schema once (structural checks, CEL
// compilation, cost estimates), then validate, default and prune custom resources with it, as the
// apiextensions-apiserver does for v1.33.
import { FieldError, FieldPath, forbidden, invalid } from '../../apimachinery/field-errors.js';
import { deepEqual } from '../../apimachinery/validation/objectmeta.js';
import { costErrorMessage, RUNTIME_CEL_COST_BUDGET, STATIC_ESTIMATED_CRD_COST_LIMIT, type CompiledRule } from './cel/compile.js';
import { validateCEL, instrument, type RuleNode } from './cel/validator.js';
import { checkSchema } from './checks.js';
import { applyDefaults, pruneNonNullableNulls } from './defaulting.js';
import { validateListTypes } from './listtype.js';
import { buildNode, isPlainObject, type JSONSchemaProps, type SchemaNode } from './model.js';
import { validateEmbeddedResources } from './objectmeta.js';
import { pruneWalk } from './prune.js';
import { ratchet } from './ratchet.js';
import { validateStructural } from './structural.js';
import { validateValue } from './validate.js';

export type { JSONSchemaProps } from './model.js';
export type { SchemaNode } from './model.js';

/** Deepest nesting a custom resource may have; deeper objects are rejected before any recursive walk. */
export const MAX_OBJECT_DEPTH = 1000;

export interface CompiledSchema {
  readonly root: SchemaNode;
  readonly rules?: RuleNode;
  readonly celCostBudget: number;
}

export interface CompileOptions {
  /** runtime CEL cost budget per object (default 10,000,000 like upstream's RuntimeCELCostBudget) */
  celCostBudget?: number;
  /** prefix for error paths, e.g. `spec.versions[0].schema.openAPIV3Schema`; default: paths relative to the schema */
  fieldPath?: string;
}

export function compileSchema(schema: JSONSchemaProps, opts: CompileOptions = {}): { compiled?: CompiledSchema; errors: FieldError[] } {
  const base = FieldPath.root(opts.fieldPath ?? '');
  const root = buildNode(schema ?? {});
  const errors: FieldError[] = [];
  if (root.nullable) errors.push(forbidden(base.child('nullable').toString(), 'nullable cannot be true at the root'));

  const structuralErrs = validateStructural(root, base);
  errors.push(...structuralErrs);
  const checked = checkSchema(root, base, structuralErrs.length === 0);
  const rules = buildRuleTree(root, checked.rules, true);
  if (structuralErrs.length === 0) errors.push(...validateDefaults(root, base, rules));
  errors.push(...checked.errors);
  if (checked.totalCost > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const top = [...checked.expensive].sort((a, b) => b.cost - a.cost).slice(0, 4);
    for (const e of top) errors.push(forbidden(e.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema'));
    errors.push(forbidden(base.toString(), costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', checked.totalCost, STATIC_ESTIMATED_CRD_COST_LIMIT)));
  }
  const compiled: CompiledSchema = { root, rules, celCostBudget: opts.celCostBudget ?? RUNTIME_CEL_COST_BUDGET };
  return { compiled, errors };
}

/** The subtree of schema nodes that carry CEL rules (or lead to ones that do). */
function buildRuleTree(s: SchemaNode, compiled: Map<SchemaNode, CompiledRule[]>, isRoot: boolean): RuleNode | undefined {
  const rules = compiled.get(s) ?? [];
  for (const r of rules) {
    if (r.program) instrument(r.program);
    if (r.messageProgram) instrument(r.messageProgram);
  }
  const node: RuleNode = { schema: s, isRoot, rules };
  let any = rules.length > 0;
  for (const [k, p] of s.properties ?? []) {
    const c = buildRuleTree(p, compiled, false);
    if (c) { (node.properties ??= new Map()).set(k, c); any = true; }
  }
  if (typeof s.additionalProperties === 'object') {
    node.additionalProperties = buildRuleTree(s.additionalProperties, compiled, false);
    any ||= !!node.additionalProperties;
  }
  if (s.items) {
    node.items = buildRuleTree(s.items, compiled, false);
    any ||= !!node.items;
  }
  return any ? node : undefined;
}

/** Re-homes an error found inside a default value under `<schema path>.default`. */
function underDefault(e: FieldError, at: string): FieldError {
  const moved = Object.create(Object.getPrototypeOf(e)) as FieldError;
  Object.assign(moved, e, { field: e.field ? `${at}.${e.field}` : at });
  return moved;
}

/** Defaults must be pruned, valid against their schema and pass its rules (defaulting/validation.go). */
function validateDefaults(root: SchemaNode, base: FieldPath, rules: RuleNode | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const visit = (s: SchemaNode, path: FieldPath, insideMeta: boolean, r: RuleNode | undefined): void => {
    if (s.hasDefault && s.default !== null && !insideMeta) {
      const at = path.child('default').toString();
      const pruned = structuredClone(s.default);
      pruneWalkNode(s, pruned);
      if (!deepEqual(pruned, s.default)) errs.push(invalid(at, s.default, 'must not have unknown fields'));
      const verrs = validateValue(s, '', s.default);
      if (verrs.length > 0) errs.push(...verrs.map((e) => underDefault(e, at)));
      else if (r && r.rules.length > 0) {
        const { errors } = validateCEL({ ...r, isRoot: false }, s.default, s.default, RUNTIME_CEL_COST_BUDGET);
        errs.push(...errors.map((e) => underDefault(e, at)));
      }
    }
    if (s.items) visit(s.items, path.child('items'), insideMeta, r?.items);
    for (const [k, p] of s.properties ?? []) {
      const meta = insideMeta || ((s === root || s.embeddedResource) && (k === 'metadata' || k === 'apiVersion' || k === 'kind'));
      visit(p, path.child('properties').key(k), meta, r?.properties?.get(k));
    }
  };
  visit(root, base, false, rules);
  return errs;
}

function pruneWalkNode(s: SchemaNode, value: unknown): void {
  if (!isPlainObject(value) && !Array.isArray(value)) return;
  // A default is pruned as a plain value of its schema, not as a resource root (unless it is embedded).
  pruneWalk(s.embeddedResource ? s : { ...s, embeddedResource: false }, value, true, false);
}

/** Nesting depth of a JSON value, counted without recursion so hostile input cannot blow the stack. */
export function jsonDepth(v: unknown, limit = MAX_OBJECT_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return max;
}

const tooDeep = () => invalid('', '', `object nesting depth exceeds the limit of ${MAX_OBJECT_DEPTH}`);

const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

/**
 * Validates a custom resource like the CR strategy: OpenAPI schema, embedded resources, list-type invariants,
 * then CEL rules (skipped when the object already has type/required/enum/size errors). With `old` (an update),
 * errors in parts that did not change are dropped (CRD validation ratcheting) and transition rules run.
 */
export function validateCustomResource(c: CompiledSchema, obj: unknown, old?: unknown): FieldError[] {
  if (jsonDepth(obj) > MAX_OBJECT_DEPTH) return [tooDeep()];
  const hasOld = old !== undefined && old !== null && jsonDepth(old) <= MAX_OBJECT_DEPTH;
  let errs = validateValue(c.root, '', obj);
  errs.push(...validateEmbeddedResources(c.root, obj));
  if (hasOld) errs = ratchet(errs, c.root, obj, old);
  errs.push(...validateListTypes(undefined, c.root, obj));
  if (c.rules) {
    if (errs.some((e) => BLOCKING.has(e.type))) {
      errs.push(invalid('', 'null', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'));
    } else {
      const { errors } = validateCEL(c.rules, obj, hasOld ? old : undefined, c.celCostBudget);
      errs.push(...(hasOld ? ratchet(errors, c.root, obj, old, true) : errors));
    }
  }
  return errs;
}

/** Applies schema defaults in place, then drops nulls of non-nullable fields without a default. */
export function defaultCustomResource(c: CompiledSchema, obj: unknown): void {
  if (jsonDepth(obj) > MAX_OBJECT_DEPTH) return;
  applyDefaults(obj, c.root);
  pruneNonNullableNulls(obj, c.root);
}

/** Paths of fields the schema does not know (`spec.foo`, `metadata.bar`), for fieldValidation=Strict/Warn. */
export function findUnknownFieldsCR(c: CompiledSchema, obj: unknown): string[] {
  if (jsonDepth(obj) > MAX_OBJECT_DEPTH) return [];
  return pruneWalk(c.root, obj, false);
}

/** Removes unknown fields in place and returns their paths. */
export function pruneCustomResource(c: CompiledSchema, obj: unknown): string[] {
  if (jsonDepth(obj) > MAX_OBJECT_DEPTH) return [];
  return pruneWalk(c.root, obj, true);
}

export { validateValue } from './validate.js';
export { celUnavailable } from './cel/env.js';
