// Which FlowSchema a request belongs to and its flow: the matching of upstream's
// k8s.io/apiserver/pkg/util/flowcontrol/rule.go (subjects, resource and non-resource rules) and the flow
// distinguisher (ByUser, ByNamespace, none).
import type { UserInfo } from '../api/identity.js';
import type { RequestInfo } from '../apimachinery/request-info.js';
import type { FlowSchema, NonResourcePolicyRule, ResourcePolicyRule, Subject } from './types.js';

const SA_PREFIX = 'system:serviceaccount:';

export function matchesSubject(s: Subject, u: UserInfo): boolean {
  switch (s.kind) {
    case 'User':
      return s.user?.name === '*' || s.user?.name === u.username;
    case 'Group':
      return s.group?.name === '*' || u.groups.includes(s.group?.name ?? '');
    case 'ServiceAccount': {
      if (!u.username.startsWith(SA_PREFIX)) return false;
      const [ns, name] = u.username.slice(SA_PREFIX.length).split(':');
      const sa = s.serviceAccount;
      return !!sa && sa.namespace === ns && (sa.name === '*' || sa.name === name);
    }
  }
  return false;
}

const hasOrStar = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function matchesResourceRule(r: ResourcePolicyRule, info: RequestInfo): boolean {
  if (!hasOrStar(r.verbs, info.verb) || !hasOrStar(r.apiGroups, info.group)) return false;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  if (!hasOrStar(r.resources, resource)) return false;
  // A namespace object itself and cluster-scoped resources are matched by clusterScope.
  if (!info.namespace || (info.resource === 'namespaces' && info.namespace === info.name)) return r.clusterScope === true;
  return hasOrStar(r.namespaces, info.namespace);
}

function matchesNonResourceRule(r: NonResourcePolicyRule, info: RequestInfo): boolean {
  if (!hasOrStar(r.verbs, info.verb)) return false;
  return r.nonResourceURLs.some((u) => u === '*' || u === info.path || (u.endsWith('/*') && info.path.startsWith(u.slice(0, -1))));
}

export function matchesFlowSchema(fs: FlowSchema, u: UserInfo, info: RequestInfo): boolean {
  return (fs.spec.rules ?? []).some((rule) =>
    rule.subjects.some((s) => matchesSubject(s, u)) &&
    (info.isResourceRequest
      ? (rule.resourceRules ?? []).some((r) => matchesResourceRule(r, info))
      : (rule.nonResourceRules ?? []).some((r) => matchesNonResourceRule(r, info))));
}

/** Lower precedence first; ties broken by name, as upstream sorts them. */
export function byPrecedence(a: FlowSchema, b: FlowSchema): number {
  const d = (a.spec.matchingPrecedence ?? 1000) - (b.spec.matchingPrecedence ?? 1000);
  return d !== 0 ? d : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** The flow distinguisher: the user name, the namespace, or nothing. */
export function flowDistinguisher(fs: FlowSchema, u: UserInfo, info: RequestInfo): string {
  switch (fs.spec.distinguisherMethod?.type) {
    case 'ByUser': return u.username;
    case 'ByNamespace': return info.namespace;
    default: return '';
  }
}
