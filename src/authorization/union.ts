// The authorizer chain of a kubeadm-style API server (--authorization-mode=Node,RBAC): members of system:masters
// may do anything (authorizerfactory's privileged-groups authorizer, checked first), then the Node authorizer, then
// RBAC; the first allow wins, and the reasons of those that had none are joined, as union.go does.
import type { RuleResolver } from '../registry/authorization/access-review.js';
import type { AuthorizationAttributes, AuthorizationDecision, Authorizer, UserInfo } from '../api/identity.js';

export const PRIVILEGED_GROUP = 'system:masters';

export class UnionAuthorizer implements Authorizer, RuleResolver {
  constructor(private readonly chain: Authorizer[], private readonly resolver: RuleResolver) {}

  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision> {
    if (attrs.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true };
    const reasons: string[] = [];
    for (const a of this.chain) {
      const d = await a.authorize(attrs);
      if (d.allowed) return d;
      if (d.reason) reasons.push(d.reason);
      if (d.denied) return { allowed: false, denied: true, reason: reasons.join('\n') };
    }
    return { allowed: false, reason: reasons.join('\n') };
  }

  /** The rules RBAC grants (system:masters sees cluster-admin's, through its binding). */
  rulesFor(user: UserInfo, namespace: string) {
    return this.resolver.rulesFor(user, namespace);
  }
}
