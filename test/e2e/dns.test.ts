// Cluster DNS end to end: a real `berth up`, kubectl, and dig (dnsutils) against the announced DNS port.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { Cluster, eventually, kubectlOk, startCluster } from './harness.js';

const DIG = '/usr/bin/dig';

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function dig(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(DIG, ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=2', ...args], { timeout: 10000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
const short = async (port: number, args: string[]) => (await dig(port, [...args, '+short'])).split('\n').map((l) => l.trim()).filter(Boolean).sort();

const MANIFEST = `
apiVersion: v1
kind: Service
metadata: {name: nginx, labels: {app: nginx}}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{name: web, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports: [{containerPort: 80, name: web}]
---
apiVersion: v1
kind: Service
metadata: {name: front}
spec:
  selector: {app: nginx}
  ports: [{name: http, port: 8080, targetPort: web}]
`;

describe('cluster DNS with dig', { timeout: 120_000 }, () => {
  let c: Cluster;
  let port: number;
  const podIP = async (name: string) => (await kubectlOk(c, ['get', 'pod', name, '-o', 'jsonpath={.status.podIP}'])).trim();

  before(async () => {
    port = await freeUdpPort();
    c = await startCluster({ args: ['--dns-port', String(port)] });
    await kubectlOk(c, ['apply', '-f', '-'], { input: MANIFEST });
    await eventually(async () => (await kubectlOk(c, ['get', 'statefulset', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).trim() === '3', 60_000, 250);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('web-1.nginx.default.svc.cluster.local is web-1\'s IP', async () => {
    const ip = await podIP('web-1');
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    await eventually(async () => (await short(port, ['web-1.nginx.default.svc.cluster.local'])).join() === ip, 5000);
  });

  it('the headless service returns every ready pod IP; SRV lists the hostnames', async () => {
    const ips = (await Promise.all(['web-0', 'web-1', 'web-2'].map(podIP))).sort();
    await eventually(async () => (await short(port, ['nginx.default.svc.cluster.local'])).join() === ips.join(), 5000);
    const srv = await short(port, ['_web._tcp.nginx.default.svc.cluster.local', 'SRV']);
    assert.deepEqual(srv.map((l) => l.split(' ').slice(2).join(' ')), [
      '80 web-0.nginx.default.svc.cluster.local.', '80 web-1.nginx.default.svc.cluster.local.', '80 web-2.nginx.default.svc.cluster.local.',
    ]);
  });

  it('the ClusterIP service resolves to its ClusterIP, its SRV to the service name; PTR goes back', async () => {
    const clusterIP = (await kubectlOk(c, ['get', 'svc', 'front', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.deepEqual(await short(port, ['front.default.svc.cluster.local']), [clusterIP]);
    assert.deepEqual(await short(port, ['_http._tcp.front.default.svc.cluster.local', 'SRV']), ['0 100 8080 front.default.svc.cluster.local.']);
    assert.deepEqual(await short(port, ['-x', clusterIP]), ['front.default.svc.cluster.local.']);
    assert.deepEqual(await short(port, ['kubernetes.default.svc.cluster.local']), ['10.96.0.1']);
  });

  it('a pod that is not ready is not in DNS (but is a notReadyAddress); a removed pod disappears', async () => {
    await kubectlOk(c, ['run', 'lazy', '--image=nginx', '--labels=app=nginx', '--annotations=sim.berth.dev/ready=false']);
    const lazyIP = await eventually(async () => (await podIP('lazy')) || undefined, 20_000, 200);
    await eventually(async () => (await kubectlOk(c, ['get', 'ep', 'nginx', '-o', 'jsonpath={.subsets[*].notReadyAddresses[*].ip}'])).includes(lazyIP), 10_000);
    assert.ok(!(await short(port, ['nginx.default.svc.cluster.local'])).includes(lazyIP));

    const web2 = await podIP('web-2');
    await kubectlOk(c, ['scale', 'statefulset', 'web', '--replicas=2']);
    // Once the EndpointSlice no longer lists web-2 as ready, DNS must follow within 1 s.
    const readyInSlices = async () => (await kubectlOk(c, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=nginx',
      '-o', 'jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]} {end}'])).split(' ');
    await eventually(async () => !(await readyInSlices()).includes(web2), 20_000, 25);
    const changed = Date.now();
    await eventually(async () => !(await short(port, ['nginx.default.svc.cluster.local'])).includes(web2), 1000, 20);
    assert.ok(Date.now() - changed <= 1000);
    const nx = await dig(port, ['web-2.nginx.default.svc.cluster.local']);
    assert.match(nx, /status: NXDOMAIN/);
    assert.match(nx, /cluster\.local\.\s+\d+\s+IN\s+SOA/);
  });

  it('AAAA for an existing name is NOERROR with no answer; TCP works too', async () => {
    const out = await dig(port, ['nginx.default.svc.cluster.local', 'AAAA']);
    assert.match(out, /status: NOERROR/);
    assert.match(out, /ANSWER: 0/);
    assert.deepEqual(await short(port, ['+tcp', 'kubernetes.default.svc.cluster.local']), ['10.96.0.1']);
  });
});
