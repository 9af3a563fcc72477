// The audit policy (audit.k8s.io/v1 Policy, k8s.io/apiserver/pkg/audit/policy/checker.go): the first rule that
// matches a request decides its level (None, Metadata, Request, RequestResponse) and the stages left out; no match
// is None.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { AuthorizationAttributes } from '../api/identity.js';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
const LEVELS: Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

interface GroupResources { group?: string; resources?: string[]; resourceNames?: string[] }

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

export interface Policy {
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What a policy rule is matched against: the request's authorizer attributes (upstream's authorizer.Attributes). */
export type AuditAttributes = AuthorizationAttributes & { resourceRequest: boolean };

export interface RequestAuditConfig {
  level: Level;
  omitStages: Stage[];
  omitManagedFields: boolean;
}

export function parsePolicy(text: string, source = 'audit policy'): Policy {
  const doc = parse(text) as { kind?: string; apiVersion?: string; rules?: PolicyRule[]; omitStages?: Stage[]; omitManagedFields?: boolean };
  if (doc?.kind !== 'Policy' || !/^audit\.k8s\.io\/v1/.test(doc.apiVersion ?? '')) throw new Error(`${source}: not an audit.k8s.io/v1 Policy`);
  const rules = doc.rules ?? [];
  if (!rules.length) throw new Error(`${source}: a policy needs at least one rule`);
  rules.forEach((r, i) => {
    if (!LEVELS.includes(r.level)) throw new Error(`${source}: rules[${i}].level: Unsupported value: ${JSON.stringify(r.level)}: supported values: ${LEVELS.map((l) => `"${l}"`).join(', ')}`);
    if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length)) {
      throw new Error(`${source}: rules[${i}]: rules cannot apply to both regular resources and non-resource URLs`);
    }
  });
  return { rules, omitStages: doc.omitStages, omitManagedFields: doc.omitManagedFields };
}

export function loadPolicy(path: string): Policy {
  return parsePolicy(readFileSync(path, 'utf8'), path);
}

/** LevelAndStages: the first matching rule's level and the stages to omit (the policy's and the rule's). */
export function evaluate(policy: Policy, a: AuditAttributes): RequestAuditConfig {
  for (const r of policy.rules) {
    if (!ruleMatches(r, a)) continue;
    return {
      level: r.level, omitStages: [...(policy.omitStages ?? []), ...(r.omitStages ?? [])],
      omitManagedFields: r.omitManagedFields ?? policy.omitManagedFields ?? false,
    };
  }
  return { level: 'None', omitStages: policy.omitStages ?? [], omitManagedFields: false };
}

function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users?.length && !r.users.includes(a.user.username)) return false;
  if (r.userGroups?.length && !r.userGroups.some((g) => a.user.groups.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) {
    if (!a.resourceRequest) return false;
    if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
    if (r.resources?.length && !r.resources.some((gr) => groupResourceMatches(gr, a))) return false;
  }
  if (r.nonResourceURLs?.length) {
    if (a.resourceRequest) return false;
    if (!r.nonResourceURLs.some((u) => u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))))) return false;
  }
  return true;
}

function groupResourceMatches(gr: GroupResources, a: AuditAttributes): boolean {
  if ((gr.group ?? '') !== a.group && gr.group !== '*') return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = gr.resources ?? [];
  if (resources.length) {
    const ok = resources.some((res) => res === '*' || res === combined || res === `${a.resource}/*` || (a.subresource && res === `*/${a.subresource}`));
    if (!ok) return false;
  }
  if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) return false;
  return true;
}

export const levelAtLeast = (level: Level, min: Level) => LEVELS.indexOf(level) >= LEVELS.indexOf(min);

/** Berth's default policy, written into the data dir on first start (edit it; restart to apply). */
export const DEFAULT_POLICY_YAML = `apiVersion: audit.k8s.io/v1
kind: Policy
# The RequestReceived stage doubles the lines without saying much more.
omitStages: ["RequestReceived"]
rules:
  # The API server's own loopback requests (CRD serving, kubeadm's add-ons).
  - level: None
    users: ["system:apiserver"]
  # Each node's Lease heartbeat (every 10 s).
  - level: None
    userGroups: ["system:nodes"]
    verbs: ["update", "patch"]
    namespaces: ["kube-node-lease"]
    resources:
      - group: "coordination.k8s.io"
        resources: ["leases"]
  # Reads by the system components and nodes.
  - level: None
    users: ["system:kube-controller-manager", "system:kube-scheduler", "system:kube-proxy"]
    verbs: ["get", "list", "watch"]
  - level: None
    userGroups: ["system:nodes"]
    verbs: ["get", "list", "watch"]
  # Reads by the controllers, each as its ServiceAccount in kube-system, and by the add-ons (CoreDNS, provisioner).
  - level: None
    userGroups: ["system:serviceaccounts:kube-system"]
    verbs: ["get", "list", "watch"]
  # Health checks and discovery.
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/version/", "/openapi*", "/api", "/api/*", "/apis", "/apis/*"]
  - level: None
    resources:
      - group: ""
        resources: ["events"]
  # Secrets, ConfigMaps and tokens: who and what, never the contents.
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: "authentication.k8s.io"
        resources: ["tokenreviews"]
  # Other writes with the request body, everything else as metadata.
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    omitManagedFields: true
  - level: Metadata
`;
