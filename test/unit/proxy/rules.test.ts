// The rules written for a service port and the scripts that write them. When nft is there (root), every script is
// also checked by the kernel with `nft --check`, which validates a transaction and throws it away: nothing is
// applied to the machine.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { endpointsForPort } from '../../../src/proxy/endpoints.js';
import { findProgram } from '../../../src/networking/command.js';
import { chainNames, RuleUnit, servicePortUnit } from '../../../src/proxy/rules.js';
import { servicePorts } from '../../../src/proxy/service-port.js';
import { categorizeEndpoints } from '../../../src/proxy/topology.js';
import { fullScript, incrementalScript } from '../../../src/proxy/transaction.js';
import { Ep, LAYOUT, NODES, service, slice } from './fixtures.js';

const opts = { loadBalancerAddresses: new Set(['10.244.0.1', '10.244.1.1']) };

function unitFor(spec: Parameters<typeof service>[1], eps: Ep[], extra: Parameters<typeof service>[2] = {}): { unit: RuleUnit; names: ReturnType<typeof chainNames> } {
  const port = servicePorts(service('web', spec, extra), opts).ports[0];
  const c = categorizeEndpoints(endpointsForPort([slice('s', 'web', eps)], port.portName, port.protocol), port, NODES);
  return { unit: servicePortUnit(port, c, LAYOUT), names: chainNames(port) };
}

const nft = process.getuid?.() === 0 ? findProgram('nft') : undefined;
/** nft --check: parsed and validated by the kernel, then discarded. */
function check(script: string): void {
  if (nft) execFileSync(nft, ['--check', '-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
}

const elements = (u: RuleUnit) => u.elements.map((e) => `${e.map}: ${e.key} : ${e.value}`);

describe('rules of a service port', () => {
  it('ClusterIP: the ClusterIP goes to a chain picking a ready endpoint at random; each endpoint DNATs and masquerades hairpin traffic', () => {
    const { unit, names } = unitFor({}, [{ ip: '10.244.0.2' }, { ip: '10.244.1.2' }, { ip: '10.244.0.3', ready: false }]);
    assert.deepEqual(elements(unit), [`service-ips: 10.96.0.20 . tcp . 80 : goto ${names.cluster}`]);
    const ep = (ip: string) => names.endpoint({ ip, port: 8080, ready: true, serving: true, terminating: false });
    assert.deepEqual(unit.chains.get(names.cluster), [
      'ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
      `numgen random mod 2 vmap { 0 : goto ${ep('10.244.0.2')}, 1 : goto ${ep('10.244.1.2')} }`,
    ]);
    assert.deepEqual(unit.chains.get(ep('10.244.0.2')), ['ip saddr 10.244.0.2 jump mark-for-masquerade', 'meta l4proto tcp dnat ip to 10.244.0.2:8080']);
    assert.equal(unit.chains.size, 3, 'no chain for the unready endpoint');
    assert.match(names.cluster, /^svc-[0-9A-F]{8}-default\/web\/tcp\/http$/);
  });

  it('no endpoints: rejected before NAT; endpoints but none for the policy: dropped', () => {
    assert.deepEqual(elements(unitFor({}, []).unit), ['no-endpoint-services: 10.96.0.20 . tcp . 80 : goto reject-chain']);
    const np = unitFor({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, [{ ip: '10.244.0.2', ready: false }]).unit;
    assert.deepEqual(elements(np), ['no-endpoint-services: 10.96.0.20 . tcp . 80 : goto reject-chain', 'no-endpoint-nodeports: tcp . 30080 : goto reject-chain']);
    // internal policy Local, the only endpoint has no node of this machine
    const local = unitFor({ internalTrafficPolicy: 'Local' }, [{ ip: '10.244.0.2' }]).unit;
    assert.deepEqual(elements(local), ['no-endpoint-services: 10.96.0.20 . tcp . 80 : drop']);
  });

  it('NodePort and LoadBalancer with external policy Cluster: masquerade, then the Cluster chain', () => {
    const { unit, names } = unitFor({ type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, [{ ip: '10.244.0.2' }], {
      status: { loadBalancer: { ingress: [{ ip: '10.244.0.1' }, { ip: '10.244.1.1' }] } },
    });
    assert.deepEqual(elements(unit), [
      `service-ips: 10.96.0.20 . tcp . 80 : goto ${names.cluster}`,
      `service-ips: 10.244.0.1 . tcp . 80 : goto ${names.external}`,
      `service-ips: 10.244.1.1 . tcp . 80 : goto ${names.external}`,
      `service-nodeports: tcp . 30080 : goto ${names.external}`,
    ]);
    assert.deepEqual(unit.chains.get(names.external), ['jump mark-for-masquerade', `goto ${names.cluster}`]);
  });

  it('external policy Local: pod and host traffic short-circuits to the Cluster chain (the host masqueraded), the rest stays local', () => {
    const { unit, names } = unitFor({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, [{ ip: '10.244.0.2', node: 'berth-node-1' }, { ip: '10.244.1.2', node: 'berth-node-2' }]);
    assert.deepEqual(unit.chains.get(names.external), [
      `ip saddr 10.244.0.0/16 goto ${names.cluster}`, 'fib saddr type local jump mark-for-masquerade', `fib saddr type local goto ${names.cluster}`, `goto ${names.local}`,
    ]);
  });

  it('internal policy Local: a pod reaches the endpoints of its own node (dropped when there are none), the host those of every node', () => {
    const { unit, names } = unitFor({ internalTrafficPolicy: 'Local' }, [{ ip: '10.244.0.2', node: 'berth-node-1' }, { ip: '10.244.0.3', node: 'berth-node-1' }]);
    const ep = (ip: string) => names.endpoint({ ip, port: 8080, ready: true, serving: true, terminating: false });
    const pick = `numgen random mod 2 vmap { 0 : goto ${ep('10.244.0.2')}, 1 : goto ${ep('10.244.0.3')} }`;
    assert.deepEqual(elements(unit), [`service-ips: 10.96.0.20 . tcp . 80 : goto ${names.local}`]);
    assert.deepEqual(unit.chains.get(names.local), [
      'ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
      `ip saddr 10.244.0.0/24 ${pick}`, 'ip saddr 10.244.1.0/24 drop', pick,
    ]);
    assert.equal(unit.chains.has(names.cluster), false);
  });

  it('ClientIP affinity: a timed set per endpoint, checked before the random pick and refreshed by the endpoint chain', () => {
    const { unit, names } = unitFor({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }, [{ ip: '10.244.0.2' }, { ip: '10.244.1.2' }]);
    const e = { ip: '10.244.0.2', port: 8080, ready: true, serving: true, terminating: false };
    assert.equal(unit.sets.get(names.affinity(e)), '{ type ipv4_addr; flags dynamic,timeout; timeout 60s; }');
    assert.match(names.affinity(e), /^aff60-/);
    assert.equal(unit.chains.get(names.cluster)![1], `ip saddr @${names.affinity(e)} goto ${names.endpoint(e)}`);
    assert.deepEqual(unit.chains.get(names.endpoint(e)), ['ip saddr 10.244.0.2 jump mark-for-masquerade', `update @${names.affinity(e)} { ip saddr }`, 'meta l4proto tcp dnat ip to 10.244.0.2:8080']);
  });

  it('UDP ports DNAT with udp; long names stay within nftables limits and unique', () => {
    const long = 'x'.repeat(63);
    const port = servicePorts(service(long, { ports: [{ name: long.slice(0, 15), port: 53, protocol: 'UDP' }] }, {}, long), opts).ports[0];
    const names = chainNames(port);
    const e = { ip: '10.244.255.254', port: 65535, ready: true, serving: true, terminating: false };
    for (const n of [names.cluster, names.local, names.external, names.endpoint(e), names.affinity(e)]) assert.ok(n.length <= 255, n);
    const unit = servicePortUnit(port, categorizeEndpoints([e], port, NODES), LAYOUT);
    assert.equal(unit.chains.get(names.endpoint(e))!.at(-1), 'meta l4proto udp dnat ip to 10.244.255.254:65535');
  });
});

describe('scripts', () => {
  const a = unitFor({}, [{ ip: '10.244.0.2' }, { ip: '10.244.1.2' }]);
  const b = unitFor({}, [{ ip: '10.244.1.2' }, { ip: '10.244.1.3' }]);
  const none = unitFor({}, []);
  const sticky = unitFor({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', internalTrafficPolicy: 'Local', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] },
    [{ ip: '10.244.0.2', node: 'berth-node-1' }, { ip: '10.244.1.2', node: 'berth-node-2', ready: false, serving: true, terminating: true }],
    { status: { loadBalancer: { ingress: [{ ip: '10.244.0.1' }] } } });

  it('a full sync replaces the whole table in one transaction', () => {
    const s = fullScript(LAYOUT, [a.unit]);
    const lines = s.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['add table inet berth-unit', 'delete table inet berth-unit', 'add table inet berth-unit { comment "unit test"; }']);
    assert.ok(lines.includes('add rule inet berth-unit filter-forward iifname "berthunit" oifname != "berthunit" drop'));
    assert.ok(lines.indexOf(`add chain inet berth-unit ${a.names.cluster}`) < lines.findIndex((l) => l.startsWith('add element inet berth-unit service-ips')));
    check(s);
    check(fullScript(LAYOUT, [sticky.unit]));
  });

  it('an incremental sync rewrites only what changed: new chains first, old elements out before new ones in, unused chains flushed for later deletion', () => {
    const { script, staleChains } = incrementalScript('inet berth-unit', [{ old: a.unit, next: b.unit }], new Set());
    const lines = script.trim().split('\n');
    const gone = a.names.endpoint({ ip: '10.244.0.2', port: 8080, ready: true, serving: true, terminating: false });
    const added = b.names.endpoint({ ip: '10.244.1.3', port: 8080, ready: true, serving: true, terminating: false });
    assert.deepEqual(staleChains, [gone]);
    assert.equal(lines[0], `add chain inet berth-unit ${added}`);
    assert.ok(lines.includes(`flush chain inet berth-unit ${a.names.cluster}`));
    assert.ok(!lines.some((l) => l.includes('10.244.1.2:8080')), 'the unchanged endpoint chain is not rewritten');
    assert.equal(lines.at(-1), `flush chain inet berth-unit ${gone}`);
    assert.equal(lines.filter((l) => l.includes('element')).length, 0, 'the ClusterIP still goes to the same chain');
    check(fullScript(LAYOUT, [a.unit]) + script);

    const toNone = incrementalScript('inet berth-unit', [{ old: b.unit, next: none.unit }], new Set());
    const l2 = toNone.script.trim().split('\n');
    assert.ok(l2.indexOf(`delete element inet berth-unit service-ips { 10.96.0.20 . tcp . 80 }`) < l2.indexOf('add element inet berth-unit no-endpoint-services { 10.96.0.20 . tcp . 80 : goto reject-chain }'));
    check(fullScript(LAYOUT, [b.unit]) + toNone.script);
    assert.equal(incrementalScript('inet berth-unit', [{ old: a.unit, next: a.unit }], new Set()).script, '');
  });

  it('affinity sets come and go with their chains; a stale chain coming back is flushed and refilled, not added', () => {
    const plain = unitFor({ type: 'LoadBalancer', internalTrafficPolicy: 'Local', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] },
      [{ ip: '10.244.0.2', node: 'berth-node-1' }], { status: { loadBalancer: { ingress: [{ ip: '10.244.0.1' }] } } });
    const on = incrementalScript('inet berth-unit', [{ old: plain.unit, next: sticky.unit }], new Set());
    assert.ok(on.script.startsWith('add set inet berth-unit aff10800-'));
    check(fullScript(LAYOUT, [plain.unit]) + on.script);
    const off = incrementalScript('inet berth-unit', [{ old: sticky.unit, next: plain.unit }], new Set());
    assert.ok(off.script.trim().split('\n').at(-1)!.startsWith('delete set inet berth-unit aff10800-'));
    check(fullScript(LAYOUT, [sticky.unit]) + off.script);
    const back = incrementalScript('inet berth-unit', [{ old: undefined, next: a.unit }], new Set(a.unit.chains.keys()));
    assert.ok(!back.script.includes('add chain'));
    assert.ok(back.script.includes(`flush chain inet berth-unit ${a.names.cluster}`));
  });
});
