import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { Service, ServiceAllocator } from '../../../src/registry/core-service-alloc/index.js';
import { IntRange, ServiceIPRange } from '../../../src/registry/core-service-alloc/ranges.js';

const svc = (name: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ...spec } });

function invalidMessage(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e.message;
  }
  assert.fail('expected an error');
}

describe('service CIDR ranges', () => {
  it('10.96.0.0/12: first IP 10.96.0.1, 256 static addresses, network and broadcast excluded', () => {
    const r = new ServiceIPRange('10.96.0.0/12');
    assert.equal(r.firstIP(), '10.96.0.1');
    assert.equal(r.range.size, 2 ** 20 - 2);
    assert.equal(r.range.staticSize, 256);
    assert.equal(r.contains('10.96.0.0'), false);
    assert.equal(r.contains('10.111.255.255'), false);
    assert.equal(r.contains('10.111.255.254'), true);
    assert.equal(r.contains('10.112.0.1'), false);
  });

  it('dynamic picks come from the upper band until it is full, then the static band', () => {
    const r = new IntRange(0, 40, 16, 16, 256); // static band 16
    const used = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const v = r.pickFree((x) => used.has(x))!;
      assert.ok(v >= 16, `pick ${v} is in the dynamic band`);
      used.add(v);
    }
    const next = r.pickFree((x) => used.has(x))!;
    assert.ok(next < 16);
    used.add(next);
    for (let i = 0; i < 15; i++) used.add(r.pickFree((x) => used.has(x))!);
    assert.equal(r.pickFree((x) => used.has(x)), undefined);
  });
});

describe('ServiceAllocator', () => {
  it('allocates a ClusterIP and defaults the IP family fields', () => {
    const a = new ServiceAllocator();
    const s = svc('web', { ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } });
    a.allocateCreate(s, false);
    assert.match(s.spec!.clusterIP!, /^10\.(9[6-9]|10\d|11[01])\./);
    assert.deepEqual(s.spec!.clusterIPs, [s.spec!.clusterIP]);
    assert.deepEqual(s.spec!.ipFamilies, ['IPv4']);
    assert.equal(s.spec!.ipFamilyPolicy, 'SingleStack');
    assert.equal(a.isIPAllocated(s.spec!.clusterIP!), true);
  });

  it('rejects requested IPs that are taken or out of range with upstream messages', () => {
    const a = new ServiceAllocator();
    a.observe('k', svc('kubernetes', { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] }));
    assert.equal(
      invalidMessage(() => a.allocateCreate(svc('x', { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 80 }] }), false)),
      'Service "x" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    assert.equal(
      invalidMessage(() => a.allocateCreate(svc('y', { clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ports: [{ port: 80 }] }), false)),
      'Service "y" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  it('headless services get no IP; selectorless headless ones default to RequireDualStack', () => {
    const a = new ServiceAllocator();
    const h = svc('h', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'x' } });
    a.allocateCreate(h, false);
    assert.deepEqual(h.spec!.clusterIPs, ['None']);
    assert.deepEqual(h.spec!.ipFamilies, ['IPv4']);
    const hs = svc('hs', { clusterIP: 'None', clusterIPs: ['None'] });
    a.allocateCreate(hs, false);
    assert.equal(hs.spec!.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(hs.spec!.ipFamilies, ['IPv4', 'IPv6']);
    assert.equal(a.usage().pendingIPs, 0);
  });

  it('NodePorts: one per service port number, requests honoured, upstream errors', () => {
    const a = new ServiceAllocator();
    const s = svc('np', { type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'TCP' }, { name: 'b', port: 53, protocol: 'UDP' }, { name: 'c', port: 80, protocol: 'TCP', nodePort: 30080 }] });
    a.allocateCreate(s, false);
    const [p1, p2, p3] = s.spec!.ports!;
    assert.ok(p1.nodePort! >= 30000 && p1.nodePort! <= 32767);
    assert.equal(p2.nodePort, p1.nodePort);
    assert.equal(p3.nodePort, 30080);
    a.observe('np', s);
    assert.equal(
      invalidMessage(() => a.allocateCreate(svc('n2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), false)),
      'Service "n2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    assert.equal(
      invalidMessage(() => a.allocateCreate(svc('n3', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }), false)),
      'Service "n3" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('LoadBalancer with allocateLoadBalancerNodePorts=false gets none; Local traffic policy gets a health check port', () => {
    const a = new ServiceAllocator();
    const s = svc('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    a.allocateCreate(s, false);
    assert.equal(s.spec!.ports![0].nodePort, undefined);
    assert.ok(s.spec!.healthCheckNodePort! >= 30000);
  });

  it('dry runs reserve nothing; deletes (observe undefined) release at once; stored services survive a rebuild', () => {
    const a = new ServiceAllocator();
    const dry = svc('d', { clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'], ports: [{ port: 80 }] });
    a.allocateCreate(dry, true);
    assert.equal(a.isIPAllocated('10.96.7.7'), false);
    const s = svc('s', { clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'], type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] });
    a.allocateCreate(s, false);
    a.observe('default/s', s);
    assert.equal(a.isIPAllocated('10.96.7.7'), true);
    a.observe('default/s', undefined);
    assert.equal(a.isIPAllocated('10.96.7.7'), false);
    assert.equal(a.isPortAllocated(31000), false);
    // a restart: a new allocator fed the stored services
    const b = new ServiceAllocator();
    b.observe('default/s', s);
    assert.equal(b.isIPAllocated('10.96.7.7'), true);
    assert.equal(b.isPortAllocated(31000), true);
  });

  it('a value handed out but never stored comes back after the pending TTL', () => {
    let now = 0;
    const a = new ServiceAllocator({ pendingTtlMs: 1000, now: () => now });
    a.allocateIP('10.96.9.9');
    assert.equal(a.isIPAllocated('10.96.9.9'), true);
    now = 1001;
    assert.equal(a.isIPAllocated('10.96.9.9'), false);
  });

  it('update: leaving ExternalName allocates an IP, new NodePorts are allocated, kept ones are not re-checked', () => {
    const a = new ServiceAllocator();
    const old = svc('u', { type: 'NodePort', clusterIP: '10.96.3.3', clusterIPs: ['10.96.3.3'], ports: [{ name: 'a', port: 80, nodePort: 30500 }] });
    a.observe('u', old);
    const next = svc('u', { type: 'NodePort', clusterIP: '10.96.3.3', clusterIPs: ['10.96.3.3'], ports: [{ name: 'a', port: 80, nodePort: 30500 }, { name: 'b', port: 81 }] });
    a.allocateUpdate(next, old, false);
    assert.equal(next.spec!.ports![0].nodePort, 30500);
    assert.ok(next.spec!.ports![1].nodePort! >= 30000);
    const ext = svc('e', { type: 'ExternalName', externalName: 'example.com' });
    const toIP = svc('e', { type: 'ClusterIP', ports: [{ port: 80 }] });
    a.allocateUpdate(toIP, ext, false);
    assert.ok(toIP.spec!.clusterIP);
  });
});

describe('serviceAllocationPlugin', () => {
  it('a create that validation or an existing name will reject allocates nothing', async () => {
    const { serviceAllocationPlugin } = await import('../../../src/registry/core-service-alloc/index.js');
    const { invalid } = await import('../../../src/apimachinery/field-errors.js');
    const a = new ServiceAllocator();
    let broken = true;
    const def = { group: '', resource: 'services', strategy: { validate: () => (broken ? [invalid('spec.ports[0].port', 0, 'bad')] : []) } };
    const plugin = serviceAllocationPlugin(a, async (_ns, name) => name === 'taken');
    const attrs = (name: string) => ({
      operation: 'CREATE' as const, def: def as never, namespace: 'default', name, subresource: '', dryRun: false,
      user: { username: 'u', groups: [] }, object: svc(name, { clusterIP: '10.96.8.8', clusterIPs: ['10.96.8.8'], ports: [{ port: 80 }] }),
    });
    await plugin.admit!(attrs('a'));
    assert.equal(a.isIPAllocated('10.96.8.8'), false);
    broken = false;
    await plugin.admit!(attrs('taken'));
    assert.equal(a.isIPAllocated('10.96.8.8'), false);
    const ok = attrs('b');
    await plugin.admit!(ok);
    assert.equal(a.isIPAllocated('10.96.8.8'), true);
    assert.deepEqual((ok.object.spec as { ipFamilies?: string[] }).ipFamilies, ['IPv4']);
  });
});
