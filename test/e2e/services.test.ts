// Services end to end with the real kubectl: ClusterIP/NodePort allocation and its errors, the `kubernetes`
// Service, Endpoints and EndpointSlices (columns and contents), release on delete and state across a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from './harness.js';

const ENDPOINTS_WARNING = 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice';

describe('services, endpoints and endpoint slices', { timeout: 120_000 }, () => {
  let c: Cluster;
  before(async () => { c = await startCluster(); });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('the kubernetes Service is 10.96.0.1:443 with endpoints at this API server', async () => {
    const port = new URL(c.url).port;
    const svc = await kubectlOk(c, ['get', 'svc', 'kubernetes']);
    assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    assert.match(svc, /kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/);
    const ep = await kubectl(c, ['get', 'ep', 'kubernetes']);
    assert.equal(ep.code, 0);
    assert.match(ep.stdout, new RegExp(`kubernetes\\s+127\\.0\\.0\\.1:${port}\\s+`));
    assert.ok(ep.stderr.includes(ENDPOINTS_WARNING), ep.stderr);
    const slice = await kubectlOk(c, ['get', 'endpointslices', 'kubernetes']);
    assert.match(slice, /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\n/);
    assert.match(slice, new RegExp(`kubernetes\\s+IPv4\\s+${port}\\s+127\\.0\\.0\\.1\\s+`));
  });

  it('requested ClusterIPs and NodePorts are checked with upstream errors', async () => {
    const taken = await kubectl(c, ['create', 'service', 'clusterip', 'dup', '--tcp=80', '--clusterip=10.96.0.1']);
    assert.match(taken.stderr, /Service "dup" is invalid: spec\.clusterIPs: Invalid value: \["10\.96\.0\.1"\]: failed to allocate IP 10\.96\.0\.1: provided IP is already allocated/);
    const outside = await kubectl(c, ['create', 'service', 'clusterip', 'far', '--tcp=80', '--clusterip=192.168.0.1']);
    assert.match(outside.stderr, /provided IP is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/);
    await kubectlOk(c, ['create', 'service', 'nodeport', 'np1', '--tcp=80', '--node-port=30080']);
    const np = await kubectl(c, ['create', 'service', 'nodeport', 'np2', '--tcp=80', '--node-port=30080']);
    assert.match(np.stderr, /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/);
    const low = await kubectl(c, ['create', 'service', 'nodeport', 'np3', '--tcp=80', '--node-port=8080']);
    assert.match(low.stderr, /provided port is not in the valid range\. The range of valid ports is 30000-32767/);
    const auto = await kubectlOk(c, ['create', 'service', 'nodeport', 'np4', '--tcp=80', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}']);
    const [ip, nodePort] = auto.split(' ');
    assert.match(ip, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    assert.ok(Number(nodePort) >= 30000 && Number(nodePort) <= 32767);
    const headless = await kubectlOk(c, ['create', 'service', 'clusterip', 'hl', '--clusterip=None', '-o', 'jsonpath={.spec.clusterIPs}']);
    assert.equal(headless, '["None"]');
  });

  it('delete releases the IP; a restart rebuilds what is taken from storage', async () => {
    await kubectlOk(c, ['create', 'service', 'clusterip', 'fixed', '--tcp=80', '--clusterip=10.96.42.42']);
    await kubectlOk(c, ['delete', 'svc', 'fixed']);
    await kubectlOk(c, ['create', 'service', 'clusterip', 'fixed2', '--tcp=80', '--clusterip=10.96.42.42']);
    await c.stop();
    c = await startCluster({ dataDir: c.dataDir });
    const again = await kubectl(c, ['create', 'service', 'clusterip', 'fixed3', '--tcp=80', '--clusterip=10.96.42.42']);
    assert.match(again.stderr, /provided IP is already allocated/);
    const np = await kubectl(c, ['create', 'service', 'nodeport', 'np5', '--tcp=80', '--node-port=30080']);
    assert.match(np.stderr, /provided port is already allocated/);
    // and the kubernetes endpoints follow the new API server port
    const port = new URL(c.url).port;
    await eventually(async () => (await kubectlOk(c, ['get', 'endpointslices', 'kubernetes', '-o', 'jsonpath={.ports[0].port}'])).trim() === port);
  });

  it('pods driven through /status show up in slices and Endpoints with ready/serving/terminating, hostname and targetRef', async () => {
    // no scheduler involvement: a pod pinned to a node that does not exist stays ours to drive through /status
    await kubectlOk(c, ['apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: sql, port: 5432, targetPort: sql}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, labels: {app: db}}
spec:
  hostname: db-0
  subdomain: db
  nodeName: ghost-node
  containers: [{name: db, image: postgres, ports: [{name: sql, containerPort: 15432}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-1, labels: {app: db}}
spec:
  nodeName: ghost-node
  containers: [{name: db, image: postgres, ports: [{name: sql, containerPort: 15432}]}]
`,
    });
    const setStatus = (name: string, ip: string, ready: boolean) => kubectlOk(c, ['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({
      status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    })]);
    await setStatus('db-0', '10.244.50.10', true);
    await setStatus('db-1', '10.244.50.11', false);
    const slice = await eventually(async () => {
      const list = JSON.parse(await kubectlOk(c, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=db', '-o', 'json']));
      const s = list.items[0];
      return s?.endpoints?.length === 2 ? s : undefined;
    });
    assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice.metadata.labels['service.kubernetes.io/headless'], '');
    assert.equal(slice.metadata.ownerReferences[0].kind, 'Service');
    assert.deepEqual(slice.ports, [{ name: 'sql', port: 15432, protocol: 'TCP' }]);
    const byIP = Object.fromEntries(slice.endpoints.map((e: { addresses: string[] }) => [e.addresses[0], e]));
    assert.deepEqual(byIP['10.244.50.10'].conditions, { ready: true, serving: true, terminating: false });
    assert.equal(byIP['10.244.50.10'].hostname, 'db-0');
    assert.equal(byIP['10.244.50.10'].targetRef.name, 'db-0');
    assert.equal(byIP['10.244.50.10'].nodeName, 'ghost-node');
    assert.deepEqual(byIP['10.244.50.11'].conditions, { ready: false, serving: false, terminating: false });
    assert.equal(byIP['10.244.50.11'].hostname, undefined);

    const ep = JSON.parse(await kubectlOk(c, ['get', 'ep', 'db', '-o', 'json']));
    assert.deepEqual(ep.subsets[0].addresses.map((a: { ip: string; hostname?: string }) => [a.ip, a.hostname]), [['10.244.50.10', 'db-0']]);
    assert.deepEqual(ep.subsets[0].notReadyAddresses.map((a: { ip: string }) => a.ip), ['10.244.50.11']);
    const table = await kubectlOk(c, ['get', 'ep', 'db']);
    assert.match(table, /db\s+10\.244\.50\.10:15432\s+/);

    // a terminal pod leaves both
    await kubectlOk(c, ['patch', 'pod', 'db-1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Failed"}}']);
    await eventually(async () => (await kubectlOk(c, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=db', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}'])).trim() === '10.244.50.10');
    await eventually(async () => !(await kubectlOk(c, ['get', 'ep', 'db', '-o', 'json'])).includes('10.244.50.11'));

    // deleting the service takes its slices and Endpoints with it
    await kubectlOk(c, ['delete', 'svc', 'db']);
    await eventually(async () => (await kubectlOk(c, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=db', '-o', 'name'])).trim() === '');
    await eventually(async () => (await kubectl(c, ['get', 'ep', 'db'])).code !== 0);
  });
});
