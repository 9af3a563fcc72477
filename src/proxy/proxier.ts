// The service proxy's sync loop, as kube-proxy's nftables Proxier runs it (pkg/proxy/nftables/proxier.go): Service
// and EndpointSlice events mark Services dirty; once both informers have synced, a full sync writes the whole table;
// after that each sync rewrites only the service ports of dirty Services, in one transaction. A failed transaction
// applies nothing and is followed by a full sync (with back-off); so is a change someone else made to the table.
// Chains no longer used are flushed at once and deleted a second later (kernels before 6.2 keep a chain referenced
// for a moment after the map element pointing at it is gone). Syncs run one at a time and take every change that
// arrived meanwhile, so a burst of events costs a few transactions, not one each.
import type { EndpointSlice } from '../controllers/endpointslice/types.js';
import { LABEL_SERVICE_NAME } from '../controllers/endpointslice/types.js';
import type { SharedInformer } from '../client/informer.js';
import { objectKey } from '../client/store.js';
import { Cidr, cidrContains, parseIPv4 } from '../networking/ipv4.js';
import type { Service } from '../api/generated/core-v1.js';
import type { ConntrackCleaner, UdpPortState } from './conntrack.js';
import { endpointsForPort, EndpointInfo } from './endpoints.js';
import type { NftTable } from './nft.js';
import { emptyUnit, RuleUnit, servicePortUnit, TableLayout } from './rules.js';
import { serviceKeyOfPort, ServicePortInfo, servicePorts } from './service-port.js';
import { categorizeEndpoints } from './topology.js';
import { fullScript, incrementalScript, UnitChange } from './transaction.js';

export const SLICES_BY_SERVICE = 'berth-proxy/service';

export type ProxyEvent = (svc: Service, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ProxierOptions {
  layout: TableLayout;
  nft: NftTable;
  services: SharedInformer<Service>;
  slices: SharedInformer<EndpointSlice>;
  /** Addresses a LoadBalancer ingress may use (the node addresses). */
  loadBalancerAddresses: ReadonlySet<string>;
  /** Endpoints outside this range (the pod network) are never DNATed to: Service traffic stays on the machine. */
  endpointRange: Cidr;
  conntrack?: ConntrackCleaner;
  event: ProxyEvent;
  log(message: string): void;
  staleChainDelayMs?: number;
}

interface PortState {
  unit: RuleUnit;
  port: ServicePortInfo;
  endpointIPs: Set<string>;
}

export interface SyncStats {
  full: number;
  incremental: number;
  failures: number;
  lastDurationMs: number;
}

export class Proxier {
  private readonly ports = new Map<string, PortState>();
  private readonly portsOfService = new Map<string, Set<string>>();
  /** `map|key` → the service port whose element it is (ClusterIPs and NodePorts are unique; LoadBalancer VIPs need not be). */
  private readonly claims = new Map<string, string>();
  /** claim → Services that wanted it and were refused (retried when it is released). */
  private readonly refused = new Map<string, Set<string>>();
  private readonly staleChains = new Map<string, number>();
  private readonly reported = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private needFull = true;
  private initialized = false;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private timerDue = 0;
  private failures = 0;
  private stopped = false;
  readonly stats: SyncStats = { full: 0, incremental: 0, failures: 0, lastDurationMs: 0 };

  constructor(private readonly o: ProxierOptions) {
    o.slices.addIndexers({ [SLICES_BY_SERVICE]: (s) => sliceService(s as EndpointSlice) });
    o.services.addEventHandler({
      onAdd: (s) => this.markDirty(objectKey(s)),
      onUpdate: (old, s) => { if (old.metadata.resourceVersion !== s.metadata.resourceVersion) this.markDirty(objectKey(s)); },
      onDelete: (s) => this.markDirty(objectKey(s)),
    });
    const slice = (s: EndpointSlice) => { for (const k of sliceService(s)) this.markDirty(k); };
    o.slices.addEventHandler({
      onAdd: slice,
      onUpdate: (old, s) => {
        if (old.metadata.resourceVersion === s.metadata.resourceVersion) return;
        slice(old);
        slice(s);
      },
      onDelete: slice,
    });
  }

  /**
   * Waits for both informers' first list and writes the whole table; rejects when that first transaction fails
   * (nothing is applied then). Incremental syncs follow from here on.
   */
  async start(): Promise<void> {
    await Promise.all([this.o.services.waitForSync(), this.o.slices.waitForSync()]);
    const first = this.fullSync();
    this.running = first;
    try {
      await first;
    } finally {
      this.running = undefined;
    }
    this.initialized = true;
    if (this.dirty.size) this.schedule(0);
  }

  /** Asks for a full sync (the table was changed behind the proxy's back, or may have been). */
  resync(): void {
    this.needFull = true;
    this.schedule(0);
  }

  /** Resolves when every change seen so far is in the table (the deferred stale-chain clean-up aside). */
  async idle(): Promise<void> {
    while (this.running || this.dirty.size || (this.needFull && this.initialized)) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private markDirty(serviceKey: string): void {
    this.dirty.add(serviceKey);
    if (this.initialized) this.schedule(0);
  }

  private schedule(wanted: number): void {
    if (this.stopped || !this.initialized) return;
    // after failures, nothing (not even a new change) retries before the back-off is over
    const delayMs = this.failures ? Math.max(wanted, Math.min(30_000, 500 * 2 ** (this.failures - 1))) : wanted;
    const due = Date.now() + delayMs;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer); // a change does not wait for the stale-chain clean-up
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) return; // the running sync schedules the next one when it ends
      this.running = this.syncOnce().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.needFull || this.dirty.size) this.schedule(0);
        else if (this.staleChains.size) this.schedule(this.o.staleChainDelayMs ?? 1000);
      });
    }, delayMs);
  }

  private async syncOnce(): Promise<void> {
    const start = performance.now();
    try {
      if (this.needFull) await this.fullSync();
      else if (this.dirty.size) await this.incrementalSync();
      else await this.deleteStaleChains();
      this.failures = 0;
    } catch (e) {
      this.failures++;
      this.stats.failures++;
      this.needFull = true;
      this.o.log(`nftables sync failed (full resync follows): ${(e as Error).message}`);
    } finally {
      this.stats.lastDurationMs = performance.now() - start;
    }
  }

  private async fullSync(): Promise<void> {
    this.needFull = false;
    this.dirty.clear();
    const before = new Map(this.ports);
    this.claims.clear();
    this.refused.clear();
    const next = new Map<string, PortState>();
    const byService = new Map<string, Set<string>>();
    for (const svcKey of this.o.services.store.listKeys()) {
      const computed = this.compute(svcKey);
      byService.set(svcKey, new Set(computed.keys()));
      for (const [k, st] of computed) next.set(k, st);
    }
    try {
      await this.o.nft.apply(fullScript(this.o.layout, [...next.values()].map((s) => s.unit)));
    } catch (e) {
      this.claims.clear();
      throw e;
    }
    this.ports.clear();
    for (const [k, v] of next) this.ports.set(k, v);
    this.portsOfService.clear();
    for (const [k, v] of byService) this.portsOfService.set(k, v);
    this.staleChains.clear();
    this.stats.full++;
    await this.cleanConntrack(before, next.keys());
  }

  private async incrementalSync(): Promise<void> {
    const keys = [...this.dirty];
    this.dirty.clear();
    const changes: UnitChange[] = [];
    const next = new Map<string, PortState | undefined>();
    const claimsBefore = new Map(this.claims);
    const portsBefore = new Map<string, Set<string>>();
    for (const svcKey of keys) {
      const old = this.portsOfService.get(svcKey) ?? new Set<string>();
      portsBefore.set(svcKey, old);
      for (const k of old) this.release(k);
    }
    for (const svcKey of keys) {
      const computed = this.compute(svcKey);
      for (const k of portsBefore.get(svcKey)!) if (!computed.has(k)) next.set(k, undefined);
      for (const [k, st] of computed) next.set(k, st);
    }
    for (const [k, st] of next) changes.push({ old: this.ports.get(k)?.unit, next: st?.unit });
    const { script, staleChains } = incrementalScript(this.o.layout.table, changes, new Set(this.staleChains.keys()));
    if (script) {
      try {
        await this.o.nft.apply(script);
      } catch (e) {
        this.claims.clear();
        for (const [k, v] of claimsBefore) this.claims.set(k, v);
        throw e;
      }
    }
    const before = new Map<string, PortState>();
    for (const [k, st] of next) {
      const old = this.ports.get(k);
      if (old) before.set(k, old);
      if (st) this.ports.set(k, st);
      else this.ports.delete(k);
    }
    for (const svcKey of keys) {
      const ks = new Set([...next].filter(([k, st]) => st && serviceKeyOfPort(k) === svcKey).map(([k]) => k));
      if (ks.size) this.portsOfService.set(svcKey, ks);
      else this.portsOfService.delete(svcKey);
    }
    const now = Date.now();
    for (const c of staleChains) this.staleChains.set(c, now);
    for (const st of next.values()) for (const c of st?.unit.chains.keys() ?? []) this.staleChains.delete(c);
    this.stats.incremental++;
    // Services refused an element another port held may have it now.
    for (const [claim, waiting] of this.refused) {
      if (this.claims.has(claim)) continue;
      this.refused.delete(claim);
      for (const s of waiting) this.dirty.add(s);
    }
    await this.cleanConntrack(before, next.keys());
  }

  private async deleteStaleChains(): Promise<void> {
    const due = Date.now() - (this.o.staleChainDelayMs ?? 1000);
    const doomed = [...this.staleChains].filter(([, since]) => since <= due).map(([c]) => c);
    if (!doomed.length) return;
    for (const c of doomed) this.staleChains.delete(c);
    await this.o.nft.apply(doomed.map((c) => `delete chain ${this.o.layout.table} ${c}`).join('\n') + '\n');
  }

  /** The desired state of one Service's ports; claims the map keys its elements use. */
  private compute(svcKey: string): Map<string, PortState> {
    const out = new Map<string, PortState>();
    const svc = this.o.services.store.get(svcKey);
    if (!svc) {
      this.report(svcKey, undefined, []);
      return out;
    }
    const { ports, problems } = servicePorts(svc, { loadBalancerAddresses: this.o.loadBalancerAddresses });
    const slices = ports.length ? this.o.slices.store.byIndex(SLICES_BY_SERVICE, svcKey) : [];
    for (const port of ports) {
      const all = endpointsForPort(slices, port.portName, port.protocol);
      const endpoints: EndpointInfo[] = [];
      for (const ep of all) {
        if (cidrContains(this.o.endpointRange, parseIPv4(ep.ip)!)) endpoints.push(ep);
        else problems.push({ reason: 'EndpointOutsidePodNetwork', message: `endpoint ${ep.ip}:${ep.port} is outside the pod network: Berth keeps Service traffic on this machine, so it is not used` });
      }
      const categorized = categorizeEndpoints(endpoints, port, this.o.layout.nodes);
      const unit = servicePortUnit(port, categorized, this.o.layout);
      unit.elements = unit.elements.filter((e) => {
        const claim = `${e.map}|${e.key}`;
        const owner = this.claims.get(claim);
        if (owner === undefined || owner === port.key) {
          this.claims.set(claim, port.key);
          return true;
        }
        let waiting = this.refused.get(claim);
        if (!waiting) this.refused.set(claim, (waiting = new Set()));
        waiting.add(svcKey);
        problems.push({ reason: 'PortConflict', message: `${e.key.replace(/ \. /g, ' ')} is already used by Service ${serviceKeyOfPort(owner)}` });
        return false;
      });
      out.set(port.key, { unit, port, endpointIPs: new Set(categorized.reachable.map((ep) => ep.ip)) });
    }
    this.report(svcKey, svc, problems);
    return out;
  }

  /** Gives back the map keys a programmed port holds (its elements are exactly what it claimed). */
  private release(portKey: string): void {
    for (const e of this.ports.get(portKey)?.unit.elements ?? []) {
      const claim = `${e.map}|${e.key}`;
      if (this.claims.get(claim) === portKey) this.claims.delete(claim);
    }
  }

  /** Warning events for what the proxy cannot do, once per distinct set of problems. */
  private report(svcKey: string, svc: Service | undefined, problems: { reason: string; message: string }[]): void {
    const signature = JSON.stringify(problems);
    if (!svc || !problems.length) {
      this.reported.delete(svcKey);
      return;
    }
    if (this.reported.get(svcKey) === signature) return;
    this.reported.set(svcKey, signature);
    for (const p of problems) this.o.event(svc, 'Warning', p.reason, p.message);
  }

  private async cleanConntrack(before: Map<string, PortState>, keys: Iterable<string>): Promise<void> {
    const ct = this.o.conntrack;
    if (!ct) return;
    const udp = (st: PortState | undefined): UdpPortState | undefined => (st && st.port.protocol === 'UDP'
      ? { clusterIP: st.port.clusterIP, port: st.port.port, nodePort: st.port.nodePort, vips: st.port.loadBalancerVIPs, endpointIPs: st.endpointIPs }
      : undefined);
    for (const k of new Set([...before.keys(), ...keys])) {
      const b = udp(before.get(k));
      const a = udp(this.ports.get(k));
      if (b || a) await ct.clean(b, a);
    }
  }

  /** What the proxy currently has programmed for a service port (tests). */
  programmed(portKey: string): RuleUnit {
    return this.ports.get(portKey)?.unit ?? emptyUnit();
  }
}

function sliceService(s: EndpointSlice): string[] {
  const name = s.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? [`${s.metadata.namespace ?? ''}/${name}`] : [];
}
