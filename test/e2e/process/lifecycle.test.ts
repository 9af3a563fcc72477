// Container lifecycle on real processes, as the kubelet reports it: exit codes and reasons (Completed, Error,
// OOMKilled, StartError), CrashLoopBackOff, init containers in order, the termination message, the kubelet's
// /etc/hosts and hostname, busybox's nslookup applying the search list, the grace period for a PID 1 that ignores
// SIGTERM, and what a pod can see of the host.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyYaml, containerLog, createNamespace, eventually, kubectl, kubectlOk, needsPrograms, needsRealPods, podField, RealCluster, realPodsUnavailable, startRealCluster, waitReady, waitTerminated } from './harness.js';

let c: RealCluster | undefined;
const NS = 'life';
before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  await createNamespace(c, NS);
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

const pod = (name: string, spec: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${spec.replace(/^/gm, '  ')}
`;

test('exit codes and reasons: Completed 0 (Succeeded), Error 3 (Failed), StartError 128 for a missing program', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, pod('done', 'restartPolicy: Never\ncontainers:\n- name: c\n  image: busybox\n  command: ["true"]'), NS);
  await applyYaml(c!, pod('fail3', 'restartPolicy: Never\ncontainers:\n- name: c\n  image: busybox\n  command: ["sh", "-c", "exit 3"]'), NS);
  await applyYaml(c!, pod('nosuch', 'restartPolicy: Never\ncontainers:\n- name: c\n  image: busybox\n  command: ["nosuchprogram"]'), NS);
  const done = await waitTerminated(c!, NS, 'done');
  assert.deepEqual([done.exitCode, done.reason], [0, 'Completed']);
  await eventually(async () => (await podField(c!, NS, 'done', '{.status.phase}')) === 'Succeeded', 20_000);
  const fail = await waitTerminated(c!, NS, 'fail3');
  assert.deepEqual([fail.exitCode, fail.reason], [3, 'Error']);
  await eventually(async () => (await podField(c!, NS, 'fail3', '{.status.phase}')) === 'Failed', 20_000);
  const start = await waitTerminated(c!, NS, 'nosuch');
  assert.deepEqual([start.exitCode, start.reason], [128, 'StartError']);
  assert.match(start.message ?? '', /exec: "nosuchprogram": executable file not found in \$PATH/);
  const events = await kubectlOk(c!, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=nosuch,reason=Failed', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, /executable file not found/);
});

test('a crashing container restarts at once, then waits in CrashLoopBackOff with the kubelet\'s message', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, pod('crasher', 'containers:\n- name: c\n  image: busybox\n  command: ["sh", "-c", "echo crashing; exit 1"]'), NS);
  const uid = await eventually(() => podField(c!, NS, 'crasher', '{.metadata.uid}'));
  const waiting = await eventually(async () => {
    const w = await podField(c!, NS, 'crasher', '{.status.containerStatuses[0].state.waiting}');
    return w && JSON.parse(w).reason === 'CrashLoopBackOff' ? JSON.parse(w) : undefined;
  }, 60_000, 200);
  assert.match(waiting.message, new RegExp(`^back-off 10s restarting failed container=c pod=crasher_${NS}\\(${uid}\\)$`));
  assert.ok(Number(await podField(c!, NS, 'crasher', '{.status.containerStatuses[0].restartCount}')) >= 1);
  const last = JSON.parse(await podField(c!, NS, 'crasher', '{.status.containerStatuses[0].lastState.terminated}'));
  assert.deepEqual([last.exitCode, last.reason], [1, 'Error']);
  assert.equal(await containerLog(c!, NS, 'crasher', 'c', 0), 'crashing\n');
  const events = await kubectlOk(c!, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=crasher,reason=BackOff', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, /Back-off restarting failed container c in pod crasher/);
});

test('a memory limit below what the program needs: OOMKilled, exit code 137', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'python3')) return;
  await applyYaml(c!, pod('hog', 'restartPolicy: Never\ncontainers:\n- name: c\n  image: python:3\n  command: ["python3", "-c", "a = bytearray(256 * 1024 * 1024); print(len(a))"]\n  resources:\n    limits: { memory: 32Mi }'), NS);
  const term = await waitTerminated(c!, NS, 'hog');
  assert.deepEqual([term.exitCode, term.reason], [137, 'OOMKilled']);
});

test('init containers run one after another before the app; the termination message comes from /dev/termination-log', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, pod('inits', `restartPolicy: Never
volumes:
- name: work
  emptyDir: {}
initContainers:
- name: first
  image: busybox
  command: ["sh", "-c", "echo first >> /work/order"]
  volumeMounts: [{ name: work, mountPath: /work }]
- name: second
  image: busybox
  command: ["sh", "-c", "echo second >> /work/order"]
  volumeMounts: [{ name: work, mountPath: /work }]
containers:
- name: app
  image: busybox
  command: ["sh", "-c", "cat /work/order; echo 'all done' > /dev/termination-log; exit 2"]
  volumeMounts: [{ name: work, mountPath: /work }]`), NS);
  const term = await waitTerminated(c!, NS, 'inits');
  assert.deepEqual([term.exitCode, term.message], [2, 'all done\n']);
  assert.equal(await containerLog(c!, NS, 'inits', 'app'), 'first\nsecond\n');
  const inits = JSON.parse(await podField(c!, NS, 'inits', '{.status.initContainerStatuses}')) as { name: string; state: { terminated?: { reason: string } } }[];
  assert.deepEqual(inits.map((s) => [s.name, s.state.terminated?.reason]), [['first', 'Completed'], ['second', 'Completed']]);
});

test('the kubelet\'s /etc/hosts, hostname and resolv.conf inside a StatefulSet pod; the host and Berth\'s data dir are invisible', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: { name: nginx }
spec:
  clusterIP: None
  selector: { app: peek }
  ports: [{ port: 80 }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  serviceName: nginx
  replicas: 1
  selector: { matchLabels: { app: peek } }
  template:
    metadata: { labels: { app: peek } }
    spec:
      containers:
      - name: peek
        image: busybox
        command: ["sh", "-c", "hostname; hostname -i; cat /etc/hosts; cat /etc/resolv.conf; echo PROCS $(ls /proc | grep -c '^[0-9]'); ls ${c!.dataDir} >/dev/null 2>&1 && echo DATADIR-VISIBLE || echo DATADIR-HIDDEN; exec sleep 3600"]
`, NS);
  const ip = await waitReady(c!, NS, 'web-0');
  const out = await eventually(async () => { const l = await containerLog(c!, NS, 'web-0', 'peek'); return l.includes('DATADIR') ? l : undefined; }, 20_000);
  const lines = out.split('\n');
  assert.equal(lines[0], 'web-0');
  assert.equal(lines[1], ip);
  assert.ok(out.includes(`# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n`), out);
  assert.ok(out.includes(`${ip}\tweb-0.nginx.${NS}.svc.cluster.local\tweb-0\n`), out);
  assert.ok(out.includes(`search ${NS}.svc.cluster.local svc.cluster.local cluster.local`), out);
  assert.ok(out.includes('options ndots:5'), out);
  // Its own PID namespace: the shell, and the few it forked for the command line.
  const procs = Number(/PROCS (\d+)/.exec(out)?.[1]);
  assert.ok(procs > 0 && procs < 5, `a pod sees only its own processes (${procs})`);
  assert.ok(out.includes('DATADIR-HIDDEN'), 'Berth\'s data dir is not visible inside a pod');
});

test('busybox:1.28.0-glibc nslookup applies the search list: etcd-operator\'s DNS-wait init container finishes; 1.28\'s output and failure', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  // etcd-operator's member pods wait for their own DNS name this way (a dotted name under ndots:5).
  await applyYaml(c!, pod('dns-wait', `
initContainers:
- name: check-dns
  image: busybox:1.28.0-glibc
  command: ["/bin/sh", "-c", "while ( ! nslookup kubernetes.default.svc ); do sleep 1; done"]
containers:
- name: main
  image: busybox:1.28.0-glibc
  command: ["sleep", "3600"]
`), NS);
  await waitReady(c!, NS, 'dns-wait');
  const svcIP = (await kubectlOk(c!, ['get', 'svc', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  const dots = (ip: string) => ip.replace(/\./g, '\\.');
  const ok = await kubectl(c!, ['exec', 'dns-wait', '-n', NS, '--', 'nslookup', 'kubernetes.default']);
  assert.equal(ok.code, 0, ok.stderr);
  const lines = ok.stdout.split('\n');
  assert.equal(lines[0], `Server:    ${c!.dnsIP}`, ok.stdout);
  assert.match(lines[1], new RegExp(`^Address 1: ${dots(c!.dnsIP)}( kube-dns\\.kube-system\\.svc\\.cluster\\.local)?$`), ok.stdout);
  assert.equal(lines[2], '', ok.stdout);
  assert.equal(lines[3], 'Name:      kubernetes.default', ok.stdout);
  assert.match(lines[4], new RegExp(`^Address 1: ${dots(svcIP)}( kubernetes\\.default\\.svc\\.cluster\\.local)?$`), ok.stdout);
  const bad = await kubectl(c!, ['exec', 'dns-wait', '-n', NS, '--', 'nslookup', 'no-such-service.default']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.equal(bad.stdout.split('\n')[0], `Server:    ${c!.dnsIP}`);
  assert.match(bad.stderr, /^nslookup: can't resolve 'no-such-service\.default'$/m);
});

test('deleting a pod whose PID 1 ignores SIGTERM waits the grace period, then kills it', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, pod('stubborn', 'terminationGracePeriodSeconds: 3\ncontainers:\n- name: c\n  image: busybox\n  command: ["sleep", "3600"]'), NS);
  await waitReady(c!, NS, 'stubborn');
  const t0 = Date.now();
  await kubectlOk(c!, ['delete', 'pod', 'stubborn', '-n', NS, '--wait=true'], { timeoutMs: 60_000 });
  const took = Date.now() - t0;
  assert.ok(took >= 2500, `the grace period was honoured (${took} ms)`);
  assert.ok(took < 30_000, `SIGKILL followed the grace period (${took} ms)`);
});

test('a new image in a running pod\'s spec restarts the container in place whatever the restartPolicy: a Never pod stays Running', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  // etcd-operator upgrades its member pods (restartPolicy: Never) this way; a pod that showed its container stopped
  // would turn Failed for good (a terminal phase is final) and be replaced instead of upgraded.
  await applyYaml(c!, pod('reimage', 'restartPolicy: Never\nterminationGracePeriodSeconds: 2\ncontainers:\n- name: c\n  image: busybox:1.36\n  command: ["sleep", "3600"]'), NS);
  await waitReady(c!, NS, 'reimage');
  const uid = await podField(c!, NS, 'reimage', '{.metadata.uid}');
  await kubectlOk(c!, ['patch', 'pod', 'reimage', '-n', NS, '-p', '{"spec":{"containers":[{"name":"c","image":"busybox:1.37"}]}}']);
  await eventually(async () => (await podField(c!, NS, 'reimage', '{.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].ready}')) === '1/true', 60_000)
    .catch(async (e) => { throw new Error(`${e}: ${await kubectlOk(c!, ['get', 'pod', 'reimage', '-n', NS, '-o', 'jsonpath={.status}'])}`); });
  assert.equal(await podField(c!, NS, 'reimage', '{.status.phase}'), 'Running');
  assert.equal(await podField(c!, NS, 'reimage', '{.metadata.uid}'), uid);
  assert.match(await podField(c!, NS, 'reimage', '{.status.containerStatuses[0].image}'), /busybox:1\.37$/);
  assert.ok(await podField(c!, NS, 'reimage', '{.status.containerStatuses[0].lastState.terminated.finishedAt}'), 'the old container\'s run is lastState');
  const events = await kubectlOk(c!, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=reimage,reason=Killing', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, /Container c definition changed, will be restarted/);
});
