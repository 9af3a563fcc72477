// What the proxy reads from Services and EndpointSlices, and which endpoints each traffic policy uses
// (kube-proxy's serviceport.go, endpointslicecache.go and topology.go semantics).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointsForPort } from '../../../src/proxy/endpoints.js';
import { DEFAULT_STICKY_SECONDS, servicePorts } from '../../../src/proxy/service-port.js';
import { categorizeEndpoints } from '../../../src/proxy/topology.js';
import { NODES, service, slice } from './fixtures.js';

const opts = { loadBalancerAddresses: new Set(['10.244.0.1', '10.244.1.1']) };

describe('service ports', () => {
  it('one entry per TCP/UDP port; headless, ExternalName and IPv6-only Services have none', () => {
    const r = servicePorts(service('web', { ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }), opts);
    assert.deepEqual(r.ports.map((p) => [p.key, p.clusterIP, p.port, p.nodePort, p.stickySeconds]), [
      ['default/web:http/TCP', '10.96.0.20', 80, 0, 0], ['default/web:dns/UDP', '10.96.0.20', 53, 0, 0],
    ]);
    assert.equal(servicePorts(service('h', { clusterIP: 'None', clusterIPs: ['None'] }), opts).ports.length, 0);
    assert.equal(servicePorts(service('x', { type: 'ExternalName', externalName: 'example.com', clusterIP: '', clusterIPs: [] }), opts).ports.length, 0);
    assert.equal(servicePorts(service('v6', { clusterIP: 'fd00::1', clusterIPs: ['fd00::1'] }), opts).ports.length, 0);
  });

  it('SCTP ports and externalIPs are reported, not programmed', () => {
    const r = servicePorts(service('s', { ports: [{ name: 'a', port: 9, protocol: 'SCTP' }, { name: 'b', port: 10, protocol: 'TCP' }], externalIPs: ['192.0.2.9'] }), opts);
    assert.deepEqual(r.ports.map((p) => p.port), [10]);
    assert.deepEqual(r.problems.map((p) => p.reason), ['ExternalIPsIgnored', 'SCTPUnsupported']);
    assert.match(r.problems[1].message, /port "a" 9\/SCTP is not supported/);
  });

  it('ClientIP affinity with its timeout (default 3 h); traffic policies; NodePorts only for NodePort and LoadBalancer', () => {
    const sticky = servicePorts(service('s', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 30 } } }), opts).ports[0];
    assert.equal(sticky.stickySeconds, 30);
    assert.equal(servicePorts(service('s', { sessionAffinity: 'ClientIP' }), opts).ports[0].stickySeconds, DEFAULT_STICKY_SECONDS);
    const np = servicePorts(service('np', { type: 'NodePort', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), opts).ports[0];
    assert.deepEqual([np.nodePort, np.externalPolicyLocal, np.internalPolicyLocal], [30080, true, true]);
    // a ClusterIP Service keeps a stale nodePort out, and "Local" external policy means nothing for it
    const cip = servicePorts(service('c', { externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30081 }] }), opts).ports[0];
    assert.deepEqual([cip.nodePort, cip.externalPolicyLocal], [0, false]);
  });

  it('LoadBalancer VIPs come from status, only the addresses this machine answers on; ipMode Proxy is left alone', () => {
    const r = servicePorts(service('lb', { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30082 }] }, {
      status: { loadBalancer: { ingress: [{ ip: '10.244.0.1', ipMode: 'VIP' }, { ip: '10.244.1.1', ipMode: 'Proxy' }, { ip: '203.0.113.7' }, { hostname: 'lb.example' }] } },
    }), opts);
    assert.deepEqual(r.ports[0].loadBalancerVIPs, ['10.244.0.1']);
    assert.deepEqual(r.problems.map((p) => p.reason), ['LoadBalancerIPIgnored']);
  });
});

describe('endpoints from slices', () => {
  it('matches slice ports by name and protocol, merges slices, counts a repeated endpoint once and sorts', () => {
    const slices = [
      slice('a', 'web', [{ ip: '10.244.1.5' }, { ip: '10.244.0.9', ready: false }]),
      slice('b', 'web', [{ ip: '10.244.0.10', node: 'berth-node-1' }, { ip: '10.244.1.5', node: 'berth-node-2' }]),
      slice('udp', 'web', [{ ip: '10.244.0.11' }], [{ name: 'http', port: 8080, protocol: 'UDP' }]),
      slice('v6', 'web', [{ ip: 'fd00::5' }]),
    ];
    slices[3].addressType = 'IPv6';
    const eps = endpointsForPort(slices, 'http', 'TCP');
    assert.deepEqual(eps.map((e) => [e.ip, e.port, e.ready, e.nodeName]), [
      ['10.244.0.9', 8080, false, undefined], ['10.244.0.10', 8080, true, 'berth-node-1'], ['10.244.1.5', 8080, true, 'berth-node-2'],
    ]);
  });

  it('nil conditions mean ready and serving, not terminating; ports without a number are skipped', () => {
    const s = slice('a', 'web', [{ ip: '10.244.0.2' }]);
    s.endpoints![0].conditions = {};
    s.ports!.push({ name: 'other' });
    assert.deepEqual(endpointsForPort([s], 'http', 'TCP').map((e) => [e.ready, e.serving, e.terminating]), [[true, true, false]]);
    assert.deepEqual(endpointsForPort([s], 'other', 'TCP'), []);
  });
});

describe('which endpoints each policy uses', () => {
  const port = (spec: Parameters<typeof service>[1]) => servicePorts(service('web', spec), opts).ports[0];
  const ips = (eps: { ip: string }[]) => eps.map((e) => e.ip);
  const eps = endpointsForPort([slice('a', 'web', [
    { ip: '10.244.0.2', node: 'berth-node-1' }, { ip: '10.244.0.3', node: 'berth-node-1', ready: false },
    { ip: '10.244.1.2', node: 'berth-node-2', ready: false, serving: true, terminating: true },
    { ip: '10.244.1.3', ready: true },
  ])], 'http', 'TCP');

  it('Cluster: the ready endpoints; when none is ready, the serving terminating ones', () => {
    const c = categorizeEndpoints(eps, port({}), NODES);
    assert.deepEqual(ips(c.cluster), ['10.244.0.2', '10.244.1.3']);
    assert.equal(c.hasAny, true);
    const terminatingOnly = categorizeEndpoints(eps.filter((e) => !e.ready), port({}), NODES);
    assert.deepEqual(ips(terminatingOnly.cluster), ['10.244.1.2']);
    const none = categorizeEndpoints(eps.filter((e) => !e.ready && !e.terminating), port({}), NODES);
    assert.deepEqual([none.cluster.length, none.hasAny], [0, false]);
  });

  it('Local: per node its ready endpoints, else its serving terminating ones; the host gets every node\'s', () => {
    const c = categorizeEndpoints(eps, port({ internalTrafficPolicy: 'Local' }), NODES);
    assert.deepEqual(c.cluster, []); // not externally reachable: the Cluster set is never used
    assert.deepEqual(ips(c.localByNode.get('berth-node-1')!), ['10.244.0.2']);
    assert.deepEqual(ips(c.localByNode.get('berth-node-2')!), ['10.244.1.2']);
    assert.deepEqual(ips(c.hostLocal), ['10.244.0.2']); // ready ones first; the nodeless endpoint is nobody's local
    assert.deepEqual(ips(c.reachable).sort(), ['10.244.0.2', '10.244.1.2']);
  });

  it('external Local policy keeps the Cluster set for short-circuited pod and host traffic', () => {
    const c = categorizeEndpoints(eps, port({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), NODES);
    assert.deepEqual(ips(c.cluster), ['10.244.0.2', '10.244.1.3']);
    assert.deepEqual(ips(c.hostLocal), ['10.244.0.2']);
  });
});
