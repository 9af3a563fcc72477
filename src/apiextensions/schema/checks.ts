// CRD-time checks of an openAPIV3Schema (apis/apiextensions/validation's ValidateCustomResourceDefinitionOpenAPISchema):
// unsupported keywords, list/map types, x-kubernetes-validations well-formedness, CEL compilation and estimated
// cost. The structural rules live in structural.ts; defaults are checked in defaults-check.ts.
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import { compileRules, costErrorMessage, maxSize, STATIC_ESTIMATED_COST_LIMIT, type CompiledRule } from './cel/compile.js';
import { GoValueFieldError, goText } from './goformat.js';
import type { SchemaNode, ValidationRule } from './model.js';
import { goStringSlice } from '../../apimachinery/go-syntax.js';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const SUPPORTED_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

interface Ctx {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
  uncorrelatablePath?: FieldPath;
  /** how often a rule here may run per object (product of enclosing list/map sizes) */
  cardinality: number;
}

export interface CheckResult {
  errors: FieldError[];
  rules: Map<SchemaNode, CompiledRule[]>;
  totalCost: number;
  expensive: { path: string; cost: number }[];
}

/** Go's %#v of an apiextensions.ValidationRule, how upstream prints a rule as a bad value. */
export function goRule(r: ValidationRule): string {
  const q = (s?: string) => JSON.stringify(s ?? '');
  const reason = r.reason !== undefined ? '(*apiextensions.FieldValueErrorReason)(0xc000a1c000)' : '(*apiextensions.FieldValueErrorReason)(nil)';
  const oos = r.optionalOldSelf !== undefined ? '(*bool)(0xc000a1c008)' : '(*bool)(nil)';
  return `apiextensions.ValidationRule{Rule:${q(r.rule)}, Message:${q(r.message)}, MessageExpression:${q(r.messageExpression)}, Reason:${reason}, FieldPath:${q(r.fieldPath)}, OptionalOldSelf:${oos}}`;
}

export function checkSchema(root: SchemaNode, path: FieldPath, celEnabled: boolean): CheckResult {
  const res: CheckResult = { errors: [], rules: new Map(), totalCost: 0, expensive: [] };
  const ctx: Ctx = { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false, cardinality: 1 };
  walk(root, path, ctx, true, celEnabled, res);
  return res;
}

function walk(s: SchemaNode, path: FieldPath, ctx: Ctx, isRoot: boolean, cel: boolean, res: CheckResult): void {
  const errs: FieldError[] = [];
  const raw = s.raw;
  const at = (name: string) => path.child(name).toString();

  // specStandardValidatorV3.validate
  if (s.type && !OPENAPI_TYPES.includes(s.type)) errs.push(notSupported(at('type'), s.type, OPENAPI_TYPES));
  if (s.hasDefault && !ctx.allowDefaults) {
    errs.push(forbidden(at('default'), `must not be set${ctx.disallowDefaultsReason ? ' ' + ctx.disallowDefaultsReason : ''}`));
  }
  if (typeof raw.id === 'string' && raw.id) errs.push(forbidden(at('id'), 'id is not supported'));
  if (raw.additionalItems !== undefined) errs.push(forbidden(at('additionalItems'), 'additionalItems is not supported'));
  if (raw.patternProperties !== undefined) errs.push(forbidden(at('patternProperties'), 'patternProperties is not supported'));
  if (raw.definitions !== undefined) errs.push(forbidden(at('definitions'), 'definitions is not supported'));
  if (raw.dependencies !== undefined) errs.push(forbidden(at('dependencies'), 'dependencies is not supported'));
  if (raw.$ref !== undefined) errs.push(forbidden(at('$ref'), '$ref is not supported'));
  if (s.type === 'null') errs.push(forbidden(at('type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(raw.items)) errs.push(forbidden(at('items'), 'items must be a schema object and not an array'));
  if (ctx.insideResourceMeta && s.embeddedResource) errs.push(forbidden(at('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));

  if (s.uniqueItems) errs.push(forbidden(at('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));

  if (s.additionalProperties !== undefined) {
    if (s.properties && s.properties.size > 0 && (s.additionalProperties === false || typeof s.additionalProperties === 'object')) {
      errs.push(forbidden(at('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    if (typeof s.additionalProperties === 'object') {
      const sub: Ctx = { ...ctx, cardinality: ctx.cardinality * maxSize(s) };
      if (ctx.insideResourceMeta) Object.assign(sub, { allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' });
      walk(s.additionalProperties, path.child('additionalProperties'), sub, false, cel, res);
    }
  }
  for (const [k, p] of s.properties ?? []) {
    const sub: Ctx = { ...ctx };
    if (s.mapType === 'atomic' && !sub.uncorrelatablePath) sub.uncorrelatablePath = path;
    if ((isRoot || s.embeddedResource) && META_FIELDS.has(k)) {
      sub.insideResourceMeta = true;
      if (isRoot) Object.assign(sub, { allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` });
    }
    walk(p, path.child('properties').key(k), sub, false, cel, res);
  }
  const nested = (n: SchemaNode, p: FieldPath) => walk(n, p, { ...ctx }, false, false, res);
  if (s.not) nested(s.not, path.child('not'));
  s.allOf.forEach((n, i) => nested(n, path.child('allOf').index(i)));
  s.oneOf.forEach((n, i) => nested(n, path.child('oneOf').index(i)));
  s.anyOf.forEach((n, i) => nested(n, path.child('anyOf').index(i)));
  if (s.items) {
    const sub: Ctx = { ...ctx, cardinality: ctx.cardinality * maxSize(s) };
    if (s.listType !== 'map' && !sub.uncorrelatablePath) sub.uncorrelatablePath = path;
    walk(s.items, path.child('items'), sub, false, cel, res);
  }

  if (raw['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(invalid(at('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  if (s.mapType !== undefined && s.type !== 'object') {
    if (!s.type) errs.push(required(at('type'), 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(invalid(at('type'), s.type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (s.mapType !== undefined && s.mapType !== 'atomic' && s.mapType !== 'granular') {
    errs.push(notSupported(at('x-kubernetes-map-type'), s.mapType, ['atomic', 'granular']));
  }
  errs.push(...listTypeChecks(s, path));
  errs.push(...ruleChecks(s, path));

  res.errors.push(...errs);
  if (s.validations.length > 0 && errs.length === 0 && cel) compileNodeRules(s, path, ctx, isRoot, res);
}

function listTypeChecks(s: SchemaNode, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const at = (name: string) => path.child(name).toString();
  const items = s.items;
  if (s.listType !== undefined && s.type !== 'array') {
    if (!s.type) errs.push(required(at('type'), 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(invalid(at('type'), s.type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (s.listType === 'set' && items) {
    if (items.type === 'array' && items.listType !== undefined && items.listType !== 'atomic') {
      errs.push(invalid(path.child('items').child('x-kubernetes-list-type').toString(), items.listType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items.mapType !== 'atomic') {
      errs.push(invalid(path.child('items').child('x-kubernetes-map-type').toString(), s.listType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (s.listType !== undefined && !['atomic', 'set', 'map'].includes(s.listType)) {
    errs.push(notSupported(at('x-kubernetes-list-type'), s.listType, ['atomic', 'set', 'map']));
  }
  if (s.listMapKeys.length > 0) {
    if (s.listType === undefined) errs.push(required(at('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (s.listType !== 'map') errs.push(invalid(at('x-kubernetes-list-type'), s.listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (s.listType === 'map') {
    if (s.listMapKeys.length === 0) errs.push(required(at('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (!items) errs.push(required(at('items'), 'must have a schema if x-kubernetes-list-type is map'));
    else if (items.type !== 'object') {
      errs.push(invalid(path.child('items').child('type').toString(), items.type, "must be object if parent array's x-kubernetes-list-type is map"));
    } else {
      const seen = new Set<string>();
      for (const k of s.listMapKeys) {
        const p = items.properties?.get(k);
        if (!p) errs.push(new GoValueFieldError('FieldValueInvalid', at('x-kubernetes-list-map-keys'), goText(goStringSlice(s.listMapKeys)), 'entries must all be names of item properties'));
        else if (p.type === 'array' || p.type === 'object') {
          errs.push(invalid(path.child('items').child('properties').key(k).child('type').toString(), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
        if (seen.has(k)) errs.push(new GoValueFieldError('FieldValueInvalid', at('x-kubernetes-list-map-keys'), goText(goStringSlice(s.listMapKeys)), 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet
  if (items && (s.listType === 'set' || s.listType === 'map')) {
    if (items.nullable) errs.push(forbidden(path.child('items').child('nullable').toString(), `cannot be nullable when x-kubernetes-list-type is ${s.listType}`));
    if (s.listType === 'map') {
      for (const k of s.listMapKeys) {
        const p = items.properties?.get(k);
        if (!p) continue;
        const kp = path.child('items').child('properties').key(k);
        if (!items.required.includes(k) && !p.hasDefault) {
          errs.push(required(kp.child('default').toString(), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (p.nullable) errs.push(forbidden(kp.child('nullable').toString(), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
  return errs;
}


function ruleChecks(s: SchemaNode, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  s.validations.forEach((r, i) => {
    const rp = path.child('x-kubernetes-validations').index(i);
    const rule = r.rule.trim();
    const msg = (r.message ?? '').trim();
    if (rule === '') errs.push(required(rp.child('rule').toString(), 'rule is not specified'));
    else if (r.message !== undefined && r.message !== '' && msg === '') errs.push(invalid(rp.child('message').toString(), r.message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(msg)) errs.push(invalid(rp.child('message').toString(), r.message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(rule) && msg === '') errs.push(required(rp.child('message').toString(), 'message must be specified if rule contains line breaks'));
    if (r.messageExpression !== undefined && r.messageExpression !== '' && r.messageExpression.trim() === '') {
      errs.push(required(rp.child('messageExpression').toString(), 'messageExpression must be non-empty if specified'));
    }
    if (r.reason !== undefined && !SUPPORTED_REASONS.includes(r.reason)) errs.push(notSupported(rp.child('reason').toString(), r.reason, SUPPORTED_REASONS));
    if (r.fieldPath !== undefined && r.fieldPath !== '') {
      if (r.fieldPath.trim() === '') errs.push(invalid(rp.child('fieldPath').toString(), r.fieldPath, 'fieldPath must be non-empty if specified'));
      if (/[\n\r]/.test(r.fieldPath)) errs.push(invalid(rp.child('fieldPath').toString(), r.fieldPath, 'fieldPath must not contain line breaks'));
      if (normalizeFieldPath(r.fieldPath, s) === undefined) errs.push(invalid(rp.child('fieldPath').toString(), r.fieldPath, 'fieldPath must be a valid path'));
    }
  });
  return errs;
}

/** `.spec.foo['bar-baz']` against the schema → `spec.foo[bar-baz]`-style path, or undefined when invalid. */
export function normalizeFieldPath(jsonPath: string, s: SchemaNode): string | undefined {
  let rest = jsonPath.trim();
  let cur: SchemaNode | undefined = s;
  let out: FieldPath | undefined;
  while (rest.length > 0) {
    let name: string;
    const dot = /^\.([^.[]+)/.exec(rest);
    const bracket = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest);
    if (dot) { name = dot[1]; rest = rest.slice(dot[0].length); }
    else if (bracket) { name = bracket[1].replace(/\\(.)/g, '$1'); rest = rest.slice(bracket[0].length); }
    else return undefined;
    if (!cur) return undefined;
    const prop: SchemaNode | undefined = cur.properties?.get(name);
    if (prop) {
      out = out ? out.child(name) : FieldPath.root(name);
      cur = prop;
    } else if (typeof cur.additionalProperties === 'object') {
      out = out ? out.key(name) : FieldPath.root(name);
      cur = cur.additionalProperties;
    } else return undefined;
  }
  return out?.toString();
}

function compileNodeRules(s: SchemaNode, path: FieldPath, ctx: Ctx, isRoot: boolean, res: CheckResult): void {
  const compiled = compileRules(s, isRoot);
  compiled.forEach((c, i) => {
    const rp = path.child('x-kubernetes-validations').index(i);
    if (c.rule.fieldPath) c.fieldPath = normalizeFieldPath(c.rule.fieldPath, s);
    const cost = c.cost * ctx.cardinality;
    if (cost > STATIC_ESTIMATED_COST_LIMIT) res.errors.push(forbidden(rp.child('rule').toString(), costErrorMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT)));
    res.totalCost += cost;
    res.expensive.push({ path: rp.child('rule').toString(), cost });
    if (c.error !== undefined) {
      res.errors.push(new GoValueFieldError('FieldValueInvalid', rp.child('rule').toString(), goText(goRule(c.rule)), c.error));
    }
    if (c.messageError !== undefined) {
      res.errors.push(new GoValueFieldError('FieldValueInvalid', rp.child('messageExpression').toString(), goText(goRule(c.rule)), c.messageError));
    } else if (c.messageProgram) {
      const mcost = c.messageCost * ctx.cardinality;
      if (mcost > STATIC_ESTIMATED_COST_LIMIT) {
        res.errors.push(forbidden(rp.child('messageExpression').toString(), costErrorMessage('estimated messageExpression cost', mcost, STATIC_ESTIMATED_COST_LIMIT)));
      }
      res.totalCost += mcost;
    }
    if (c.usesOldSelf) {
      if (ctx.uncorrelatablePath) {
        res.errors.push(invalid(rp.child('rule').toString(), c.rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${ctx.uncorrelatablePath.toString()}`));
      }
    } else if (c.rule.optionalOldSelf !== undefined) {
      res.errors.push(invalid(rp.child('optionalOldSelf').toString(), c.rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
    }
  });
  res.rules.set(s, compiled);
}
