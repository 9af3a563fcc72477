// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go): a new pod runs as an
// existing ServiceAccount (`default` unless named; the default one is waited for briefly, as the controller makes
// it), inherits its imagePullSecrets when it has none, and — unless the pod or the account turns
// automountServiceAccountToken off — gets the `kube-api-access-<random>` projected volume (a bound token for 3607
// seconds, ca.crt from the kube-root-ca.crt ConfigMap, the namespace from the downward API) mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container and init container that has nothing there.
import { errForbidden, isNotFound } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionPlugin } from '../registry/types.js';

export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DEFAULT_SERVICE_ACCOUNT = 'default';

/** utilrand.String's alphabet (no vowels, no confusable digits). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (n = 5) => Array.from({ length: n }, () => ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)]).join('');

/** TokenVolumeSource: the projection every automounted pod gets. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

interface Container { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }
interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
  volumes?: { name: string }[];
  containers?: Container[];
  initContainers?: Container[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function serviceAccountAdmission(objects: GenericStore, registry: ResourceRegistry): AdmissionPlugin {
  const saDef = () => registry.lookup('', 'v1', 'serviceaccounts')!;

  /** getServiceAccount: the default account is looked up a few times, as the controller may not have made it yet. */
  async function getServiceAccount(namespace: string, name: string): Promise<KubeObject | undefined> {
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? 10 : 1;
    const retryMs = 100 + Math.floor(Math.random() * 100);
    for (let i = 0; i < attempts; i++) {
      if (i) await sleep(retryMs);
      try {
        return await objects.get(saDef(), namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return undefined;
  }

  return {
    name: 'ServiceAccount',
    async admit(a) {
      if (a.operation !== 'CREATE' || a.def.group !== '' || a.def.resource !== 'pods' || a.subresource) return;
      const pod = a.object!;
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
      const spec = (pod.spec ??= {}) as PodSpec;
      if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccount = spec.serviceAccountName;
      const sa = await getServiceAccount(a.namespace, spec.serviceAccountName);
      if (!sa) {
        throw errForbidden({ group: '', resource: 'pods' }, pod.metadata.name ?? '',
          `error looking up service account ${a.namespace}/${spec.serviceAccountName}: serviceaccount ${JSON.stringify(spec.serviceAccountName)} not found`);
      }
      const automount = spec.automountServiceAccountToken ?? (sa.automountServiceAccountToken as boolean | undefined) ?? true;
      if (automount) mountServiceAccountToken(spec);
      const pullSecrets = sa.imagePullSecrets as { name: string }[] | undefined;
      if (!spec.imagePullSecrets?.length && pullSecrets?.length) spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
    },
  };
}

export function mountServiceAccountToken(spec: PodSpec): void {
  let volumeName = spec.volumes?.find((v) => v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX))?.name;
  const hasVolume = volumeName !== undefined;
  volumeName ??= `${SERVICE_ACCOUNT_VOLUME_PREFIX}${randomSuffix()}`;
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    (c.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH });
    needed = true;
  }
  if (!hasVolume && needed) (spec.volumes ??= []).push({ name: volumeName, projected: tokenVolumeSource() } as { name: string });
}
