// QoS classes and cgroup values against kubernetes pkg/apis/core/helper/qos, pkg/kubelet/cm/helpers_linux.go
// (MilliCPUToShares, MilliCPUToQuota, ResourceConfigForPod and helpers_linux_test.go's cases),
// kuberuntime calculateLinuxResources, and runc's cgroup v1/v2 files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cgroupV1Files, cgroupV2Files, containerCgroupResources, cpuSharesToWeight, cpuSharesToWeightLinear, hugePageSizeName,
  milliCPUToQuota, milliCPUToShares, podCgroupPath, podCgroupResources, podQOSClass, qosCgroupResources,
} from '../../../../src/nodeagent/kubelet/cgroups.js';
import type { ContainerSpec, Pod } from '../../../../src/api/core.js';

const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>, restartPolicy?: string): ContainerSpec =>
  ({ name, resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) }, ...(restartPolicy ? { restartPolicy } : {}) });
const pod = (containers: ContainerSpec[], initContainers: ContainerSpec[] = [], extra: Partial<Pod['spec']> = {}): Pod =>
  ({ metadata: { name: 'p', namespace: 'default', uid: 'abc-123' }, spec: { containers, initContainers, ...extra } });
const Mi = 1024 * 1024;

test('QoS: BestEffort, Burstable, Guaranteed (requests equal limits for cpu and memory in every container)', () => {
  assert.equal(podQOSClass(pod([c('a')])), 'BestEffort');
  assert.equal(podQOSClass(pod([c('a', { cpu: '100m' })])), 'Burstable');
  assert.equal(podQOSClass(pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })])), 'Guaranteed');
  assert.equal(podQOSClass(pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' }), c('b')])), 'Burstable');
  assert.equal(podQOSClass(pod([c('a', { cpu: '500m', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })])), 'Burstable');
  assert.equal(podQOSClass(pod([c('a', { 'ephemeral-storage': '1Gi' })])), 'BestEffort', 'only cpu and memory count');
  const stored: Pod = { ...pod([c('a')]), status: { qosClass: 'Guaranteed' } };
  assert.equal(podQOSClass(stored), 'Guaranteed', 'status.qosClass wins, as GetPodQOS');
});

test('MilliCPUToShares and MilliCPUToQuota', () => {
  assert.deepEqual([0, 1, 2, 100, 250, 1000, 4000, 300000].map(milliCPUToShares), [2, 2, 2, 102, 256, 1024, 4096, 262144]);
  assert.deepEqual([0, 1, 5, 10, 200, 1000, 1500].map((m) => milliCPUToQuota(m)), [0, 1000, 1000, 1000, 20000, 100000, 150000]);
});

test('cgroup v2 cpu.weight: the quadratic mapping (2→1, 1024→100, 262144→10000), not the old linear one', () => {
  const cases: [number, number][] = [[0, 0], [1, 1], [2, 1], [3, 2], [102, 17], [512, 59], [1024, 100], [2048, 174], [10240, 639], [262144, 10000], [300000, 10000]];
  for (const [shares, weight] of cases) assert.equal(cpuSharesToWeight(shares), weight, String(shares));
  assert.equal(cpuSharesToWeightLinear(1024), 39);
  assert.equal(cpuSharesToWeightLinear(2), 1);
  assert.equal(cpuSharesToWeightLinear(262144), 10000);
});

test('container values: shares from the request (the limit when there is none), quota from the limit, memory', () => {
  assert.deepEqual(containerCgroupResources(c('a', { cpu: '250m', memory: '64Mi' }, { cpu: '500m', memory: '128Mi' })),
    { cpuShares: 256, cpuQuota: 50000, cpuPeriod: 100000, memoryLimitBytes: 128 * Mi });
  assert.deepEqual(containerCgroupResources(c('a', undefined, { cpu: '2' })), { cpuShares: 2048, cpuQuota: 200000, cpuPeriod: 100000 });
  assert.deepEqual(containerCgroupResources(c('a')), { cpuShares: 2, cpuQuota: 0, cpuPeriod: 100000 });
  assert.equal(containerCgroupResources(c('a', undefined, { cpu: '2' }), { enforceCPULimits: false }).cpuQuota, -1);
});

test('pod values by QoS (ResourceConfigForPod)', () => {
  assert.deepEqual(podCgroupResources(pod([c('a')])), { cpuShares: 2, hugePageLimits: {} }, 'besteffort');
  assert.deepEqual(podCgroupResources(pod([c('a', { cpu: '100m', memory: '100Mi' })])), { cpuShares: 102, hugePageLimits: {} }, 'burstable without limits');
  assert.deepEqual(podCgroupResources(pod([c('a', { cpu: '100m', memory: '100Mi' }, { cpu: '200m', memory: '200Mi' })])),
    { cpuShares: 102, cpuQuota: 20000, cpuPeriod: 100000, memoryLimitBytes: 200 * Mi, hugePageLimits: {} }, 'burstable with limits');
  assert.deepEqual(podCgroupResources(pod([c('a', { cpu: '100m' }, { cpu: '200m' }), c('b', { cpu: '100m', memory: '1Gi' }, { memory: '1Gi' })])),
    { cpuShares: 204, hugePageLimits: {} }, 'burstable, limits declared only partly');
  assert.deepEqual(podCgroupResources(pod([c('a', { cpu: '100m', memory: '100Mi' }, { cpu: '100m', memory: '100Mi' })])),
    { cpuShares: 102, cpuQuota: 10000, cpuPeriod: 100000, memoryLimitBytes: 100 * Mi, hugePageLimits: {} }, 'guaranteed');
  assert.deepEqual(podCgroupResources(pod([c('a', { cpu: '1m', memory: '100Mi' }, { cpu: '1m', memory: '100Mi' })])).cpuQuota, 1000, 'quota at least 1 ms');
  assert.equal(podCgroupResources(pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]), { enforceCPULimits: false }).cpuQuota, -1);
});

test('pod values count init containers as a maximum, sidecars alongside, and overhead', () => {
  const g = (cpu: string, mem: string) => [{ cpu, memory: mem }, { cpu, memory: mem }] as const;
  const p = pod([c('a', ...g('500m', '256Mi'))], [c('init', ...g('2', '1Gi')), c('side', ...g('250m', '64Mi'), 'Always')], { overhead: { cpu: '100m', memory: '32Mi' } });
  assert.equal(podQOSClass(p), 'Guaranteed');
  assert.deepEqual(podCgroupResources(p), {
    cpuShares: milliCPUToShares(2100), cpuQuota: 210000, cpuPeriod: 100000, memoryLimitBytes: (1024 + 32) * Mi, hugePageLimits: {},
  });
  const withSidecarFirst = pod([c('a', ...g('500m', '256Mi'))], [c('side', ...g('250m', '64Mi'), 'Always'), c('init', ...g('2', '1Gi'))]);
  assert.equal(podCgroupResources(withSidecarFirst).cpuQuota, 225000, 'the sidecar runs during the later init container');
});

test('QoS tier shares, pod cgroup paths, hugepages, pids', () => {
  const burst1 = pod([c('a', { cpu: '300m' })]);
  const burst2 = pod([c('a', { cpu: '700m', memory: '1Gi' })]);
  const guaranteed = pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]);
  assert.deepEqual(qosCgroupResources([burst1, burst2, guaranteed, pod([c('a')])]), { burstable: { cpuShares: 1024 }, besteffort: { cpuShares: 2 } });
  assert.deepEqual(podCgroupPath(guaranteed), ['kubepods', 'podabc-123']);
  assert.deepEqual(podCgroupPath(burst1), ['kubepods', 'burstable', 'podabc-123']);
  assert.deepEqual(podCgroupPath(pod([c('a')])), ['kubepods', 'besteffort', 'podabc-123']);
  const huge = pod([c('a', { cpu: '1', memory: '1Gi', 'hugepages-2Mi': '4Mi' }, { cpu: '1', memory: '1Gi', 'hugepages-2Mi': '4Mi' })]);
  assert.deepEqual(podCgroupResources(huge, { pidsLimit: 1024 }).hugePageLimits, { [2 * Mi]: 4 * Mi });
  assert.equal(podCgroupResources(huge, { pidsLimit: 1024 }).pidsLimit, 1024);
  assert.equal(podCgroupResources(huge, { pidsLimit: -1 }).pidsLimit, undefined, '-1 is unlimited');
  assert.deepEqual([hugePageSizeName(2 * Mi), hugePageSizeName(1024 * Mi), hugePageSizeName(64 * 1024)], ['2MB', '1GB', '64KB']);
});

test('files: v1 shares/cfs/memory, v2 weight/max/memory.max/oom.group; unset values are not written', () => {
  const r = containerCgroupResources(c('a', { cpu: '250m' }, { cpu: '500m', memory: '128Mi' }));
  assert.deepEqual(cgroupV1Files(r), { 'cpu.shares': '256', 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '50000', 'memory.limit_in_bytes': String(128 * Mi) });
  assert.deepEqual(cgroupV2Files(r, { oomGroup: true }), { 'cpu.weight': String(cpuSharesToWeight(256)), 'cpu.max': '50000 100000', 'memory.max': String(128 * Mi), 'memory.oom.group': '1' });
  const unlimited = containerCgroupResources(c('a'));
  assert.deepEqual(cgroupV1Files(unlimited), { 'cpu.shares': '2', 'cpu.cfs_period_us': '100000' });
  assert.deepEqual(cgroupV2Files(unlimited), { 'cpu.weight': '1', 'cpu.max': 'max 100000' });
  assert.deepEqual(cgroupV2Files({ cpuShares: 2, cpuQuota: -1, cpuPeriod: 100000 }), { 'cpu.weight': '1', 'cpu.max': 'max 100000' });
  assert.deepEqual(cgroupV1Files({ cpuShares: 1024, hugePageLimits: { [2 * Mi]: 4 * Mi }, pidsLimit: 100 }),
    { 'cpu.shares': '1024', 'hugetlb.2MB.limit_in_bytes': String(4 * Mi), 'pids.max': '100' });
});
