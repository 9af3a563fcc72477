// What the access review kinds answer: a decision of the server's authorizer for the attributes in the spec
// (SubjectAccessReview: for the user named in the spec; the self* kinds: for the requesting user), and for
// SelfSubjectRulesReview the rules the requesting user has in a namespace. Without an authorizer the server
// allows everything (upstream's AlwaysAllow mode), so every review says allowed and the rules are `*`.
import { FieldSelectorError, parseFieldSelector } from '../../apimachinery/fields.js';
import { newRequirement, parseSelector, SelectorError, type Operator } from '../../apimachinery/labels.js';
import type { Authorizer, UserInfo } from '../../api/identity.js';
import type { AccessReviewSpec, NonResourceAttributes, ResourceAttributes, SelectorAttributes } from './validation.js';

export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export interface ResourceRule { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }
export interface NonResourceRule { verbs: string[]; nonResourceURLs?: string[] }

export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/**
 * Optional capability of an authorizer (upstream's authorizer.RuleResolver): the rules a user has in a namespace.
 * Authorizers without it make SelfSubjectRulesReview answer `incomplete`.
 */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<SubjectRulesReviewStatus> | SubjectRulesReviewStatus;
}

type AuthorizerAttributes = Parameters<Authorizer['authorize']>[0];

/** The authorizer's attributes for a resource check (upstream's ResourceAttributesFrom). */
export function resourceAttributesFrom(user: UserInfo, attrs: ResourceAttributes): AuthorizerAttributes {
  return {
    user, verb: attrs.verb ?? '', group: attrs.group ?? '', resource: attrs.resource ?? '', subresource: attrs.subresource ?? '',
    namespace: attrs.namespace ?? '', name: attrs.name ?? '', path: '',
  };
}

/** The authorizer's attributes for a non-resource URL check (upstream's NonResourceAttributesFrom). */
export function nonResourceAttributesFrom(user: UserInfo, attrs: NonResourceAttributes): AuthorizerAttributes {
  return { user, verb: attrs.verb ?? '', group: '', resource: '', subresource: '', namespace: '', name: '', path: attrs.path ?? '' };
}

/** The user a SubjectAccessReview asks about (upstream's AuthorizationAttributesFrom). */
export function userFromSpec(spec: AccessReviewSpec): UserInfo {
  return { username: spec.user ?? '', groups: [...(spec.groups ?? [])] };
}

/** Asks the authorizer about a validated spec (exactly one kind of attributes is set) on behalf of `user`. */
export async function reviewAccess(authorizer: Authorizer | undefined, user: UserInfo, spec: AccessReviewSpec): Promise<SubjectAccessReviewStatus> {
  const attrs = spec.resourceAttributes
    ? resourceAttributesFrom(user, spec.resourceAttributes)
    : nonResourceAttributesFrom(user, spec.nonResourceAttributes ?? {});
  const errors: string[] = [];
  let status: SubjectAccessReviewStatus;
  if (!authorizer) {
    status = { allowed: true };
  } else {
    try {
      const decision = await authorizer.authorize(attrs);
      status = { allowed: decision.allowed };
      if (decision.reason) status.reason = decision.reason;
    } catch (e) {
      status = { allowed: false };
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (spec.resourceAttributes) errors.push(...selectorParseErrors(spec.resourceAttributes));
  if (errors.length) status.evaluationError = errors.join('; ');
  return status;
}

/** The rules `user` has in `namespace`, as SelfSubjectRulesReview reports them. */
export async function rulesFor(authorizer: Authorizer | undefined, user: UserInfo, namespace: string): Promise<SubjectRulesReviewStatus> {
  if (!authorizer) {
    // AlwaysAllow's rules: everything, on every resource and every non-resource URL.
    return { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
  }
  const resolver = authorizer as Partial<RuleResolver>;
  if (typeof resolver.rulesFor !== 'function') {
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'the authorizer does not support user rule resolution' };
  }
  try {
    return await resolver.rulesFor(user, namespace);
  } catch (e) {
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: e instanceof Error ? e.message : String(e) };
  }
}

// ---- selector attributes: what BuildEvaluationError reports about them -------------------------------------------

const LABEL_OPERATORS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** "spec.resourceAttributes.<x>Selector (partially) ignored due to parse error" for selectors that do not parse. */
function selectorParseErrors(attrs: ResourceAttributes): string[] {
  const out: string[] = [];
  const field = selectorOutcome(attrs.fieldSelector, parsesAsFieldSelector, fieldRequirementUsable);
  if (field) out.push(`spec.resourceAttributes.fieldSelector ${field} due to parse error`);
  const label = selectorOutcome(attrs.labelSelector, parsesAsLabelSelector, labelRequirementUsable);
  if (label) out.push(`spec.resourceAttributes.labelSelector ${label} due to parse error`);
  return out;
}

/** 'ignored', 'partially ignored', or undefined when the selector is absent or fully understood. */
function selectorOutcome(
  sel: SelectorAttributes | null | undefined, parsesRaw: (raw: string) => boolean, usable: (r: NonNullable<SelectorAttributes['requirements']>[number]) => boolean,
): string | undefined {
  if (!sel) return undefined;
  const reqs = sel.requirements ?? [];
  // Structured requirements win over rawSelector, as upstream reads them last.
  if (reqs.length) {
    const good = reqs.filter(usable).length;
    if (good === reqs.length) return undefined;
    return good > 0 ? 'partially ignored' : 'ignored';
  }
  if (sel.rawSelector && !parsesRaw(sel.rawSelector)) return 'ignored';
  return undefined;
}

/** Whether `parse` accepts a raw selector: its own parse error means no; any other error propagates. */
function parsesWith(parse: (raw: string) => unknown, parseError: abstract new (...args: never[]) => Error): (raw: string) => boolean {
  return (raw) => {
    try {
      parse(raw);
      return true;
    } catch (e) {
      if (e instanceof parseError) return false;
      throw e;
    }
  };
}

const parsesAsFieldSelector = parsesWith(parseFieldSelector, FieldSelectorError);
const parsesAsLabelSelector = parsesWith(parseSelector, SelectorError);

/** Field selectors take In/NotIn with exactly one value. */
function fieldRequirementUsable(r: { operator?: string; values?: string[] }): boolean {
  return (r.operator === 'In' || r.operator === 'NotIn') && (r.values ?? []).length === 1;
}

function labelRequirementUsable(r: { key?: string; operator?: string; values?: string[] }): boolean {
  const op = LABEL_OPERATORS[r.operator ?? ''];
  if (!op) return false;
  try {
    newRequirement(r.key ?? '', op, r.values ?? []);
    return true;
  } catch (e) {
    if (e instanceof SelectorError) return false;
    throw e;
  }
}
