// The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go): a node (user system:node:<name> in
// system:nodes) may read the Secrets, ConfigMaps, PersistentVolumeClaims and PersistentVolumes the pods bound to it
// reference, create tokens for those pods' ServiceAccounts, and use its own Lease and CSINode; everything else it
// may do is the static node rules (bootstrap policy's NodeRules). Non-nodes get no opinion.
import type { AuthorizationAttributes, AuthorizationDecision, Authorizer } from '../../api/identity.js';
import { nodeRules } from '../rbac/bootstrap-policy.js';
import { requestAttributes } from '../rbac/authorizer.js';
import { ruleAllows, type PolicyRule } from '../rbac/rules.js';
import type { NodeGraph } from './graph.js';

export const NODES_GROUP = 'system:nodes';
const NODE_USER_PREFIX = 'system:node:';

/** NodeIdentity: the node a user is, or undefined for users that are not nodes ('' for a node without a name). */
export function nodeIdentity(user: { username: string; groups: string[] }): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.username.startsWith(NODE_USER_PREFIX)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}

/** Reads a PersistentVolumeClaim's bound volume name (for the claim → volume edge). */
export type ClaimVolume = (namespace: string, claim: string) => Promise<string | undefined>;

export class NodeAuthorizer implements Authorizer {
  private readonly rules: PolicyRule[] = nodeRules();

  constructor(private readonly graph: NodeGraph, private readonly claimVolume: ClaimVolume) {}

  async authorize(a: AuthorizationAttributes): Promise<AuthorizationDecision> {
    const node = nodeIdentity(a.user);
    if (node === undefined) return { allowed: false };
    if (!node) return { allowed: false, reason: `unknown node for user ${JSON.stringify(a.user.username)}` };
    const attrs = requestAttributes(a);
    if (attrs.resourceRequest) {
      const gr = `${attrs.group}/${attrs.resource}`;
      switch (gr) {
        case '/secrets':
          return this.readNamespaced(node, attrs, (p) => p.secrets.has(attrs.name));
        case '/configmaps':
          return this.readNamespaced(node, attrs, (p) => p.configMaps.has(attrs.name));
        case '/persistentvolumeclaims':
          if (attrs.subresource === 'status') {
            if (!['update', 'patch'].includes(attrs.verb)) return deny(`can only get, update or patch a persistentvolumeclaim status`);
            return this.related(node, attrs.namespace, (p) => p.claims.has(attrs.name));
          }
          return this.get(attrs, () => this.related(node, attrs.namespace, (p) => p.claims.has(attrs.name)));
        case '/persistentvolumes':
          return this.get(attrs, () => this.volumeRelated(node, attrs.name));
        case '/serviceaccounts':
          if (attrs.verb !== 'create' || !attrs.name) return deny('can only create tokens for individual service accounts');
          if (attrs.subresource !== 'token') return deny('can only create token subresource of serviceaccount');
          return this.related(node, attrs.namespace, (p) => p.serviceAccount === attrs.name);
        case 'coordination.k8s.io/leases':
          if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return deny(`can only get, create, update, patch, or delete a node lease`);
          if (attrs.namespace !== 'kube-node-lease') return deny(`can only access leases in the kube-node-lease namespace`);
          if (attrs.verb !== 'create' && attrs.name !== node) return deny(`can only access node lease with the same name as the requesting node`);
          return { allowed: true };
        case 'storage.k8s.io/csinodes':
          if (attrs.verb !== 'create' && attrs.name !== node) return deny(`can only access CSINode with the same name as the requesting node`);
          return { allowed: true };
      }
    }
    return this.rules.some((r) => ruleAllows(attrs, r)) ? { allowed: true } : { allowed: false };
  }

  private async readNamespaced(node: string, attrs: ReturnType<typeof requestAttributes>, refersTo: (p: ReturnType<NodeGraph['podsOn']> extends Generator<infer T> ? T : never) => boolean): Promise<AuthorizationDecision> {
    if (!['get', 'list', 'watch'].includes(attrs.verb)) return deny(`can only read resources of this type`);
    if (!attrs.name) return deny(`can only get individual resources of this type`);
    return this.related(node, attrs.namespace, refersTo);
  }

  private async get(attrs: ReturnType<typeof requestAttributes>, check: () => Promise<AuthorizationDecision> | AuthorizationDecision): Promise<AuthorizationDecision> {
    if (attrs.verb !== 'get') return deny(`can only get individual resources of this type`);
    if (attrs.subresource) return deny(`cannot get subresource ${attrs.subresource}`);
    return check();
  }

  private related(node: string, namespace: string, refersTo: (p: ReturnType<NodeGraph['podsOn']> extends Generator<infer T> ? T : never) => boolean): AuthorizationDecision {
    for (const p of this.graph.podsOn(node, namespace)) if (refersTo(p)) return { allowed: true };
    return deny(`no relationship found between node '${node}' and this object`);
  }

  private async volumeRelated(node: string, pvName: string): Promise<AuthorizationDecision> {
    for (const p of this.graph.podsOn(node)) {
      for (const claim of p.claims) if ((await this.claimVolume(p.namespace, claim)) === pvName) return { allowed: true };
    }
    return deny(`no relationship found between node '${node}' and this object`);
  }
}

const deny = (reason: string): AuthorizationDecision => ({ allowed: false, reason });
