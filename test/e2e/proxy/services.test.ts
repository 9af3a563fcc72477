// Services for real pods through the nftables service proxy, driven as users drive them: Services and pods applied
// with the real kubectl, clients inside pods reaching Services by DNS name, the host reaching NodePorts, load
// balancers and ClusterIPs. One cluster (with ranges of its own) for the whole file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { applyYaml, eventually, instanceId, kubectlOk, needsPrograms, needsRealPods, podField, RealCluster, realPodsUnavailable, startRealCluster, waitReady } from '../process/harness.js';
import { backendPod, PodShell, requests, setPodCondition, tally, udpEchoPod } from './support.js';

const GATE = 'berth.dev/serving';
let c: RealCluster | undefined;
let client: PodShell | undefined;
const ips: Record<string, string> = {};

before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  for (let i = 0; i < 3; i++) await applyYaml(c, backendPod(`web-${i}`, { app: 'web', idx: String(i) }));
  await applyYaml(c, backendPod('web-3', { app: 'web', idx: '3' }, { readinessGate: GATE }));
  await applyYaml(c, `
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`);
  client = await PodShell.start(c, 'client');
  for (let i = 0; i < 3; i++) ips[`web-${i}`] = await waitReady(c, 'default', `web-${i}`, 90_000);
  await eventually(async () => (await podField(c!, 'default', 'web-3', '{.status.podIP}')) !== '', 60_000, 200);
  ips['web-3'] = await podField(c, 'default', 'web-3', '{.status.podIP}');
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

const host = (url: string) => execFileSync('curl', ['-sS', '--max-time', '5', url], { encoding: 'utf8' }).trim();

/**
 * Runs a request loop in the client for `seconds`, printing `<ms since epoch> <answer>` per request, while `change`
 * runs; returns the lines and when the change's write had returned.
 */
async function during(url: string, seconds: number, change: () => Promise<void>): Promise<{ lines: { at: number; who: string }[]; changedAt: number }> {
  // The loop runs until `seconds` after the change (a stop file in the client pod), however long the change itself
  // took (kubectl under load); a cap of its own bounds it if the test dies first.
  const stop = `/tmp/during-${Date.now()}`;
  const loop = client!.ok(`end=$(( $(date +%s) + ${seconds + 60} )); while [ ! -e ${stop} ] && [ $(date +%s) -lt $end ]; do echo "$(date +%s%3N) $(curl -s --max-time 1 ${url} || echo FAILED)"; done`, (seconds + 80) * 1000);
  await new Promise((r) => setTimeout(r, 1500));
  await change();
  const changedAt = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await client!.ok(`touch ${stop}`);
  const out = await loop;
  const lines = out.trim().split('\n').map((l) => ({ at: Number(l.split(' ')[0]), who: l.split(' ')[1] ?? '' }));
  return { lines, changedAt };
}

test('pod → ClusterIP by DNS name: spread over the ready backends only, each seeing the client pod\'s IP', { timeout: 180_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const answers = await requests(client!, 'http://web/', 60);
  const byBackend = tally(answers);
  assert.deepEqual(Object.keys(byBackend).sort(), ['web-0', 'web-1', 'web-2'], `answers: ${JSON.stringify(byBackend)}`);
  for (const n of Object.values(byBackend)) assert.ok(n >= 5, `random load balancing: ${JSON.stringify(byBackend)}`);
  assert.ok(answers.every((a) => a.split(' ')[1] === client!.ip), `the backends see the client's IP ${client!.ip}: ${answers.slice(0, 3)}`);
  // the fully qualified name and the port, as pod-test's users type them
  assert.match(await client!.ok('curl -sS --max-time 5 http://web.default.svc.cluster.local:80/'), /^web-[012] /);
  const slice = await kubectlOk(c!, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={range .items[*].endpoints[*]}{.addresses[0]}={.conditions.ready} {end}']);
  assert.match(slice, new RegExp(`${ips['web-3'].replace(/\./g, '\\.')}=false`), 'kubectl get endpointslices agrees: web-3 is there, not ready');
});

test('publishNotReadyAddresses: the unready backend gets traffic through a Service that publishes it', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: early}
spec:
  selector: {idx: "3"}
  publishNotReadyAddresses: true
  ports: [{name: http, port: 80, targetPort: 8080}]
`);
  const answer = await eventually(async () => { const r = await client!.run('curl -sS --max-time 2 http://early/'); return r.code === 0 ? r.out.trim() : undefined; }, 15_000, 200);
  assert.match(answer, /^web-3 /);
});

test('a backend turning ready gets connections within 1 s, and stops getting them within 1 s of turning unready', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  // a Service of its own while it turns ready (its first answer does not depend on the random pick), then the
  // shared one while it turns unready
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: only3}
spec:
  selector: {idx: "3"}
  ports: [{name: http, port: 80, targetPort: http}]
`);
  try {
    const up = await during('http://only3/', 5, () => setPodCondition(c!, 'web-3', GATE, 'True'));
    const firstNew = up.lines.find((l) => l.who === 'web-3');
    assert.ok(firstNew, 'web-3 answered once ready');
    t.diagnostic(`first answer from web-3 ${firstNew.at - up.changedAt} ms after kubectl returned`);
    assert.ok(firstNew.at - up.changedAt < 1000, `first answer from web-3 ${firstNew.at - up.changedAt} ms after the change`);
    assert.ok(up.lines.filter((l) => l.at < up.changedAt - 1000).every((l) => l.who !== 'web-3'), 'not before it was ready');
  } catch (e) {
    // web-3 is unready for the tests after this one, whatever happened here
    await setPodCondition(c!, 'web-3', GATE, 'False');
    throw e;
  }

  const down = await during('http://web/', 6, () => setPodCondition(c!, 'web-3', GATE, 'False'));
  const lastOld = down.lines.filter((l) => l.who === 'web-3').at(-1);
  t.diagnostic(`last answer from web-3 ${lastOld ? lastOld.at - down.changedAt : '-'} ms after kubectl returned`);
  assert.ok(!lastOld || lastOld.at - down.changedAt < 1000, `last answer from web-3 ${lastOld ? lastOld.at - down.changedAt : '-'} ms after it turned unready`);
  assert.ok(down.lines.every((l) => l.who !== 'FAILED'), 'no request failed meanwhile');
});

test('a Service change (a new selector) is visible in the data plane within 1 s', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: switch}
spec:
  selector: {idx: "0"}
  ports: [{name: http, port: 80, targetPort: 8080}]
`);
  await eventually(async () => (await client!.run('curl -s --max-time 1 http://switch/')).out.startsWith('web-0'), 15_000, 100);
  const r = await during('http://switch/', 5, async () => { await kubectlOk(c!, ['patch', 'service', 'switch', '-p', '{"spec":{"selector":{"idx":"1"}}}']); });
  const lastOld = r.lines.filter((l) => l.who === 'web-0').at(-1)!;
  const firstNew = r.lines.find((l) => l.who === 'web-1');
  assert.ok(firstNew, 'web-1 answers after the change');
  t.diagnostic(`first answer from web-1 ${firstNew.at - r.changedAt} ms, last from web-0 ${lastOld.at - r.changedAt} ms after kubectl returned`);
  assert.ok(firstNew.at - r.changedAt < 1000 && lastOld.at - r.changedAt < 1000, `switched ${firstNew.at - r.changedAt} ms after kubectl returned`);
  assert.ok(r.lines.filter((l) => l.at > r.changedAt + 1000).every((l) => l.who === 'web-1'));
});

test('sessionAffinity ClientIP: one client keeps its backend; the affinity entry carries the Service\'s timeout', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 120}}
  ports: [{name: http, port: 80, targetPort: 8080}]
`);
  await eventually(async () => (await client!.run('curl -s --max-time 1 http://sticky/')).code === 0, 15_000, 100);
  const answers = await requests(client!, 'http://sticky/', 30);
  assert.equal(Object.keys(tally(answers)).length, 1, `one backend: ${JSON.stringify(tally(answers))}`);
  // kube-proxy's layout: one timed set per endpoint; the client's address sits in its backend's set
  const table = execFileSync('nft', ['list', 'table', 'inet', `berth-${instanceId(c!)}`], { encoding: 'utf8' });
  const entry = new RegExp(`set aff120-[^\\n]*default/sticky/tcp/http__[^\\n]*\\{[^}]*timeout 2m[^}]*elements = \\{ ${client!.ip.replace(/\./g, '\\.')} expires (\\d+)m?`);
  assert.match(table, entry);
});

test('NodePort from the host (127.0.0.1 and the node addresses), LoadBalancer with an EXTERNAL-IP that answers, ClusterIP from the host', { timeout: 90_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: 8088, targetPort: 8080}]
`);
  const nodePort = (await kubectlOk(c!, ['get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim();
  const nodeIPs = (await kubectlOk(c!, ['get', 'nodes', '-o', 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}'])).trim().split(' ');
  assert.equal(nodeIPs.length, 3);
  for (const addr of ['127.0.0.1', ...nodeIPs]) {
    assert.match(await eventually(() => { try { return host(`http://${addr}:${nodePort}/`); } catch { return undefined; } }, 15_000, 100), /^web-[012] /, `NodePort on ${addr}`);
  }
  const external = await eventually(async () => (await kubectlOk(c!, ['get', 'svc', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[*].ip}'])).trim() || undefined, 15_000, 200);
  assert.deepEqual(external.split(' ').sort(), [...nodeIPs].sort(), 'the node addresses, as k3s ServiceLB publishes them');
  const shown = await kubectlOk(c!, ['get', 'svc', 'web-lb']);
  assert.match(shown, new RegExp(`web-lb\\s+LoadBalancer\\s+\\S+\\s+${nodeIPs.join(',').replace(/\./g, '\\.')}\\s+8088:\\d+/TCP`));
  // a second load balancer wanting the same port waits, with upstream's event, until the first lets go
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: web-lb2}
spec:
  type: LoadBalancer
  selector: {idx: "1"}
  ports: [{name: http, port: 8088, targetPort: 8080}]
`);
  await eventually(async () => (await kubectlOk(c!, ['get', 'events', '--field-selector', 'involvedObject.name=web-lb2', '-o', 'jsonpath={.items[*].message}'])).includes('port TCP/8088 of the node addresses is already used by Service default/web-lb'), 15_000, 200);
  assert.match(await kubectlOk(c!, ['get', 'svc', 'web-lb2']), /<pending>/);
  const vip = external.split(' ')[0];
  assert.match(await eventually(() => { try { return host(`http://${vip}:8088/`); } catch { return undefined; } }, 15_000, 100), /^web-[012] /);
  assert.match(await client!.ok(`curl -sS --max-time 5 http://${vip}:8088/`), /^web-[012] /, 'pods reach the load balancer too');
  await kubectlOk(c!, ['delete', 'svc', 'web-lb']);
  await eventually(async () => (await kubectlOk(c!, ['get', 'svc', 'web-lb2', '-o', 'jsonpath={.status.loadBalancer.ingress[*].ip}'])).trim() === external, 15_000, 200);
  assert.match(await eventually(() => { try { return host(`http://${vip}:8088/`).startsWith('web-1') ? 'web-1' : undefined; } catch { return undefined; } }, 15_000, 100), /web-1/);
  const clusterIP = (await kubectlOk(c!, ['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  assert.match(host(`http://${clusterIP}/`), /^web-[012] /);
  // an address of the Service range with no Service behind it fails at once
  const t0 = Date.now();
  assert.throws(() => execFileSync('curl', ['-sS', '--max-time', '5', `http://${clusterIP.replace(/\.\d+$/, '.250')}:81/`], { stdio: 'pipe' }));
  assert.ok(Date.now() - t0 < 2000, 'rejected, not left to time out');
});

test('ExternalName: a pod reaches the Service its CNAME names', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: alias}
spec:
  type: ExternalName
  externalName: web.default.svc.cluster.local
`);
  assert.match(await client!.ok('curl -sS --max-time 5 http://alias/'), /^web-[012] /);
  assert.match(await client!.ok('getent hosts alias.default.svc.cluster.local'), /^10\./);
});

test('hairpin: a pod reaches itself through its own Service', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await client!.ok("nohup python3 -m http.server 8080 --bind 0.0.0.0 >/dev/null 2>&1 & for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:8080/ && exit 0; sleep 0.1; done; exit 1");
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: self}
spec:
  selector: {role: client}
  ports: [{name: http, port: 80, targetPort: 8080}]
`);
  const out = await eventually(async () => { const r = await client!.run('curl -sS --max-time 2 -o /dev/null -w "%{http_code}" http://self/'); return r.code === 0 ? r.out : undefined; }, 15_000, 200);
  assert.equal(out, '200');
  for (let i = 0; i < 5; i++) assert.equal(await client!.ok('curl -sS --max-time 2 -o /dev/null -w "%{http_code}" http://self/'), '200');
});

test('UDP Services, headless Services, and a selector-less Service with a manual EndpointSlice', { timeout: 90_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'socat')) return;
  await applyYaml(c!, udpEchoPod('udp-0', { app: 'udp' }));
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: udp}
  ports: [{name: echo, port: 53, protocol: UDP, targetPort: 5353}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: manual-1
  labels: {kubernetes.io/service-name: manual}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: ["${ips['web-2']}"]
`);
  await waitReady(c!, 'default', 'udp-0', 60_000);
  const echo = await eventually(async () => (await client!.run('echo hi | socat -t2 - UDP4:echo:53')).out.trim() || undefined, 15_000, 200);
  assert.equal(echo, `udp-0 ${client!.ip}`);
  // A UDP flow (same source port) keeps its conntrack entry, and with it its endpoint: when the endpoint goes, the
  // proxy deletes the entry, so the flow's next datagram reaches the new endpoint instead of a gone one.
  await applyYaml(c!, udpEchoPod('udp-1', { app: 'udp2' }));
  await waitReady(c!, 'default', 'udp-1', 60_000);
  const flow = 'echo hi | socat -t2 - UDP4:echo:53,sourceport=40053';
  assert.equal((await client!.ok(flow)).trim(), `udp-0 ${client!.ip}`);
  await kubectlOk(c!, ['patch', 'service', 'echo', '-p', '{"spec":{"selector":{"app":"udp2"}}}']);
  assert.equal(await eventually(async () => { const out = (await client!.ok(flow)).trim(); return out.startsWith('udp-1') ? out : undefined; }, 10_000, 200), `udp-1 ${client!.ip}`);
  assert.match(await client!.ok('curl -sS --max-time 5 http://web-headless:8080/'), /^web-[0-2] /);
  assert.equal((await client!.ok('curl -sS --max-time 5 http://manual/')).split(' ')[0], 'web-2');
});

test('what the proxy cannot do is said in Warning events on the Service', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Service
metadata: {name: odd}
spec:
  ports: [{name: s, port: 9, protocol: SCTP}, {name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: odd-1
  labels: {kubernetes.io/service-name: odd}
addressType: IPv4
ports: [{name: http, port: 80, protocol: TCP}]
endpoints:
- addresses: ["192.0.2.77"]
`);
  const events = await eventually(async () => {
    const out = await kubectlOk(c!, ['get', 'events', '--field-selector', 'involvedObject.name=odd', '-o', 'jsonpath={range .items[*]}{.type} {.reason}: {.message}{"\\n"}{end}']);
    return out.includes('SCTPUnsupported') && out.includes('EndpointOutsidePodNetwork') ? out : undefined;
  }, 15_000, 200);
  assert.match(events, /Warning SCTPUnsupported: port "s" 9\/SCTP is not supported by Berth's service proxy/);
  assert.match(events, /Warning EndpointOutsidePodNetwork: endpoint 192\.0\.2\.77:80 is outside the pod network/);
  // and nothing is sent there: the port is rejected at once
  const r = await client!.run('curl -sS --max-time 5 http://odd/');
  assert.match(r.out, /Connection refused|Couldn't connect/);
});

test('in-pod kubectl with the in-cluster config and the pod\'s ServiceAccount token, and https://kubernetes.default.svc verified against the cluster CA', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  // As a real user would: the pod runs as its own ServiceAccount, which a RoleBinding lets read this namespace.
  await kubectlOk(c!, ['create', 'serviceaccount', 'pod-reader']);
  await kubectlOk(c!, ['create', 'rolebinding', 'pod-reader-view', '--clusterrole=view', '--serviceaccount=default:pod-reader']);
  const kubernetesIP = (await kubectlOk(c!, ['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  // kubectl is a host binary: a hostPath volume mounts it (the image catalog has no kubectl entry yet)
  const inPod = await PodShell.start(c!, 'kubectl-client', {
    labels: { role: 'kubectl' },
    serviceAccount: 'pod-reader',
    volumes: ['name: kubectl\n    hostPath: {path: /usr/lib/google-cloud-sdk/bin/kubectl.1.33, type: File}'],
    mounts: ['{name: kubectl, mountPath: /usr/local/bin/kubectl, readOnly: true}'],
  });
  try {
    // the kubelet's service links give every pod the API server's address
    assert.equal((await inPod.ok('echo "$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"')).trim(), `${kubernetesIP}:443`);
    // the kube-api-access volume: the account's token, the cluster CA, the namespace
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    assert.equal((await inPod.ok(`cat ${sa}/namespace`)).trim(), 'default');
    const version = await inPod.ok(`curl -sS --max-time 5 --cacert ${sa}/ca.crt -H "Authorization: Bearer $(cat ${sa}/token)" https://kubernetes.default.svc/version`);
    assert.match(version, /"gitVersion": ?"v1\.33/);
    for (const name of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc.cluster.local', kubernetesIP]) {
      assert.match(await inPod.ok(`curl -sS --max-time 5 --cacert ${sa}/ca.crt -o /dev/null -w '%{http_code}' https://${name}/readyz`), /^200$/, `TLS verifies for ${name}`);
    }
    const pods = await inPod.ok('HOME=/tmp kubectl get pods -o name');
    assert.match(pods, /pod\/kubectl-client/);
    assert.match(pods, /pod\/web-0/);
    assert.equal(await inPod.ok('HOME=/tmp kubectl auth whoami -o jsonpath={.status.userInfo.username}'), 'system:serviceaccount:default:pod-reader');
    // view reads; it does not write
    const denied = await inPod.run('HOME=/tmp kubectl delete pod web-0');
    assert.notEqual(denied.code, 0);
    assert.match(denied.out, /pods "web-0" is forbidden: User "system:serviceaccount:default:pod-reader" cannot delete resource "pods" in API group "" in the namespace "default"/);
  } finally {
    await kubectlOk(c!, ['delete', 'pod', 'kubectl-client', '--wait=false']);
  }
});

test('a table removed or flushed by hand is rewritten', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const table = `berth-${instanceId(c!)}`;
  execFileSync('nft', ['delete', 'table', 'inet', table]);
  await eventually(() => { try { return execFileSync('nft', ['list', 'chain', 'inet', table, 'services'], { stdio: 'pipe' }).length > 0; } catch { return false; } }, 10_000, 50);
  assert.match(await client!.ok('curl -sS --max-time 5 http://web/'), /^web-[0-3] /);
  execFileSync('nft', ['flush', 'map', 'inet', table, 'service-ips']);
  await eventually(async () => (await client!.run('curl -sS --max-time 1 http://web/')).code === 0, 10_000, 50);
  assert.match(execFileSync('nft', ['list', 'map', 'inet', table, 'service-ips'], { encoding: 'utf8' }), /\. tcp \. 80 : goto svc-/);
});
