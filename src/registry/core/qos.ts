// A pod's QoS class from its containers' requests and limits (kubernetes pkg/apis/core/helper/qos ComputePodQOS):
// the API server stores it in status.qosClass and the kubelet sizes cgroups by it.
import { Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** The slice of a pod spec the class depends on (plain JSON or typed). */
interface QOSSpec {
  containers?: unknown;
  initContainers?: unknown;
}

interface QOSContainer {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

const list = (v: unknown): QOSContainer[] => (Array.isArray(v) ? (v as QOSContainer[]) : []);
const supported = (n: string) => n === 'cpu' || n === 'memory';

/**
 * BestEffort without any cpu/memory request or limit; Guaranteed when every container limits both cpu and memory
 * and the summed requests equal the summed limits; Burstable otherwise.
 */
export function computeQOSClass(spec: QOSSpec): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let isGuaranteed = true;
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const res = c?.resources ?? {};
    for (const [n, v] of Object.entries(res.requests ?? {})) {
      const q = tryParseQuantity(v);
      if (!supported(n) || !q || q.sign() <= 0) continue;
      requests.set(n, requests.has(n) ? requests.get(n)!.add(q) : q);
    }
    const seen = new Set<string>();
    for (const [n, v] of Object.entries(res.limits ?? {})) {
      const q = tryParseQuantity(v);
      if (!supported(n) || !q || q.sign() <= 0) continue;
      seen.add(n);
      limits.set(n, limits.has(n) ? limits.get(n)!.add(q) : q);
    }
    if (!seen.has('cpu') || !seen.has('memory')) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [n, r] of requests) {
      const l = limits.get(n);
      if (l?.cmp(r) !== 0) { isGuaranteed = false; break; }
    }
  }
  return isGuaranteed && limits.size === requests.size ? 'Guaranteed' : 'Burstable';
}
