// Resource arithmetic the way the scheduler does it: a pod's effective requests (app containers summed, init
// containers as a maximum, sidecars alongside, plus overhead) and a node's allocatable, in integer units.
import { tryParseQuantity } from '../apimachinery/quantity.js';
import type { ContainerSpec, Node, Pod, ResourceList } from '../api/core.js';

/** cpu in millicores, everything else in base units. */
export type ResourceAmounts = Map<string, bigint>;

/** Requests the scheduler substitutes for containers that ask for nothing, when spreading load (not for fit). */
export const DEFAULT_MILLI_CPU_REQUEST = 100n;
export const DEFAULT_MEMORY_REQUEST = 200n * 1024n * 1024n;

export function amountsOf(list: ResourceList | undefined): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  for (const [name, v] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(v);
    if (!q) continue;
    out.set(name, name === 'cpu' ? q.milliValue() : q.value());
  }
  return out;
}

export function addInto(into: ResourceAmounts, more: ResourceAmounts): void {
  for (const [k, v] of more) into.set(k, (into.get(k) ?? 0n) + v);
}

function maxInto(into: ResourceAmounts, other: ResourceAmounts): void {
  for (const [k, v] of other) if (v > (into.get(k) ?? 0n)) into.set(k, v);
}

const requestsOf = (c: ContainerSpec) => amountsOf(c.resources?.requests);

/**
 * The aggregation of resourcehelper's PodRequests and PodLimits: app containers summed, each init container (with
 * the sidecars started before it) as a maximum, sidecars alongside. `each` sees every container's amounts as
 * upstream's ContainerFn does (an init container's together with the sidecars before it).
 */
function aggregate(pod: Pod, of: (c: ContainerSpec) => ResourceAmounts, each?: (amounts: ResourceAmounts) => void): ResourceAmounts {
  const total: ResourceAmounts = new Map();
  for (const c of pod.spec.containers ?? []) {
    const a = of(c);
    each?.(a);
    addInto(total, a);
  }
  const sidecars: ResourceAmounts = new Map();
  const initMax: ResourceAmounts = new Map();
  for (const c of pod.spec.initContainers ?? []) {
    let during = of(c);
    if (c.restartPolicy === 'Always') {
      addInto(total, during);
      addInto(sidecars, during);
      during = new Map(sidecars);
    } else {
      addInto(during, sidecars);
    }
    each?.(during);
    maxInto(initMax, during);
  }
  maxInto(total, initMax);
  return total;
}

/** resourcehelper.PodRequests, overhead included. */
export function podRequests(pod: Pod): ResourceAmounts {
  const reqs = aggregate(pod, requestsOf);
  addInto(reqs, amountsOf(pod.spec.overhead));
  return reqs;
}

/** resourcehelper.PodLimits: overhead is added to the limits that are set. */
export function podLimits(pod: Pod, each?: (limits: ResourceAmounts) => void): ResourceAmounts {
  const limits = aggregate(pod, (c) => amountsOf(c.resources?.limits), each);
  for (const [k, v] of amountsOf(pod.spec.overhead)) if (limits.has(k)) limits.set(k, limits.get(k)! + v);
  return limits;
}

/** Requests with the scheduler's non-zero defaults for cpu and memory, used for scoring only. */
export function nonZeroRequests(pod: Pod): { cpu: bigint; memory: bigint } {
  let cpu = 0n;
  let memory = 0n;
  for (const c of pod.spec.containers ?? []) {
    const r = requestsOf(c);
    cpu += r.get('cpu') ?? DEFAULT_MILLI_CPU_REQUEST;
    memory += r.get('memory') ?? DEFAULT_MEMORY_REQUEST;
  }
  return { cpu, memory };
}

export const allocatableOf = (node: Node): ResourceAmounts => amountsOf(node.status?.allocatable);
