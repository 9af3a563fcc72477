import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredSubsets } from '../../../src/controllers/endpoints/subsets.js';
import { reconcileSlices } from '../../../src/controllers/endpointslice/reconciler.js';
import { EndpointSlice, Pod, Service } from '../../../src/controllers/endpointslice/types.js';
import { findPort, podToEndpoint, shouldPodBeInEndpoints } from '../../../src/controllers/endpointslice/utils.js';

const svc = (spec: Service['spec'] = {}, name = 'nginx'): Service => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name, namespace: 'default', uid: 'svc-uid', labels: { app: 'nginx' } },
  spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' }], ...spec },
});

function pod(name: string, ip: string | undefined, opts: { ready?: boolean; phase?: string; deleting?: boolean; hostname?: string; subdomain?: string; containerPort?: number } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'nginx' }, ...(opts.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: {
      nodeName: 'berth-node-1', hostname: opts.hostname, subdomain: opts.subdomain,
      containers: [{ name: 'nginx', ports: [{ name: 'web', containerPort: opts.containerPort ?? 8080, protocol: 'TCP' }] }],
    },
    status: {
      phase: opts.phase ?? 'Running', podIP: ip, podIPs: ip ? [{ ip }] : undefined,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

/** Applies a reconcile's changes to a fake store, naming created slices. */
function apply(existing: EndpointSlice[], changes: ReturnType<typeof reconcileSlices>, counter = { n: 0 }): EndpointSlice[] {
  const byName = new Map(existing.map((s) => [s.metadata.name!, s]));
  for (const d of changes.delete) byName.delete(d.metadata.name!);
  for (const u of changes.update) byName.set(u.metadata.name!, u);
  for (const c of changes.create) {
    const name = `${c.metadata.generateName}${++counter.n}`;
    byName.set(name, { ...c, metadata: { ...c.metadata, name } });
  }
  return [...byName.values()];
}

describe('pod → endpoint', () => {
  it('conditions: ready = publishNotReady || (podReady && !terminating); serving = podReady', () => {
    const s = svc();
    assert.deepEqual(podToEndpoint(pod('a', '10.0.0.1'), s).conditions, { ready: true, serving: true, terminating: false });
    assert.deepEqual(podToEndpoint(pod('a', '10.0.0.1', { ready: false }), s).conditions, { ready: false, serving: false, terminating: false });
    assert.deepEqual(podToEndpoint(pod('a', '10.0.0.1', { deleting: true }), s).conditions, { ready: false, serving: true, terminating: true });
    assert.deepEqual(podToEndpoint(pod('a', '10.0.0.1', { ready: false }), svc({ publishNotReadyAddresses: true })).conditions, { ready: true, serving: false, terminating: false });
  });

  it('hostname only when the pod subdomain is the service; targetRef and nodeName always', () => {
    const s = svc();
    const ep = podToEndpoint(pod('web-1', '10.0.0.2', { hostname: 'web-1', subdomain: 'nginx' }), s);
    assert.equal(ep.hostname, 'web-1');
    assert.deepEqual(ep.targetRef, { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'uid-web-1' });
    assert.equal(ep.nodeName, 'berth-node-1');
    assert.equal(podToEndpoint(pod('web-1', '10.0.0.2', { hostname: 'web-1', subdomain: 'other' }), s).hostname, undefined);
  });

  it('terminal and IP-less pods are excluded; terminating only when asked', () => {
    assert.equal(shouldPodBeInEndpoints(pod('a', undefined), true), false);
    assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { phase: 'Succeeded' }), true), false);
    assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { phase: 'Failed' }), true), false);
    assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { deleting: true }), true), true);
    assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { deleting: true }), false), false);
  });

  it('targetPort names resolve against container ports of the same protocol', () => {
    const p = pod('a', '10.0.0.1', { containerPort: 8443 });
    assert.equal(findPort(p, { port: 80, targetPort: 'web', protocol: 'TCP' }), 8443);
    assert.equal(findPort(p, { port: 80, targetPort: 'web', protocol: 'UDP' }), undefined);
    assert.equal(findPort(p, { port: 80, targetPort: 9000 }), 9000);
    assert.equal(findPort(p, { port: 80 }), 80);
  });
});

describe('reconcileSlices', () => {
  it('one labelled, owned slice with resolved ports; headless label; excluded pods left out', () => {
    const pods = [pod('web-0', '10.0.0.1'), pod('web-1', '10.0.0.2', { ready: false }), pod('gone', '10.0.0.3', { phase: 'Succeeded' }), pod('noip', undefined)];
    const ch = reconcileSlices(svc(), pods, []);
    assert.equal(ch.create.length, 1);
    assert.equal(ch.update.length + ch.delete.length, 0);
    const s = ch.create[0];
    assert.equal(s.metadata.generateName, 'nginx-');
    assert.deepEqual(s.metadata.labels, {
      app: 'nginx', 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'nginx',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'nginx', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(s.endpoints!.map((e) => [e.addresses[0], e.conditions?.ready]), [['10.0.0.1', true], ['10.0.0.2', false]]);
  });

  it('no change, no writes; a changed pod updates its slice in place', () => {
    const pods = [pod('web-0', '10.0.0.1'), pod('web-1', '10.0.0.2')];
    let slices = apply([], reconcileSlices(svc(), pods, []));
    const again = reconcileSlices(svc(), pods, slices);
    assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
    const changed = reconcileSlices(svc(), [pods[0], pod('web-1', '10.0.0.2', { ready: false })], slices);
    assert.equal(changed.update.length, 1);
    assert.equal(changed.create.length, 0);
    slices = apply(slices, changed);
    assert.equal(slices[0].endpoints!.find((e) => e.addresses[0] === '10.0.0.2')!.conditions!.ready, false);
  });

  it('at most 100 endpoints per slice; shrinking deletes emptied slices', () => {
    const pods = Array.from({ length: 250 }, (_, i) => pod(`p${String(i).padStart(3, '0')}`, `10.1.${Math.floor(i / 200)}.${i % 200}`));
    const counter = { n: 0 };
    let slices = apply([], reconcileSlices(svc(), pods, []), counter);
    assert.deepEqual(slices.map((s) => s.endpoints!.length).sort((a, b) => a - b), [50, 100, 100]);
    const ch = reconcileSlices(svc(), pods.slice(0, 10), slices);
    slices = apply(slices, ch, counter);
    assert.equal(slices.reduce((n, s) => n + s.endpoints!.length, 0), 10);
    assert.equal(slices.length, 1);
  });

  it('endpoints with different resolved ports go to different slices', () => {
    const pods = [pod('a', '10.0.0.1', { containerPort: 8080 }), pod('b', '10.0.0.2', { containerPort: 9090 })];
    const ch = reconcileSlices(svc(), pods, []);
    assert.equal(ch.create.length, 2);
    assert.deepEqual(ch.create.map((s) => s.ports![0].port).sort(), [8080, 9090]);
  });

  it('no endpoints: one empty placeholder slice, kept as is on the next pass', () => {
    const ch = reconcileSlices(svc(), [], []);
    assert.equal(ch.create.length, 1);
    assert.deepEqual(ch.create[0].endpoints, []);
    const slices = apply([], ch);
    const again = reconcileSlices(svc(), [], slices);
    assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
    // pods arriving reuse the placeholder
    const filled = reconcileSlices(svc(), [pod('a', '10.0.0.1')], slices);
    assert.equal(filled.create.length, 0);
    assert.equal(filled.update.length, 1);
    assert.equal(filled.update[0].endpoints!.length, 1);
  });
});

describe('Endpoints subsets', () => {
  it('ready pods under addresses, others under notReadyAddresses, with hostname, nodeName, targetRef', () => {
    const subsets = desiredSubsets(svc(), [
      pod('web-1', '10.0.0.2', { hostname: 'web-1', subdomain: 'nginx' }),
      pod('web-0', '10.0.0.1', { ready: false }),
      pod('term', '10.0.0.9', { deleting: true }),
    ]);
    assert.deepEqual(subsets, [{
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      addresses: [{ ip: '10.0.0.2', hostname: 'web-1', nodeName: 'berth-node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'uid-web-1' } }],
      notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'berth-node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-web-0' } }],
    }]);
  });

  it('publishNotReadyAddresses keeps terminating and unready pods as ready addresses', () => {
    const subsets = desiredSubsets(svc({ publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', { ready: false }), pod('b', '10.0.0.2', { deleting: true })]);
    assert.deepEqual(subsets[0].addresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
    assert.equal(subsets[0].notReadyAddresses, undefined);
  });

  it('headless service without ports still lists addresses', () => {
    const subsets = desiredSubsets(svc({ ports: [] }), [pod('a', '10.0.0.1')]);
    assert.deepEqual(subsets.map((s) => [s.ports, s.addresses!.map((a) => a.ip)]), [[undefined, ['10.0.0.1']]]);
  });
});
