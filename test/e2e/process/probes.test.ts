// Probes on real processes: a readiness probe that fails keeps the pod out of the EndpointSlice and out of DNS;
// a liveness probe that fails restarts the container with the kubelet's events and back-off.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { applyYaml, createNamespace, eventually, kubectlOk, needsPrograms, needsRealPods, podField, RealCluster, realPodsUnavailable, startRealCluster, waitReady } from './harness.js';

let c: RealCluster | undefined;
const NS = 'probes';
before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  await createNamespace(c, NS);
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

const server = (name: string, readyPath: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: web }
spec:
  subdomain: web
  hostname: ${name}
  containers:
  - name: http
    image: python:3
    command: ["sh", "-c", "mkdir -p /srv && cd /srv && echo ok > healthy && exec python3 -m http.server 8080"]
    ports: [{ containerPort: 8080, name: http }]
    readinessProbe:
      httpGet: { path: ${readyPath}, port: http }
      periodSeconds: 1
`;

test('an httpGet readiness probe that fails keeps the pod unready, out of the EndpointSlice and out of DNS', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'python3', 'dig')) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  clusterIP: None
  selector: { app: web }
  ports: [{ port: 8080, name: http }]
`, NS);
  await applyYaml(c!, server('good', '/healthy'), NS);
  await applyYaml(c!, server('bad', '/missing'), NS);
  const goodIP = await waitReady(c!, NS, 'good');
  await eventually(async () => (await podField(c!, NS, 'bad', '{.status.phase}')) === 'Running', 30_000);
  const badIP = await podField(c!, NS, 'bad', '{.status.podIP}');
  // Give the failing probe a few periods: it must stay unready.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await podField(c!, NS, 'bad', '{.status.conditions[?(@.type=="Ready")].status}'), 'False');
  assert.equal(await podField(c!, NS, 'bad', '{.status.containerStatuses[0].ready}'), 'false');
  const events = await kubectlOk(c!, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=bad,reason=Unhealthy', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, /Readiness probe failed: HTTP probe failed with statuscode: 404/);
  const slices = await eventually(async () => {
    const out = await kubectlOk(c!, ['get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={range .items[*].endpoints[*]}{.addresses[0]} {.conditions.ready}{"\\n"}{end}']);
    return out.includes(`${goodIP} true`) ? out : undefined;
  }, 20_000);
  assert.ok(!slices.includes(`${badIP} true`), `the unready pod is not a ready endpoint:\n${slices}`);
  const dig = (name: string) => execFileSync('dig', ['+short', `@${c!.dnsIP}`, name], { encoding: 'utf8' }).trim();
  assert.equal(dig(`web.${NS}.svc.cluster.local`), goodIP);
  assert.equal(dig(`bad.web.${NS}.svc.cluster.local`), '');
});

test('a liveness probe that fails restarts the container, with the Killing event and back-off in status', { timeout: 180_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Pod
metadata: { name: flaky }
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "touch /tmp/alive; sleep 3; rm /tmp/alive; exec sleep 3600"]
    livenessProbe:
      exec: { command: ["test", "-e", "/tmp/alive"] }
      periodSeconds: 1
      failureThreshold: 1
`, NS);
  await eventually(async () => Number(await podField(c!, NS, 'flaky', '{.status.containerStatuses[0].restartCount}')) >= 1, 60_000, 250);
  const events = await kubectlOk(c!, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=flaky', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
  assert.match(events, /Unhealthy: Liveness probe failed/);
  assert.match(events, /Killing: Container app failed liveness probe, will be restarted/);
  const last = JSON.parse(await podField(c!, NS, 'flaky', '{.status.containerStatuses[0].lastState.terminated}'));
  assert.equal(last.exitCode, 137); // sleep as PID 1 ignores SIGTERM: killed after the grace period
  // The second failure waits in CrashLoopBackOff.
  await eventually(async () => (await podField(c!, NS, 'flaky', '{.status.containerStatuses[0].state.waiting.reason}')) === 'CrashLoopBackOff', 90_000, 250);
});
