// TokenRequest, POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token (pkg/registry/core/serviceaccount/storage/
// token.go): a bound token for the account, for the requested audiences (default: the API server's) and lifetime
// (default an hour, at least ten minutes), optionally bound to a Pod (whose node is named too), a Secret or a Node
// that must exist (with the given UID). The kubelet's 3607-second pod-bound requests get a year, with a warnafter
// claim at the requested expiry, as upstream extends them.
import { errBadRequest, errConflict, errInvalid, isNotFound } from '../../apimachinery/errors.js';
import { FieldError, invalid } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import {
  EXPIRATION_EXTENSION_SECONDS, WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, type ServiceAccountTokens,
} from '../../authentication/serviceaccount/tokens.js';
import type { GenericStore, RequestContext } from '../generic-store.js';
import type { ResourceRegistry } from '../registry.js';
import { rfc3339 } from '../../apimachinery/time.js';

const GROUP = 'authentication.k8s.io';
const MAX_EXPIRATION = 2 ** 32 - 1;

interface TokenRequestBody extends KubeObject {
  spec?: {
    audiences?: string[] | null;
    expirationSeconds?: number | null;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
  };
}

export interface TokenRequestDeps {
  objects: GenericStore;
  registry: ResourceRegistry;
  tokens: ServiceAccountTokens;
}

export async function createTokenRequest(deps: TokenRequestDeps, namespace: string, name: string, body: unknown, ctx: RequestContext, now = new Date()): Promise<KubeObject> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errBadRequest("Object 'Kind' is missing in the request body");
  const req = body as TokenRequestBody;
  if (req.kind !== undefined && req.kind !== 'TokenRequest') throw errBadRequest(`the kind in the data (${String(req.kind)}) does not match the expected kind (TokenRequest)`);
  const meta = (req.metadata ?? {}) as KubeObject['metadata'];
  if (meta.name && meta.name !== name) {
    throw errInvalid(GROUP, 'TokenRequest', name, [invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw errInvalid(GROUP, 'TokenRequest', name, [invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
  }
  const { objects, registry, tokens } = deps;
  const saDef = registry.lookup('', 'v1', 'serviceaccounts')!;
  const sa = await objects.get(saDef, namespace, name);
  const spec = { ...(req.spec ?? {}) };
  const audiences = spec.audiences?.length ? [...spec.audiences] : [...tokens.apiAudiences];
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  const errs: FieldError[] = [];
  if (expirationSeconds < 600) errs.push(invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > MAX_EXPIRATION) errs.push(invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errs.length) throw errInvalid(GROUP, 'TokenRequest', '', errs);

  const out: KubeObject = {
    kind: 'TokenRequest', apiVersion: `${GROUP}/v1`,
    metadata: { ...meta, name: sa.metadata.name, namespace: sa.metadata.namespace, creationTimestamp: rfc3339(now) },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: {},
  };
  await objects.admit('CREATE', saDef, namespace, name, 'token', out, undefined, ctx);

  let pod: KubeObject | undefined;
  let node: { name: string; uid?: string } | undefined;
  let secret: KubeObject | undefined;
  const bound = spec.boundObjectRef;
  if (bound) {
    const [group] = (bound.apiVersion ?? '').includes('/') ? (bound.apiVersion ?? '').split('/') : [''];
    let uid: string | undefined;
    const boundName = bound.name ?? '';
    if (group === '' && bound.kind === 'Pod') {
      pod = await objects.get(registry.lookup('', 'v1', 'pods')!, namespace, boundName);
      const podSa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName;
      if (name !== podSa) throw errBadRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
      uid = pod.metadata.uid;
      const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      if (nodeName) {
        try {
          const n = await objects.get(registry.lookup('', 'v1', 'nodes')!, '', nodeName);
          node = { name: nodeName, uid: n.metadata.uid };
        } catch (e) {
          if (!isNotFound(e)) throw e;
          node = { name: nodeName };
        }
      }
    } else if (group === '' && bound.kind === 'Node') {
      const n = await objects.get(registry.lookup('', 'v1', 'nodes')!, '', boundName);
      node = { name: boundName, uid: n.metadata.uid };
      uid = n.metadata.uid;
    } else if (group === '' && bound.kind === 'Secret') {
      secret = await objects.get(registry.lookup('', 'v1', 'secrets')!, namespace, boundName);
      uid = secret.metadata.uid;
    } else {
      // schema.GroupVersionKind's String(): "<group>/<version>, Kind=<kind>", the core group empty
      const apiVersion = bound.apiVersion ?? '';
      const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
      throw errBadRequest(`cannot bind token to object of type ${gv}, Kind=${bound.kind ?? ''}`);
    }
    if (bound.uid && uid !== bound.uid) {
      throw errConflict({ group, resource: bound.kind ?? '' }, boundName,
        `the UID in the bound object reference (${bound.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
  }

  // The kubelet's projected tokens: valid for a year, reported stale after the hour it asked for.
  let exp = expirationSeconds;
  let warnAfterSeconds: number | undefined;
  if (pod && expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && audiences.every((a) => tokens.apiAudiences.includes(a))) {
    warnAfterSeconds = exp;
    exp = EXPIRATION_EXTENSION_SECONDS;
  }
  const token = tokens.issue({ serviceAccount: sa, audiences, expirationSeconds: exp, pod, node, secret, warnAfterSeconds }, now.getTime());
  out.status = { token, expirationTimestamp: rfc3339(new Date(now.getTime() + expirationSeconds * 1000)) };
  return out;
}

