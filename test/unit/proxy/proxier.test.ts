// The sync loop with a recording stand-in for nft: a full sync at start, then one small transaction per change;
// a failed transaction is followed by a full sync; map keys two Services want go to the first, and to the other
// once the first lets go; load-balancer addresses are handed out without port clashes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { EventHandlers, SharedInformer } from '../../../src/client/informer.js';
import { ObjectCache, objectKey } from '../../../src/client/store.js';
import type { EndpointSlice } from '../../../src/controllers/endpointslice/types.js';
import { parseCidr } from '../../../src/networking/ipv4.js';
import { assignLoadBalancers } from '../../../src/proxy/loadbalancer.js';
import type { NftTable } from '../../../src/proxy/nft.js';
import { Proxier } from '../../../src/proxy/proxier.js';
import type { Service } from '../../../src/registry/core-service-alloc/allocator.js';
import { LAYOUT, service, slice } from './fixtures.js';

class FakeInformer<T extends KubeObject> {
  readonly store = new ObjectCache<T>();
  private readonly handlers: EventHandlers<T>[] = [];
  private rv = 1;
  addIndexers(i: Record<string, (o: T) => string[]>) { this.store.addIndexers(i); }
  addEventHandler(h: EventHandlers<T>) { this.handlers.push(h); return { remove() {} }; }
  waitForSync() { return Promise.resolve(true); }
  hasSynced() { return true; }
  put(obj: T) {
    const o = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    const old = this.store.upsert(o);
    for (const h of this.handlers) (old ? h.onUpdate?.(old, o) : h.onAdd?.(o, false));
  }
  remove(obj: T) {
    const old = this.store.remove(objectKey(obj));
    if (old) for (const h of this.handlers) h.onDelete?.(old);
  }
  as() { return this as unknown as SharedInformer<T>; }
}

class RecordingNft {
  readonly scripts: string[] = [];
  failNext = false;
  readonly ref = LAYOUT.table;
  async apply(script: string) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Error: Could not process rule: No such file or directory');
    }
    this.scripts.push(script);
  }
}

function setup(staleChainDelayMs = 0) {
  const services = new FakeInformer<Service>();
  const slices = new FakeInformer<EndpointSlice>();
  const nft = new RecordingNft();
  const events: string[] = [];
  const proxier = new Proxier({
    layout: LAYOUT, nft: nft as unknown as NftTable, services: services.as(), slices: slices.as(),
    loadBalancerAddresses: new Set(['10.244.0.1']), endpointRange: parseCidr('10.244.0.0/16')!,
    event: (svc, type, reason, message) => events.push(`${svc.metadata.name} ${type} ${reason}: ${message}`),
    log: () => {}, staleChainDelayMs,
  });
  return { services, slices, nft, events, proxier };
}

describe('proxier', () => {
  it('writes the whole table at start, then only what a change touches', async () => {
    const { services, slices, nft, proxier } = setup();
    services.put(service('web', {}));
    slices.put(slice('web-1', 'web', [{ ip: '10.244.0.2' }]));
    services.put(service('other', { clusterIP: '10.96.0.21', clusterIPs: ['10.96.0.21'] }));
    await proxier.start();
    assert.equal(nft.scripts.length, 1);
    assert.match(nft.scripts[0], /^add table inet berth-unit\ndelete table inet berth-unit\n/);
    assert.match(nft.scripts[0], /no-endpoint-services \{ 10\.96\.0\.21 \. tcp \. 80 : goto reject-chain \}/);

    slices.put(slice('web-1', 'web', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }]));
    slices.put(slice('web-2', 'web', [{ ip: '10.244.1.9' }]));
    await proxier.idle();
    const incremental = nft.scripts.slice(1).join('');
    assert.ok(!incremental.includes('delete table'), 'no full sync');
    assert.ok(!incremental.includes('10.96.0.21'), 'the other Service is not touched');
    assert.match(incremental, /numgen random mod 3 vmap/);
    assert.equal(proxier.stats.full, 1);
    assert.ok(proxier.stats.incremental >= 1 && proxier.stats.incremental <= 2, 'the burst is coalesced');

    // the Service goes: its elements out, its chains flushed, then deleted once stale
    services.remove(service('web', {}));
    await proxier.idle();
    for (let i = 0; i < 100 && !nft.scripts.at(-1)!.startsWith('delete chain'); i++) await new Promise((r) => setTimeout(r, 10));
    const last = nft.scripts.slice(-2).join('');
    assert.match(last, /delete element inet berth-unit service-ips \{ 10\.96\.0\.20 \. tcp \. 80 \}/);
    assert.match(last, /delete chain inet berth-unit svc-/);
    await proxier.stop();
  });

  it('a change does not wait for the deferred deletion of stale chains', { timeout: 10_000 }, async () => {
    const { services, slices, nft, proxier } = setup(60_000);
    services.put(service('web', {}));
    slices.put(slice('web-1', 'web', [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }]));
    await proxier.start();
    slices.put(slice('web-1', 'web', [{ ip: '10.244.0.2' }])); // one endpoint chain becomes stale
    await proxier.idle();
    slices.put(slice('web-1', 'web', [{ ip: '10.244.0.4' }]));
    await proxier.idle();
    assert.match(nft.scripts.at(-1)!, /dnat ip to 10\.244\.0\.4:8080/);
    assert.ok(!nft.scripts.join('').includes('delete chain'), 'the stale chains wait their turn');
    await proxier.stop();
  });

  it('a failed transaction is followed by a full sync that restores everything', async () => {
    const { services, slices, nft, proxier } = setup();
    services.put(service('web', {}));
    await proxier.start();
    nft.failNext = true;
    slices.put(slice('web-1', 'web', [{ ip: '10.244.0.2' }]));
    await proxier.idle(); // the retry, after its back-off, is a full sync
    assert.equal(proxier.stats.failures, 1);
    assert.equal(proxier.stats.full, 2);
    assert.match(nft.scripts.at(-1)!, /^add table .*\n[\s\S]*dnat ip to 10\.244\.0\.2:8080/);
    await proxier.stop();
  });

  it('endpoints outside the pod network are never used, and said so once', async () => {
    const { services, slices, nft, events, proxier } = setup();
    services.put(service('db', {}));
    slices.put(slice('db-1', 'db', [{ ip: '192.0.2.10' }]));
    await proxier.start();
    assert.match(nft.scripts[0], /no-endpoint-services \{ 10\.96\.0\.20 \. tcp \. 80 : goto reject-chain \}/);
    assert.ok(!nft.scripts[0].includes('192.0.2.10'));
    services.put(service('db', {})); // an update that changes nothing about it
    await proxier.idle();
    assert.deepEqual(events, ['db Warning EndpointOutsidePodNetwork: endpoint 192.0.2.10:8080 is outside the pod network: Berth keeps Service traffic on this machine, so it is not used']);
    await proxier.stop();
  });

  it('two Services claiming one load-balancer address and port: the first keeps it, the second gets it when the first lets go', async () => {
    const { services, slices, nft, events, proxier } = setup();
    const lb = (name: string, ip: string) => service(name, { type: 'LoadBalancer', clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'http', port: 80 }] }, { status: { loadBalancer: { ingress: [{ ip: '10.244.0.1' }] } } });
    services.put(lb('a', '10.96.0.30'));
    services.put(lb('b', '10.96.0.31'));
    slices.put(slice('a-1', 'a', [{ ip: '10.244.0.2' }]));
    slices.put(slice('b-1', 'b', [{ ip: '10.244.0.3' }]));
    await proxier.start();
    const vip = /service-ips \{ 10\.244\.0\.1 \. tcp \. 80 : goto (ext-\S+) \}/;
    assert.match(vip.exec(nft.scripts[0])![1], /default\/a\//);
    assert.ok(events.some((e) => e.startsWith('b Warning PortConflict: 10.244.0.1 tcp 80 is already used by Service default/a')));
    services.remove(lb('a', '10.96.0.30'));
    await proxier.idle();
    assert.match(vip.exec(nft.scripts.slice(1).join(''))![1], /default\/b\//);
    await proxier.stop();
  });
});

describe('load balancer addresses', () => {
  const lb = (name: string, created: string, ports: { port: number; protocol?: string; nodePort?: number }[], extra: Partial<Service['spec']> = {}) =>
    service(name, { type: 'LoadBalancer', ports: ports.map((p, i) => ({ name: `p${i}`, ...p })), ...extra }, { metadata: { name, namespace: 'default', creationTimestamp: created } });

  it('the oldest Service gets a port; later ones clashing with it, a NodePort or a reserved port wait; other classes are not ours', () => {
    const { granted, refused } = assignLoadBalancers([
      lb('late', '2025-01-02T00:00:00Z', [{ port: 80 }]),
      lb('early', '2025-01-01T00:00:00Z', [{ port: 80 }, { port: 53, protocol: 'UDP' }]),
      lb('api', '2025-01-01T00:00:00Z', [{ port: 6443 }]),
      lb('np', '2025-01-01T00:00:00Z', [{ port: 8080, nodePort: 30001 }]),
      lb('onnodeport', '2025-01-03T00:00:00Z', [{ port: 30001 }]),
      lb('classy', '2025-01-01T00:00:00Z', [{ port: 80 }], { loadBalancerClass: 'example.com/lb' }),
    ], new Map([['TCP/6443', 'the API server']]));
    assert.deepEqual([...granted].sort(), ['default/early', 'default/np']);
    assert.deepEqual(Object.fromEntries(refused), {
      'default/late': 'port TCP/80 of the node addresses is already used by Service default/early',
      'default/api': 'port TCP/6443 of the node addresses is already used by the API server',
      'default/onnodeport': 'port TCP/30001 of the node addresses is already used by the NodePort of Service default/np',
    });
  });
});
