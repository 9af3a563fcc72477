// cgroup values from requests and limits, as kubernetes computes them — containers in
// kuberuntime_container_linux.go calculateLinuxResources, pods in pkg/kubelet/cm/helpers_linux.go
// ResourceConfigForPod, QoS tiers in qos_container_manager_linux.go — and the files runc writes them to on cgroup
// v1 and v2. Pure: the runtime writes the files.
import { computeQOSClass, type QOSClass } from '../../registry/core/qos.js';
import { amountsOf, podLimits, podRequests } from '../../scheduler/resources.js';
import type { ContainerSpec, Pod } from '../../api/core.js';

export type { QOSClass };

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
const MILLI_CPU_TO_CPU = 1000;
/** 100 ms: the CFS period. */
export const QUOTA_PERIOD = 100_000;
/** A quota is at least 1 ms. */
export const MIN_QUOTA_PERIOD = 1000;

/** GetPodQOS: status.qosClass (set by the API server, immutable), else computed from the spec. */
export function podQOSClass(pod: Pod): QOSClass {
  const q = pod.status?.qosClass;
  return q === 'Guaranteed' || q === 'Burstable' || q === 'BestEffort' ? q : computeQOSClass(pod.spec);
}

/** MilliCPUToShares: cpu.shares from a cpu request (0 → 2, the kernel's minimum). */
export function milliCPUToShares(milliCPU: bigint | number): number {
  const m = BigInt(milliCPU);
  if (m === 0n) return MIN_SHARES;
  const shares = Number((m * BigInt(SHARES_PER_CPU)) / BigInt(MILLI_CPU_TO_CPU));
  return Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES);
}

/** MilliCPUToQuota: µs per period from a cpu limit (0 when there is none), at least 1000. */
export function milliCPUToQuota(milliCPU: bigint | number, period = QUOTA_PERIOD): number {
  const m = BigInt(milliCPU);
  if (m === 0n) return 0;
  const quota = Number((m * BigInt(period)) / BigInt(MILLI_CPU_TO_CPU));
  return Math.max(quota, MIN_QUOTA_PERIOD);
}

/**
 * cgroup v2 cpu.weight from cpu.shares. Berth uses the mapping of runc ≥ 1.3.2 and crun ≥ 1.23
 * (opencontainers/cgroups ConvertCPUSharesToCgroupV2Value, kubernetes#131216): quadratic in log2(shares), so that
 * 2 → 1, 1024 → 100 (the default weight) and 262144 → 10000, where the older linear formula
 * 1 + (shares − 2) × 9999 / 262142 gave 1024 shares a weight of 39.
 */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= MIN_SHARES) return 1;
  if (shares >= MAX_SHARES) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return Math.ceil(10 ** exponent);
}

/** The older linear mapping (runc < 1.3.2), for comparison with hosts that still use it. */
export const cpuSharesToWeightLinear = (shares: number) => (shares === 0 ? 0 : 1 + Math.trunc(((Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES) - 2) * 9999) / 262142));

/** runtimeapi.LinuxContainerResources / cm.ResourceConfig: what is set (undefined means leave unlimited). */
export interface CgroupResources {
  cpuShares?: number;
  /** µs per period; -1 is unlimited, 0 is unset. */
  cpuQuota?: number;
  cpuPeriod?: number;
  memoryLimitBytes?: number;
  /** Page size in bytes → limit in bytes. */
  hugePageLimits?: Record<string, number>;
  pidsLimit?: number;
}

/**
 * calculateLinuxResources for a container: shares from the request (or the limit when no request is set), the
 * CFS quota from the limit over a 100 ms period, the memory limit.
 */
export function containerCgroupResources(container: ContainerSpec, opts: { enforceCPULimits?: boolean } = {}): CgroupResources {
  const req = amountsOf(container.resources?.requests);
  const lim = amountsOf(container.resources?.limits);
  const cpuRequest = req.get('cpu') ?? 0n;
  const cpuLimit = lim.get('cpu') ?? 0n;
  const out: CgroupResources = {
    cpuShares: milliCPUToShares(cpuRequest === 0n && cpuLimit !== 0n ? cpuLimit : cpuRequest),
    cpuQuota: opts.enforceCPULimits === false ? -1 : milliCPUToQuota(cpuLimit),
    cpuPeriod: QUOTA_PERIOD,
  };
  const mem = lim.get('memory') ?? 0n;
  if (mem !== 0n) out.memoryLimitBytes = Number(mem);
  return out;
}

/** HugePageLimits: hugepages-<size> requests by page size in bytes. */
function hugePageLimits(requests: Map<string, bigint>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of requests) {
    if (!name.startsWith('hugepages-')) continue;
    const size = amountsOf({ size: name.slice('hugepages-'.length) }).get('size');
    if (size) out[String(size)] = Number(v);
  }
  return out;
}

/**
 * ResourceConfigForPod: Guaranteed pods get shares, quota and the memory limit; Burstable pods shares, and quota /
 * memory only when every container declares that limit; BestEffort pods the minimum shares.
 */
export function podCgroupResources(pod: Pod, opts: { enforceCPULimits?: boolean; pidsLimit?: number } = {}): CgroupResources {
  const reqs = podRequests(pod);
  let cpuLimitsDeclared = true;
  let memoryLimitsDeclared = true;
  const limits = podLimits(pod, (l) => {
    if (!l.get('cpu')) cpuLimitsDeclared = false;
    if (!l.get('memory')) memoryLimitsDeclared = false;
  });
  const cpuShares = milliCPUToShares(reqs.get('cpu') ?? 0n);
  const cpuQuota = opts.enforceCPULimits === false ? -1 : milliCPUToQuota(limits.get('cpu') ?? 0n);
  const memory = Number(limits.get('memory') ?? 0n);
  const out: CgroupResources = {};
  switch (podQOSClass(pod)) {
    case 'Guaranteed':
      Object.assign(out, { cpuShares, cpuQuota, cpuPeriod: QUOTA_PERIOD, memoryLimitBytes: memory });
      break;
    case 'Burstable':
      out.cpuShares = cpuShares;
      if (cpuLimitsDeclared) Object.assign(out, { cpuQuota, cpuPeriod: QUOTA_PERIOD });
      if (memoryLimitsDeclared) out.memoryLimitBytes = memory;
      break;
    default:
      out.cpuShares = MIN_SHARES;
  }
  out.hugePageLimits = hugePageLimits(reqs);
  if (opts.pidsLimit !== undefined && opts.pidsLimit > 0) out.pidsLimit = opts.pidsLimit;
  return out;
}

/** setCPUCgroupConfig: the burstable tier shares the sum of its pods' cpu requests; besteffort gets 2. */
export function qosCgroupResources(pods: Pod[]): { burstable: CgroupResources; besteffort: CgroupResources } {
  let burstableMilli = 0n;
  for (const p of pods) if (podQOSClass(p) === 'Burstable') burstableMilli += podRequests(p).get('cpu') ?? 0n;
  return { burstable: { cpuShares: milliCPUToShares(burstableMilli) }, besteffort: { cpuShares: MIN_SHARES } };
}

/**
 * The pod's cgroup under the cgroupfs driver: kubepods/pod<uid> for Guaranteed pods,
 * kubepods/<burstable|besteffort>/pod<uid> otherwise (pod_container_manager_linux.go GetPodContainerName).
 */
export function podCgroupPath(pod: Pod): string[] {
  const qos = podQOSClass(pod);
  const name = `pod${pod.metadata.uid ?? ''}`;
  return qos === 'Guaranteed' ? ['kubepods', name] : ['kubepods', qos.toLowerCase(), name];
}

/** runc's hugetlb file size names: 2MB, 1GB, 64KB. */
export function hugePageSizeName(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && size % 1024 === 0 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  return `${size}${units[i]}`;
}

/** The cgroup v1 files runc writes for these values (unset values are not written). */
export function cgroupV1Files(r: CgroupResources): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.cpuShares) out['cpu.shares'] = String(r.cpuShares);
  if (r.cpuPeriod) out['cpu.cfs_period_us'] = String(r.cpuPeriod);
  if (r.cpuQuota) out['cpu.cfs_quota_us'] = String(r.cpuQuota);
  if (r.memoryLimitBytes) out['memory.limit_in_bytes'] = String(r.memoryLimitBytes);
  for (const [size, limit] of Object.entries(r.hugePageLimits ?? {})) out[`hugetlb.${hugePageSizeName(Number(size))}.limit_in_bytes`] = String(limit);
  if (r.pidsLimit) out['pids.max'] = String(r.pidsLimit);
  return out;
}

/**
 * The cgroup v2 files: cpu.weight (cpuSharesToWeight), cpu.max `<quota|max> <period>`, memory.max, and — for
 * containers, as the kubelet asks since 1.32 — memory.oom.group 1 so an OOM kills the whole container.
 */
export function cgroupV2Files(r: CgroupResources, opts: { oomGroup?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.cpuShares) out['cpu.weight'] = String(cpuSharesToWeight(r.cpuShares));
  if (r.cpuQuota || r.cpuPeriod) out['cpu.max'] = `${r.cpuQuota && r.cpuQuota > 0 ? r.cpuQuota : 'max'}${r.cpuPeriod ? ` ${r.cpuPeriod}` : ''}`;
  if (r.memoryLimitBytes) out['memory.max'] = String(r.memoryLimitBytes);
  for (const [size, limit] of Object.entries(r.hugePageLimits ?? {})) out[`hugetlb.${hugePageSizeName(Number(size))}.max`] = String(limit);
  if (r.pidsLimit) out['pids.max'] = String(r.pidsLimit);
  if (opts.oomGroup) out['memory.oom.group'] = '1';
  return out;
}
