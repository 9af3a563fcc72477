// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go): allowed when a rule of a binding that names the
// user, one of its groups or its service account allows the request; otherwise no opinion, with the resolution
// errors met on the way ("RBAC: clusterrole… not found") as the reason. It also resolves a user's rules for
// SelfSubjectRulesReview (`kubectl auth can-i --list`) and for privilege-escalation checks.
import type { NonResourceRule, ResourceRule, RuleResolver, SubjectRulesReviewStatus } from '../../registry/authorization/access-review.js';
import type { AuthorizationAttributes, AuthorizationDecision, Authorizer, UserInfo } from '../../api/identity.js';
import { describeSource, type RbacIndex } from './index.js';
import { ruleAllows, type RequestAttributes } from './rules.js';

export function requestAttributes(a: AuthorizationAttributes): RequestAttributes {
  return {
    verb: a.verb, resourceRequest: a.resourceRequest ?? a.resource !== '', group: a.group, resource: a.resource,
    subresource: a.subresource, name: a.name, namespace: a.namespace, path: a.path,
  };
}

/** utilerrors.NewAggregate's text: one error alone, several in brackets. */
export const aggregate = (errs: string[]) => (errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);

export class RbacAuthorizer implements Authorizer, RuleResolver {
  constructor(readonly index: RbacIndex) {}

  authorize(a: AuthorizationAttributes): AuthorizationDecision {
    const attrs = requestAttributes(a);
    let allowedBy: string | undefined;
    const errors: string[] = [];
    this.index.visitRulesFor(a.user, attrs.namespace, (source, rule, err) => {
      if (err) errors.push(err);
      if (rule && source && ruleAllows(attrs, rule)) {
        allowedBy = `RBAC: allowed by ${describeSource(source.binding, source.subject)}`;
        return false;
      }
      return true;
    });
    if (allowedBy) return { allowed: true, reason: allowedBy };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
  }

  /** The SelfSubjectRulesReview status: each rule as it is, split into resource and non-resource rules. */
  rulesFor(user: UserInfo, namespace: string): SubjectRulesReviewStatus {
    const { rules, errors } = this.index.rulesFor(user, namespace);
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    for (const r of rules) {
      if (r.nonResourceURLs?.length) {
        nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
        continue;
      }
      const rr: ResourceRule = { verbs: [...r.verbs] };
      if (r.apiGroups?.length) rr.apiGroups = [...r.apiGroups];
      if (r.resources?.length) rr.resources = [...r.resources];
      if (r.resourceNames?.length) rr.resourceNames = [...r.resourceNames];
      resourceRules.push(rr);
    }
    const status: SubjectRulesReviewStatus = { resourceRules, nonResourceRules, incomplete: errors.length > 0 };
    if (errors.length) status.evaluationError = aggregate(errors);
    return status;
  }
}
