// What real pods leave on the machine: nothing. While the runtime runs, the pod range has an unreachable route and
// the Service range goes to the bridge (their traffic never leaves by the default route); Ctrl-C removes every
// process, mount, link, route and cgroup; after kill -9 the pods die with Berth and the next start cleans what was left.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyYaml, createNamespace, eventually, hostLeftovers, instanceId, kubectlOk, needsRealPods, startRealCluster } from './harness.js';

const sleepers = (n: number) => `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: sleepers
spec:
  serviceName: sleepers
  replicas: ${n}
  podManagementPolicy: Parallel
  selector:
    matchLabels: { app: sleepers }
  template:
    metadata:
      labels: { app: sleepers }
    spec:
      terminationGracePeriodSeconds: 2
      volumes:
      - name: scratch
        emptyDir: { medium: Memory }
      containers:
      - name: sleep
        image: busybox
        command: ["sleep", "3600"]
        volumeMounts:
        - { name: scratch, mountPath: /scratch }
`;

const allReady = async (c: Parameters<typeof kubectlOk>[0], ns: string, n: number) => {
  const out = await kubectlOk(c, ['get', 'pods', '-n', ns, '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}']);
  return out.split('\n').filter((l) => l === 'Running').length === n;
};

test('kill -9 with 20 running pods: the pods die with Berth and the next start leaves no process, mount, link, route or cgroup behind; Ctrl-C neither', { timeout: 300_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const c = await startRealCluster();
  try {
    // the pod range is unreachable beyond the bridge; the service proxy routes the Service range to the bridge (its
    // table rejects whatever is not a Service) so that the host reaches ClusterIPs
    const routes = hostLeftovers(c).routes;
    assert.ok(routes.length === 1 && routes[0].includes(c.clusterCidr), `an unreachable route for the pod range while running: ${routes}`);
    assert.match(execFileSync('ip', ['-4', 'route', 'show', c.serviceCidr], { encoding: 'utf8' }), /dev berth/);
    await createNamespace(c, 'crash');
    await applyYaml(c, sleepers(20), 'crash');
    await eventually(() => allReady(c, 'crash', 20), 120_000, 500);
    const running = hostLeftovers(c);
    assert.ok(running.processes >= 40, `sandbox and container helpers run (${running.processes})`);
    assert.ok(running.mounts.length >= 20, 'memory emptyDirs are mounted');

    await c.kill();
    // The parent-death signal takes every pod process down with Berth.
    await eventually(() => hostLeftovers(c).processes === 0, 10_000, 100);

    const again = await startRealCluster({ dataDir: c.dataDir, ranges: { clusterCidr: c.clusterCidr, serviceCidr: c.serviceCidr } });
    // Like a node reboot: the pods come back (restart counted), on the same data.
    await eventually(() => allReady(again, 'crash', 20), 120_000, 500);
    const restarts = await kubectlOk(again, ['get', 'pods', '-n', 'crash', '-o', 'jsonpath={.items[*].status.containerStatuses[0].restartCount}']);
    assert.ok(restarts.split(' ').every((r) => Number(r) >= 1), `restart counted after the crash: ${restarts}`);
    await again.stop();
    const left = hostLeftovers(c);
    assert.deepEqual(left, { processes: 0, mounts: [], links: [], cgroups: [], routes: [] });
  } finally {
    // Whatever happened above, leave the machine clean: a start on the same data dir cleans up, a stop removes the rest.
    await c.kill().catch(() => {});
    if (Object.values(hostLeftovers(c)).some((v) => (Array.isArray(v) ? v.length : v) > 0)) {
      const cleaner = await startRealCluster({ dataDir: c.dataDir, ranges: { clusterCidr: c.clusterCidr, serviceCidr: c.serviceCidr }, args: ['--nodes', '0'] });
      await cleaner.stop();
    }
    c.cleanup();
  }
});

test('a second Berth whose ranges overlap a running one refuses to start and names the other data dir', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const first = await startRealCluster();
  try {
    await assert.rejects(
      startRealCluster({ ranges: { clusterCidr: first.clusterCidr, serviceCidr: '10.99.0.0/24' } }),
      (e: Error) => e.message.includes(`overlaps ${first.clusterCidr} of the berth running with data dir ${first.dataDir}`),
    );
    // Traffic for the pod range outside every node's subnet is refused on the host, never routed out.
    const base = first.clusterCidr.split('.').slice(0, 2).join('.');
    const route = spawnSync('ip', ['route', 'get', `${base}.100.1`], { encoding: 'utf8' });
    assert.match(route.stderr, /No route to host/);
  } finally {
    await first.stop();
    first.cleanup();
  }
});

test('what a Berth that is gone left (its data dir deleted too) is removed by the next Berth to start: bridge, table, cgroup, routes', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  // An orphan as a killed Berth leaves it: a down bridge holding a pod range's gateway (its linkdown route still
  // wins over nothing), its nftables table and an empty cgroup; no live instance in the registry has its id.
  const id = randomBytes(3).toString('hex');
  execFileSync('ip', ['link', 'add', `berth${id}`, 'type', 'bridge']);
  execFileSync('ip', ['addr', 'add', '10.254.250.1/24', 'dev', `berth${id}`]);
  execFileSync('nft', ['add', 'table', 'inet', `berth-${id}`]);
  const cgroup = existsSync('/sys/fs/cgroup/cgroup.controllers') ? `/sys/fs/cgroup/berth-${id}` : `/sys/fs/cgroup/memory/berth-${id}`;
  mkdirSync(cgroup);
  // Its record in the registry (a pid no process has) and the unreachable routes of its ranges, which carry no name.
  const dead = { id, pid: 999_999_999, pidStart: '1', dataDir: `/tmp/berth-gone-${id}`, clusterCidr: '10.254.252.0/24', serviceCidr: '10.254.253.0/24', netns: readlinkSync('/proc/self/ns/net') };
  mkdirSync('/run/berth/instances', { recursive: true });
  writeFileSync(`/run/berth/instances/${id}.json`, JSON.stringify(dead));
  for (const cidr of [dead.clusterCidr, dead.serviceCidr]) execFileSync('ip', ['route', 'replace', 'unreachable', cidr]);
  const c = await startRealCluster();
  try {
    assert.equal(spawnSync('ip', ['link', 'show', `berth${id}`]).status, 1, 'the orphan bridge is gone');
    assert.equal(spawnSync('nft', ['list', 'table', 'inet', `berth-${id}`]).status, 1, 'the orphan table is gone');
    assert.equal(existsSync(cgroup), false, 'the orphan cgroup is gone');
    assert.equal(execFileSync('ip', ['-4', 'route', 'show', '10.254.250.0/24'], { encoding: 'utf8' }).trim(), '');
    for (const cidr of [dead.clusterCidr, dead.serviceCidr]) assert.equal(execFileSync('ip', ['-4', 'route', 'show', cidr], { encoding: 'utf8' }).trim(), '', `the orphan's route for ${cidr} is gone`);
    assert.equal(existsSync(`/run/berth/instances/${id}.json`), false, 'the orphan\'s record is gone');
    // The running instance's own bridge is not an orphan.
    assert.equal(spawnSync('ip', ['link', 'show', `berth${instanceId(c)}`]).status, 0);
  } finally {
    spawnSync('ip', ['link', 'del', `berth${id}`]);
    spawnSync('nft', ['delete', 'table', 'inet', `berth-${id}`]);
    if (existsSync(cgroup)) rmdirSync(cgroup);
    for (const cidr of [dead.clusterCidr, dead.serviceCidr]) spawnSync('ip', ['route', 'del', 'unreachable', cidr]);
    rmSync(`/run/berth/instances/${id}.json`, { force: true });
    await c.stop();
    c.cleanup();
  }
});
