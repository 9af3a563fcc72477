// The RBAC objects as the authorizer reads them, kept current from storage (upstream reads them from informers):
// roles by name, bindings indexed by subject, so a request visits only the bindings that name its user, its groups
// or its service account instead of every binding in the cluster (rule.go's VisitRulesFor walks them all).
import type { KubeObject } from '../../apimachinery/types.js';
import { prefixFor } from '../../storage/helpers.js';
import type { Store, StoreEvent, Watcher } from '../../storage/interface.js';
import type { UserInfo } from '../../api/identity.js';
import type { PolicyRule } from './rules.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SA_PREFIX = 'system:serviceaccount:';

export interface Subject { kind: string; name: string; namespace?: string; apiGroup?: string }
export interface RoleRef { kind: string; name: string; apiGroup?: string }

export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

/** Where a rule came from (rule.go's describers), as authorizer reasons and audit annotations print it. */
export function describeSource(binding: Binding, subject: Subject): string {
  const who = subject.kind === 'ServiceAccount'
    ? `${subject.kind} ${JSON.stringify(`${subject.name}/${subject.namespace || binding.namespace}`)}`
    : `${subject.kind} ${JSON.stringify(subject.name)}`;
  const name = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name;
  return `${binding.kind} ${JSON.stringify(name)} of ${binding.roleRef.kind} ${JSON.stringify(binding.roleRef.name)} to ${who}`;
}

/** Visitor as in rule.go: a rule with its source, or a resolution error; returning false stops the walk. */
export type RuleVisitor = (source: { binding: Binding; subject: Subject } | undefined, rule: PolicyRule | undefined, err: string | undefined) => boolean;

const subjectKey = (s: Subject, bindingNamespace: string): string | undefined => {
  switch (s.kind) {
    case 'User': return `U:${s.name}`;
    case 'Group': return `G:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `S:${ns}:${s.name}` : undefined;
    }
    default: return undefined;
  }
};

/** The index keys a user matches: its name, each group, and its service account. */
export function userKeys(user: UserInfo): string[] {
  const keys = [`U:${user.username}`];
  for (const g of user.groups) keys.push(`G:${g}`);
  if (user.username.startsWith(SA_PREFIX)) {
    const rest = user.username.slice(SA_PREFIX.length);
    const i = rest.indexOf(':');
    if (i > 0 && rest.indexOf(':', i + 1) < 0) keys.push(`S:${rest.slice(0, i)}:${rest.slice(i + 1)}`);
  }
  return keys;
}

class BindingIndex {
  private readonly bySubject = new Map<string, Map<string, { binding: Binding; subject: Subject }>>();

  add(id: string, b: Binding): void {
    for (const s of b.subjects) {
      const key = subjectKey(s, b.namespace);
      if (!key) continue;
      let m = this.bySubject.get(key);
      if (!m) this.bySubject.set(key, (m = new Map()));
      // the first subject of a binding that names the user is the one reported
      if (!m.has(id)) m.set(id, { binding: b, subject: s });
    }
  }

  remove(id: string, b: Binding): void {
    for (const s of b.subjects) {
      const key = subjectKey(s, b.namespace);
      const m = key ? this.bySubject.get(key) : undefined;
      if (!m) continue;
      m.delete(id);
      if (m.size === 0) this.bySubject.delete(key!);
    }
  }

  matches(keys: string[], visit: (id: string, entry: { binding: Binding; subject: Subject }) => boolean): boolean {
    for (const k of keys) {
      const m = this.bySubject.get(k);
      if (!m) continue;
      for (const [id, entry] of m) if (!visit(id, entry)) return false;
    }
    return true;
  }
}

export class RbacIndex {
  readonly clusterRoles = new Map<string, KubeObject>();
  readonly roles = new Map<string, KubeObject>();
  private readonly clusterBindings = new Map<string, Binding>();
  private readonly roleBindings = new Map<string, Binding>();
  private readonly clusterIndex = new BindingIndex();
  private readonly namespaceIndex = new Map<string, BindingIndex>();
  private watchers: Watcher[] = [];
  /** Called after any ClusterRole changes (aggregation). */
  onClusterRoleChange?: (name: string) => void;

  /** Loads the current objects and follows their changes; synchronous with each write once started. */
  static async start(store: Store): Promise<RbacIndex> {
    const index = new RbacIndex();
    for (const resource of ['clusterroles', 'roles', 'clusterrolebindings', 'rolebindings']) {
      const prefix = prefixFor(RBAC_GROUP, resource);
      const listed = await store.list(prefix);
      for (const item of listed.items) index.apply(resource, 'ADDED', item.value, undefined);
      index.watchers.push(store.watch(prefix, listed.revision, (ev: StoreEvent) => index.apply(resource, ev.type, ev.object, ev.prevObject)));
    }
    return index;
  }

  stop(): void {
    for (const w of this.watchers) w.stop();
    this.watchers = [];
  }

  private apply(resource: string, type: StoreEvent['type'], obj: KubeObject, _prev: KubeObject | undefined): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const id = `${ns}/${name}`;
    switch (resource) {
      case 'clusterroles':
        if (type === 'DELETED') this.clusterRoles.delete(name);
        else this.clusterRoles.set(name, obj);
        this.onClusterRoleChange?.(name);
        return;
      case 'roles':
        if (type === 'DELETED') this.roles.delete(id);
        else this.roles.set(id, obj);
        return;
      case 'clusterrolebindings': {
        const old = this.clusterBindings.get(id);
        if (old) this.clusterIndex.remove(id, old);
        if (type === 'DELETED') {
          this.clusterBindings.delete(id);
          return;
        }
        const b = toBinding('ClusterRoleBinding', obj);
        this.clusterBindings.set(id, b);
        this.clusterIndex.add(id, b);
        return;
      }
      case 'rolebindings': {
        let idx = this.namespaceIndex.get(ns);
        if (!idx) this.namespaceIndex.set(ns, (idx = new BindingIndex()));
        const old = this.roleBindings.get(id);
        if (old) idx.remove(id, old);
        if (type === 'DELETED') {
          this.roleBindings.delete(id);
          return;
        }
        const b = toBinding('RoleBinding', obj);
        this.roleBindings.set(id, b);
        idx.add(id, b);
      }
    }
  }

  /** GetRoleReferenceRules: the rules a binding's roleRef names, or upstream's NotFound text. */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): { rules?: PolicyRule[]; err?: string } {
    if (ref.kind === 'Role') {
      const role = this.roles.get(`${bindingNamespace}/${ref.name}`);
      return role ? { rules: rulesOf(role) } : { err: `role.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found` };
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.clusterRoles.get(ref.name);
      return role ? { rules: rulesOf(role) } : { err: `clusterrole.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found` };
    }
    return { err: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
  }

  /** VisitRulesFor: the cluster bindings' rules, then the rules of the namespace's bindings. */
  visitRulesFor(user: UserInfo, namespace: string, visitor: RuleVisitor): void {
    const keys = userKeys(user);
    const seen = new Set<string>();
    const walk = (id: string, { binding, subject }: { binding: Binding; subject: Subject }) => {
      if (seen.has(id)) return true;
      seen.add(id);
      const { rules, err } = this.roleReferenceRules(binding.roleRef, binding.kind === 'RoleBinding' ? binding.namespace : '');
      if (err) return visitor(undefined, undefined, err);
      for (const rule of rules!) if (!visitor({ binding, subject }, rule, undefined)) return false;
      return true;
    };
    if (!this.clusterIndex.matches(keys, walk)) return;
    if (namespace) this.namespaceIndex.get(namespace)?.matches(keys, walk);
  }

  /** RulesFor: every rule that applies, and the resolution errors met. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (rule) rules.push(rule);
      if (err) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  counts(): { clusterRoles: number; roles: number; clusterRoleBindings: number; roleBindings: number } {
    return { clusterRoles: this.clusterRoles.size, roles: this.roles.size, clusterRoleBindings: this.clusterBindings.size, roleBindings: this.roleBindings.size };
  }
}

function toBinding(kind: Binding['kind'], obj: KubeObject): Binding {
  const ref = (obj.roleRef ?? {}) as RoleRef;
  return {
    kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '',
    roleRef: { kind: ref.kind ?? '', name: ref.name ?? '', apiGroup: ref.apiGroup },
    subjects: Array.isArray(obj.subjects) ? (obj.subjects as Subject[]) : [],
  };
}

export function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}
