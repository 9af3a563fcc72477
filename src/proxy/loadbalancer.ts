// LoadBalancer Services on one machine, the way k3s's ServiceLB (klipper-lb) does it: a Service of type
// LoadBalancer (without spec.loadBalancerClass, which names another implementation) is exposed on the node
// addresses at its own ports, and those addresses go into status.loadBalancer.ingress, so `kubectl get svc` shows an
// EXTERNAL-IP that answers from the host and from pods. The proxy then programs the VIPs like any load-balancer IP.
// Two Services cannot take the same port (nor one the node addresses already use: NodePorts, the API server, DNS);
// the later one stays pending with a SyncLoadBalancerFailed event, as upstream's service controller reports it.
import type { KubeClient } from '../client/client.js';
import type { SharedInformer } from '../client/informer.js';
import { builtin } from '../client/resources.js';
import { objectKey } from '../client/store.js';
import type { LoadBalancerIngress, Service } from '../api/generated/core-v1.js';
import type { ProxyEvent } from './proxier.js';

export interface LoadBalancerOptions {
  client: KubeClient;
  services: SharedInformer<Service>;
  /** The node addresses the Services are exposed on. */
  addresses: string[];
  /** `PROTOCOL/port` → what already uses it on the node addresses (besides NodePorts). */
  reserved: Map<string, string>;
  event: ProxyEvent;
  log(message: string): void;
}

const portId = (protocol: string | undefined, port: number | undefined) => `${(protocol ?? 'TCP').toUpperCase()}/${port}`;

export const isOurLoadBalancer = (svc: Service) => svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;

/** Which LoadBalancer Services get the node addresses, and why the others do not. Oldest first. */
export function assignLoadBalancers(services: readonly Service[], reserved: ReadonlyMap<string, string>): { granted: Set<string>; refused: Map<string, string> } {
  const used = new Map(reserved);
  for (const s of services) for (const p of s.spec?.ports ?? []) if (p.nodePort) used.set(portId(p.protocol, p.nodePort), `the NodePort of Service ${objectKey(s)}`);
  const granted = new Set<string>();
  const refused = new Map<string, string>();
  const candidates = services.filter(isOurLoadBalancer).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || objectKey(a).localeCompare(objectKey(b)));
  for (const s of candidates) {
    const ports = (s.spec?.ports ?? []).map((p) => portId(p.protocol, p.port));
    const clash = ports.map((p) => [p, used.get(p)] as const).find(([, by]) => by !== undefined);
    if (clash) {
      refused.set(objectKey(s), `port ${clash[0]} of the node addresses is already used by ${clash[1]}`);
      continue;
    }
    for (const p of ports) used.set(p, `Service ${objectKey(s)}`);
    granted.add(objectKey(s));
  }
  return { granted, refused };
}

export class LoadBalancerController {
  private pending?: NodeJS.Timeout;
  private stopped = false;
  private readonly refusedBefore = new Map<string, string>();

  constructor(private readonly o: LoadBalancerOptions) {
    const kick = () => this.kick();
    o.services.addEventHandler({ onAdd: kick, onUpdate: (a, b) => { if (a.metadata.resourceVersion !== b.metadata.resourceVersion) kick(); }, onDelete: kick });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pending);
  }

  /** Coalesces a burst of Service events into one pass. */
  private kick(): void {
    if (this.stopped || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.sync().catch((e) => {
        this.o.log(`load balancer status: ${(e as Error).message}`);
        setTimeout(() => this.kick(), 1000).unref();
      });
    }, 20);
  }

  private async sync(): Promise<void> {
    if (!this.o.services.hasSynced()) return this.kick();
    const all = this.o.services.store.list();
    const { granted, refused } = assignLoadBalancers(all, this.o.reserved);
    for (const svc of all) {
      const key = objectKey(svc);
      const current = svc.status?.loadBalancer?.ingress ?? [];
      let wanted: LoadBalancerIngress[];
      if (granted.has(key)) wanted = this.o.addresses.map((ip) => ({ ip, ipMode: 'VIP' }));
      else if (isOurLoadBalancer(svc) || (svc.spec?.type !== 'LoadBalancer' && current.length)) wanted = [];
      else continue; // another implementation's (loadBalancerClass)
      const why = refused.get(key);
      if (why && this.refusedBefore.get(key) !== why) this.o.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: failed to ensure load balancer: ${why}`);
      if (why) this.refusedBefore.set(key, why);
      else this.refusedBefore.delete(key);
      if (JSON.stringify(current) === JSON.stringify(wanted)) continue;
      await this.o.client.patch(builtin.services, svc.metadata.name ?? '', { status: { loadBalancer: { ingress: wanted.length ? wanted : null } } }, 'merge', {
        namespace: svc.metadata.namespace, subresource: 'status',
      }).catch((e: unknown) => {
        if ((e as { code?: number }).code !== 404) throw e;
      });
      if (wanted.length) this.o.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
      else if (!isOurLoadBalancer(svc)) this.o.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
    }
  }
}
