// What upstream's patcher refuses in a patched object instead of silently keeping the stored identity
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go and rest.go):
// - JSON and merge patches are decoded again from the patched JSON, so a kind or apiVersion the decoder cannot turn
//   into the URL's kind is a 422 on the field `patch` (jsonPatcher.applyPatchToCurrentObject); a custom resource's
//   converter refuses a group/version the CRD does not have, and its validator a different kind (ValidateTypeMeta).
//   Strategic merge patches convert by Go type, so upstream ignores a changed kind there, and so does Berth.
// - rest.EnsureObjectNamespaceMatchesRequestNamespace: a different namespace is a 400 (cluster-scoped: cleared).
// - checkName: a different name (or none) is a 400 naming both.
import { errBadRequest, errInvalid } from '../apimachinery/errors.js';
import { invalid } from '../apimachinery/field-errors.js';
import { apiVersionOf, type KubeObject } from '../apimachinery/types.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';
import type { PatchType } from './context.js';

/** The scheme name Go's runtime.NewScheme gives kube-apiserver's legacy scheme, as its errors print it. */
const LEGACY_SCHEME = 'pkg/api/legacyscheme/scheme.go:30';

export function checkPatchedIdentity(registry: ResourceRegistry, def: ResourceDef, namespace: string, name: string, type: PatchType, patched: KubeObject): void {
  if (type === 'json' || type === 'merge') checkTypeMeta(registry, def, name, patched);
  const meta = (patched.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (typeof meta.namespace === 'string' && meta.namespace !== '') {
    if (!def.namespaced) delete meta.namespace;
    else if (meta.namespace !== namespace) throw errBadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const patchedName = typeof meta.name === 'string' ? meta.name : '';
  if (patchedName !== name) throw errBadRequest(`the name of the object (${patchedName}) does not match the name on the URL (${name})`);
}

function checkTypeMeta(registry: ResourceRegistry, def: ResourceDef, name: string, patched: KubeObject): void {
  const served = apiVersionOf(def.group, def.version);
  // An absent kind or apiVersion is defaulted from the URL's, as the decoder does.
  const kind = typeof patched.kind === 'string' && patched.kind ? patched.kind : def.kind;
  const apiVersion = typeof patched.apiVersion === 'string' && patched.apiVersion ? patched.apiVersion : served;
  if (kind === def.kind && apiVersion === served) return;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const patchError = (why: string) => errInvalid('', '', '', [invalid('patch', JSON.stringify(patched), why)]);
  if (def.custom) {
    // crConverter: only the CRD's own group/versions convert; customResourceValidator.ValidateTypeMeta: the kind.
    if (group !== def.group || !registry.byKind(group, version, def.kind)) {
      throw patchError(`request to convert CR from an invalid group/version: ${apiVersion}`);
    }
    if (kind !== def.kind) throw errInvalid(def.group, def.kind, name, [invalid('kind', kind, `must be ${def.kind}`)]);
    return;
  }
  const target = registry.byKind(group, version, kind);
  if (!target) throw patchError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme ${JSON.stringify(LEGACY_SCHEME)}`);
  // Another version of the same kind converts; another kind has no conversion to the URL's.
  if (target.kind === def.kind && target.group === def.group) return;
  throw patchError(`converting (${externalPackage(group, version)}) ${kind} to (${internalPackage(def.group)}) ${def.kind}: unknown conversion`);
}

/** Go package paths of the versioned (k8s.io/api/…) and internal (pkg/apis/…) types, as Go's converter names them. */
function packageName(group: string): string {
  return group === '' ? 'core' : group.split('.')[0];
}

function externalPackage(group: string, version: string): string {
  if (group === 'apiextensions.k8s.io') return `k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/${version}`;
  return `k8s.io/api/${packageName(group)}/${version}`;
}

function internalPackage(group: string): string {
  if (group === 'apiextensions.k8s.io') return 'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions';
  return `k8s.io/kubernetes/pkg/apis/${packageName(group)}`;
}
