// Seed 000's `web` StatefulSet on real processes: nginx serving a page from each pod's claim over the pod IP;
// scaling 2→5→2 starts and stops the processes one ordinal at a time (up in order, down in reverse); a rolling
// update replaces them in reverse ordinal order; Ctrl-C and a new `berth up` bring them back on the same claims.
// The order is read from a watch (`kubectl get -w`), whose events come in resourceVersion order.
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KUBECTL } from '../harness.js';
import { applyYaml, eventually, instanceId, kubectlOk, needsPrograms, needsRealPods, podField, RealCluster, startRealCluster, waitReady } from './harness.js';

const WEB = (replicas: number) => `
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels: { app: nginx }
spec:
  clusterIP: None
  selector: { app: nginx }
  ports: [{ port: 80, name: web }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: ${replicas}
  selector:
    matchLabels: { app: nginx }
  template:
    metadata:
      labels: { app: nginx }
    spec:
      containers:
      - name: nginx
        image: registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0
        ports: [{ containerPort: 80, name: web }]
        readinessProbe:
          tcpSocket: { port: 80 }
          periodSeconds: 1
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
`;

let c: RealCluster | undefined;
let watcher: ChildProcess | undefined;
after(async () => {
  watcher?.kill();
  await c?.stop();
  c?.cleanup();
});

/** Lines of `kubectl get pods -w` (type, name, ready, deleting) in the order the watch delivered them. */
function watchPods(cluster: RealCluster): { lines: string[]; since: (mark: number) => string[] } {
  const lines: string[] = [];
  watcher = spawn(KUBECTL, ['get', 'pods', '-l', 'app=nginx', '-w', '--output-watch-events', '-o',
    'jsonpath={.type} {.object.metadata.name} {.object.status.containerStatuses[0].ready} {.object.metadata.deletionTimestamp}{"\\n"}'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cluster.home, KUBECONFIG: cluster.kubeconfig },
  });
  let rest = '';
  watcher.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts.map((l) => l.trim()).filter(Boolean));
  });
  return { lines, since: (mark) => lines.slice(mark) };
}

/** The ordinals in the order each first matched `pick` among the watch lines. */
function firstOrder(lines: string[], pick: (fields: string[]) => boolean): string[] {
  const seen: string[] = [];
  for (const l of lines) {
    const f = l.split(' ');
    if (pick(f) && !seen.includes(f[1]!)) seen.push(f[1]!);
  }
  return seen;
}

const page = (ip: string) => execFileSync('curl', ['-s', '--max-time', '5', `http://${ip}/`], { encoding: 'utf8' }).trim();

/** nginx master processes of this Berth instance (each pod runs one). */
function nginxMasters(cluster: RealCluster): number {
  const id = instanceId(cluster);
  let pids: string[] = [];
  try {
    pids = execFileSync('pgrep', ['-f', 'nginx: master'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch { /* none */ }
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`/berth-${id}/`);
    } catch {
      return false;
    }
  }).length;
}

test('seed 000 web: nginx serves each claim over the pod IP; 2→5→2 in ordinal order; rolling update in reverse; Ctrl-C and back', { timeout: 480_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'nginx', 'curl')) return;
  c = await startRealCluster();
  const w = watchPods(c);
  await applyYaml(c, WEB(2));
  for (const n of [0, 1]) await waitReady(c, 'default', `web-${n}`, 90_000);
  // Each pod writes its name into its own claim; nginx serves it on the pod IP.
  for (const n of [0, 1]) {
    await kubectlOk(c, ['exec', `web-${n}`, '--', 'sh', '-c', 'hostname > /usr/share/nginx/html/index.html']);
    assert.equal(page(await podField(c, 'default', `web-${n}`, '{.status.podIP}')), `web-${n}`);
  }
  const pv0 = (await kubectlOk(c, ['get', 'pvc', 'www-web-0', '-o', 'jsonpath={.spec.volumeName}'])).trim();
  assert.equal(readFileSync(join(c.dataDir, 'volumes', `default-www-web-0-${pv0}`, 'index.html'), 'utf8').trim(), 'web-0');
  assert.equal(nginxMasters(c), 2);

  // 2 → 5: one at a time, each new pod Ready before the next one's process starts.
  let mark = w.lines.length;
  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas', '5']);
  for (const n of [2, 3, 4]) await waitReady(c, 'default', `web-${n}`, 90_000);
  assert.deepEqual(firstOrder(w.since(mark), (f) => f[0] === 'ADDED'), ['web-2', 'web-3', 'web-4']);
  const events = w.since(mark);
  for (const [prev, next] of [['web-2', 'web-3'], ['web-3', 'web-4']]) {
    const ready = events.findIndex((l) => /^(MODIFIED|ADDED) (\S+) true/.exec(l)?.[2] === prev);
    const added = events.findIndex((l) => l.split(' ')[0] === 'ADDED' && l.split(' ')[1] === next);
    assert.ok(ready >= 0 && ready < added, `${next} is created only after ${prev} is Ready:\n${events.join('\n')}`);
  }
  assert.equal(nginxMasters(c), 5);
  for (const n of [2, 3, 4]) assert.equal((await kubectlOk(c, ['exec', `web-${n}`, '--', 'hostname'])).trim(), `web-${n}`);

  // 5 → 2: the highest ordinal first; their processes stop, their claims stay.
  mark = w.lines.length;
  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas', '2']);
  await eventually(async () => (await kubectlOk(c!, ['get', 'pods', '-l', 'app=nginx', '-o', 'name'])).trim().split('\n').length === 2, 90_000, 250);
  assert.deepEqual(firstOrder(w.since(mark), (f) => f[0] === 'DELETED'), ['web-4', 'web-3', 'web-2']);
  await eventually(() => nginxMasters(c!) === 2, 20_000, 200);
  assert.equal((await kubectlOk(c, ['get', 'pvc', '-o', 'name'])).trim().split('\n').length, 5);

  // A rolling update replaces the processes from the highest ordinal down; the pages stay on the claims.
  mark = w.lines.length;
  await kubectlOk(c, ['patch', 'sts', 'web', '--type', 'merge', '-p', '{"spec":{"template":{"metadata":{"annotations":{"rev":"2"}}}}}']);
  await kubectlOk(c, ['rollout', 'status', 'sts/web', '--timeout', '180s'], { timeoutMs: 200_000 });
  assert.deepEqual(firstOrder(w.since(mark), (f) => f[0] === 'DELETED'), ['web-1', 'web-0']);
  for (const n of [0, 1]) assert.equal(page(await waitReady(c, 'default', `web-${n}`)), `web-${n}`);

  // Ctrl-C: the processes stop; the next `berth up` starts them again (a node reboot: restart counted, data kept).
  watcher?.kill();
  const { dataDir, clusterCidr, serviceCidr } = c;
  await c.stop();
  assert.equal(nginxMasters(c), 0);
  c = await startRealCluster({ dataDir, ranges: { clusterCidr, serviceCidr } });
  for (const n of [0, 1]) {
    assert.equal(page(await waitReady(c, 'default', `web-${n}`, 90_000)), `web-${n}`);
    assert.ok(Number(await podField(c, 'default', `web-${n}`, '{.status.containerStatuses[0].restartCount}')) >= 1, 'the restart is counted');
  }
  assert.equal(nginxMasters(c), 2);
});
