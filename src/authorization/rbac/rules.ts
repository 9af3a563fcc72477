import type { PolicyRule } from '../../api/generated/rbac-v1.js';
export type { PolicyRule };
// Policy rules as upstream's RBAC reads them: whether a rule allows a request (plugin/pkg/auth/authorizer/rbac/rbac.go
// RuleAllows with pkg/apis/rbac/v1/evaluation_helpers.go), whether one set of rules covers another
// (pkg/registry/rbac/validation/policy_comparator.go, for privilege-escalation prevention), and a rule's compact text
// (pkg/apis/rbac/v1/helpers.go CompactString) as escalation errors print it.

/** What an authorizer is asked (upstream's authorizer.Attributes). */
export interface RequestAttributes {
  verb: string;
  /** Resource requests have a resource; the others a path. */
  resourceRequest: boolean;
  group: string;
  resource: string;
  subresource: string;
  name: string;
  namespace: string;
  path: string;
}

const ALL = '*';

const has = (list: string[] | undefined, v: string) => !!list && list.includes(v);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, ALL) || has(rule.verbs, verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, ALL) || has(rule.apiGroups, group);
}

// `combined` is resource or resource/subresource; "*/sub" matches that subresource of every resource.
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  const resources = rule.resources ?? [];
  for (const r of resources) {
    if (r === ALL || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return apiGroupMatches(rule, attrs.group) && resourceMatches(rule, combined, attrs.subresource) && resourceNameMatches(rule, attrs.name);
}

// ---- covers (policy_comparator.go) --------------------------------------------------------------------------------

/** Whether `owner` holds every permission of `servant`; the permissions it lacks, one verb/group/resource/name each. */
export function covers(owner: PolicyRule[], servant: PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of servant) {
    for (const piece of breakdownRule(rule)) {
      if (!owner.some((o) => ruleCovers(o, piece))) missing.push(piece);
    }
  }
  return { covered: missing.length === 0, missing };
}

/** BreakdownRule: one rule per verb × group × resource × name, or per verb × URL. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length) for (const n of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [n] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, ALL) || sub.verbs.every((v) => has(owner.verbs, v));
  const groups = has(owner.apiGroups, ALL) || (sub.apiGroups ?? []).every((g) => has(owner.apiGroups, g));
  const resources = resourceCoversAll(owner.resources ?? [], sub.resources ?? []);
  const urls = nonResourceURLsCoversAll(owner.nonResourceURLs ?? [], sub.nonResourceURLs ?? []);
  const ownerNames = owner.resourceNames ?? [];
  const names = ownerNames.length === 0 || (sub.resourceNames ?? []).every((n) => ownerNames.includes(n)) && (sub.resourceNames ?? []).length > 0;
  return verbs && groups && resources && urls && names;
}

function resourceCoversAll(owner: string[], servant: string[]): boolean {
  if (owner.includes(ALL)) return true;
  for (const r of servant) {
    if (owner.includes(r)) continue;
    const slash = r.indexOf('/');
    if (slash >= 0) {
      // "resource/*" covers its subresources, "*/sub" that subresource of every resource
      if (owner.includes(`${r.slice(0, slash)}/*`) || owner.includes(`*/${r.slice(slash + 1)}`)) continue;
    }
    return false;
  }
  return true;
}

function nonResourceURLsCoversAll(owner: string[], servant: string[]): boolean {
  return servant.every((s) => owner.some((o) => o === ALL || o === s || (o.endsWith('*') && s.startsWith(o.slice(0, -1)))));
}

// ---- compact text -------------------------------------------------------------------------------------------------

/**
 * CompactRules: simple resource rules (one group, one resource, no names) that differ only in verbs become one rule
 * with their verbs, in order of appearance.
 */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const simpleRule = (r.apiGroups?.length ?? 0) === 1 && (r.resources?.length ?? 0) === 1 && !(r.resourceNames?.length) && !(r.nonResourceURLs?.length);
    if (!simpleRule) {
      out.push(r);
      continue;
    }
    const key = `${r.apiGroups![0]}\u0000${r.resources![0]}`;
    const existing = simple.get(key);
    if (existing) {
      for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
      continue;
    }
    const copy = { apiGroups: [...r.apiGroups!], resources: [...r.resources!], verbs: [...r.verbs] };
    simple.set(key, copy);
    out.push(copy);
  }
  return out;
}

const goQuoted = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** `{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}` — only the fields the rule sets, in upstream's order. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goQuoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goQuoted(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(rule.resourceNames)}`);
  if (rule.verbs?.length) parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
