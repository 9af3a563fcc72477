// What the API server checks from the pod object before it hands a streaming request to the node's kubelet, as
// pkg/registry/core/pod/strategy.go (getPod, validateContainer, streamLocation, LogLocation) does: the pod exists,
// the container is one of its containers (or the only one), the pod is bound to a node, and that node has a
// kubelet. What only the kubelet knows (is the container running, which log instance) stays on the kubelet side.
import { errBadRequest, errNotFound } from '../../apimachinery/errors.js';
import type { KubeletApi, PodRef } from '../../component/kubelet-api.js';
import type { ContainerStatus, Pod } from '../../api/core.js';
import type { ServerContext } from '../context.js';

const PODS = { group: '', resource: 'pods' };

export async function getPod(ctx: ServerContext, namespace: string, name: string): Promise<Pod> {
  const def = ctx.registry.lookup('', 'v1', 'pods');
  if (!def) throw errNotFound(PODS, name);
  return (await ctx.objects.get(def, namespace, name)) as Pod;
}

export function podRef(pod: Pod): PodRef {
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}

/** Every container name in VisitContainers order: init containers, containers, ephemeral containers. */
export function containerNames(pod: Pod): string[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])].map((c) => c.name);
}

/** validateContainer: the named container must exist; without a name, the pod must have exactly one container. */
export function validateContainer(pod: Pod, container: string): string {
  const name = pod.metadata.name ?? '';
  if (!container) {
    const containers = pod.spec.containers ?? [];
    if (containers.length === 1) return containers[0].name;
    if (containers.length === 0) throw errBadRequest(`a container name must be specified for pod ${name}`);
    throw errBadRequest(`a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`);
  }
  if (!containerNames(pod).includes(container)) throw errBadRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** streamLocation's first check: the pod is bound to a node. */
export function boundNode(pod: Pod): string {
  const node = pod.spec.nodeName;
  if (!node) throw errBadRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  return node;
}

/** The node's kubelet when its node agent runs in this process; undefined for a node on another machine. */
export function localKubelet(ctx: ServerContext, node: string): KubeletApi | undefined {
  return ctx.kubelets.get(node);
}

/**
 * The kubelet refuses to exec into or attach to a container that does not run (GetExec/GetAttach: `container not
 * found ("c")`, a 500 in plain text that kubectl prints as `error: unable to upgrade connection: container not found
 * ("c")`). The API server sees the same from the status the kubelet published; the runtime checks again.
 */
export function notRunningMessage(pod: Pod, container: string): string | undefined {
  const st = pod.status ?? {};
  const all: ContainerStatus[] = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])];
  const status = all.find((c) => c.name === container);
  return status?.state?.running ? undefined : `container not found ("${container}")`;
}

/** Go's strconv bool for query parameters as the parameter codec reads them: absent, "", "0", "false" are false. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null) return false;
  const lower = v.toLowerCase();
  return !(lower === '' || lower === '0' || lower === 'false');
}

/** An int64 query parameter (strconv.ParseInt's error text on garbage). */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw errBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}
