// Answers for the Kubernetes DNS-Based Service Discovery specification (kubernetes/dns docs/specification.md,
// schema 1.1.0) in one zone (cluster.local):
//   <svc>.<ns>.svc.<zone>              A: the ClusterIP; headless: one per ready endpoint (NXDOMAIN when none);
//                                      ExternalName: CNAME
//   <host>.<svc>.<ns>.svc.<zone>       A per ready endpoint of a headless service named <host> (its hostname, or
//                                      its dashed IP when it has none)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV per named port: the service name, or for headless services one
//                                      per ready endpoint with its own name as target (A records as additionals)
//   d.c.b.a.in-addr.arpa               PTR for ClusterIPs, hostnamed endpoints and pod IPs
//   a-b-c-d.<ns>.pod.<zone>            A for a pod with that IP in that namespace
//   dns-version.<zone>                 TXT "1.1.0"
// Names that exist with no data of the asked type get NOERROR and an empty answer; unknown names NXDOMAIN; both
// carry the zone's SOA in the authority section.
import { randomInt } from 'node:crypto';
import type { Answer } from 'dns-packet';
import type { Service } from '../controllers/endpointslice/types.js';
import { ClusterDnsData, ServiceEndpoint } from './data.js';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'FORMERR' | 'SERVFAIL' | 'NOTIMP';

export interface Resolution {
  rcode: Rcode;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ResolverOptions {
  zone?: string;
  /** TTL of positive answers and of the SOA's negative-caching minimum; default 5 s as CoreDNS. */
  ttl?: number;
  serial?: number;
}

export const SCHEMA_VERSION = '1.1.0';
const REVERSE_ZONE = 'in-addr.arpa';
/** CNAMEs followed within the zone before the answer stops (a loop of ExternalNames ends there). */
const MAX_CNAME_CHAIN = 8;

export class ClusterResolver {
  readonly zone: string;
  private readonly ttl: number;
  private readonly serial: number;

  constructor(private readonly data: ClusterDnsData, opts: ResolverOptions = {}) {
    this.zone = (opts.zone ?? 'cluster.local').toLowerCase().replace(/\.$/, '');
    this.ttl = opts.ttl ?? 5;
    this.serial = opts.serial ?? Math.floor(Date.now() / 1000);
  }

  /** Whether this resolver is the authority for `qname` (the cluster zone and the reverse zone). */
  answers(qname: string): boolean {
    const name = qname.replace(/\.$/, '').toLowerCase();
    return name === this.zone || name.endsWith(`.${this.zone}`) || name === REVERSE_ZONE || name.endsWith(`.${REVERSE_ZONE}`);
  }

  resolve(qname: string, qtype: string): Resolution {
    return this.resolveChasing(qname, qtype, 0);
  }

  /** A CNAME answer (ExternalName) is followed when its target is in the zone, as CoreDNS does. */
  private resolveChasing(qname: string, qtype: string, depth: number): Resolution {
    const owner = qname.replace(/\.$/, '');
    const name = owner.toLowerCase();
    const type = qtype.toUpperCase();
    if (name === REVERSE_ZONE || name.endsWith(`.${REVERSE_ZONE}`)) return this.reverse(owner, name, type);
    if (name !== this.zone && !name.endsWith(`.${this.zone}`)) return { rcode: 'REFUSED', answers: [], authorities: [], additionals: [] };
    const labels = name === this.zone ? [] : name.slice(0, -(this.zone.length + 1)).split('.');
    const r = new Builder(owner, type, this.ttl);
    this.forward(labels, r);
    const res = r.finish(this.soa(this.zone));
    const cname = res.answers.at(-1);
    if (type === 'CNAME' || cname?.type !== 'CNAME' || depth >= MAX_CNAME_CHAIN) return res;
    const target = String(cname.data);
    if (!this.answers(target) || target.toLowerCase().endsWith(REVERSE_ZONE)) return res; // outside the zone: the server asks upstream
    const more = this.resolveChasing(target, type, depth + 1);
    return {
      rcode: more.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : res.rcode,
      answers: [...res.answers, ...more.answers],
      authorities: more.answers.length ? [] : more.authorities,
      additionals: [...res.additionals, ...more.additionals],
    };
  }

  private forward(labels: string[], r: Builder): void {
    const n = labels.length;
    if (n === 0) {
      r.exists();
      if (r.type === 'SOA') r.answers.push(this.soa(this.zone));
      if (r.type === 'NS') r.add('NS', `ns.dns.${this.zone}`);
      return;
    }
    if (n === 1 && labels[0] === 'dns-version') {
      r.exists();
      r.add('TXT', SCHEMA_VERSION);
      return;
    }
    const kind = labels[n - 1];
    if (kind === 'svc') return this.serviceNames(labels.slice(0, -1), r);
    if (kind === 'pod') return this.podNames(labels.slice(0, -1), r);
    if (n === 2 && labels[0] === 'ns' && labels[1] === 'dns') return r.exists(); // the SOA's mname
  }

  /** Names under svc.<zone>: [], [ns], [svc, ns], [host, svc, ns], [_port, _proto, svc, ns]. */
  private serviceNames(l: string[], r: Builder): void {
    if (l.length === 0) return r.exists();
    const ns = l[l.length - 1];
    if (l.length === 1) {
      if (this.data.hasServicesIn(ns)) r.exists();
      return;
    }
    const svcName = l[l.length - 2];
    const svc = this.data.service(ns, svcName);
    if (!svc) return;
    const fqdn = `${svcName}.${ns}.svc.${this.zone}`;
    if (l.length === 2) return this.serviceRecords(svc, r);
    if (l.length === 3) {
      const first = l[0];
      if (first.startsWith('_')) {
        // `_<proto>.<svc>…` is an empty non-terminal when some port has that protocol
        if ((svc.spec?.ports ?? []).some((p) => `_${(p.protocol ?? 'TCP').toLowerCase()}` === first && p.name)) r.exists();
        return;
      }
      if (!isHeadless(svc)) return;
      for (const ep of this.data.readyEndpoints(ns, svcName)) {
        if (endpointName(ep) === first) {
          r.exists();
          r.add('A', ep.address);
        }
      }
      return;
    }
    if (l.length === 4 && l[0].startsWith('_') && l[1].startsWith('_')) this.srvRecords(svc, fqdn, l[0].slice(1), l[1].slice(1), r);
  }

  private serviceRecords(svc: Service, r: Builder): void {
    const spec = svc.spec ?? {};
    const ns = svc.metadata.namespace ?? '';
    if (spec.type === 'ExternalName') {
      if (!spec.externalName) return;
      r.exists();
      r.add('CNAME', spec.externalName.replace(/\.$/, ''));
      return;
    }
    if (!isHeadless(svc)) {
      r.exists();
      if (r.type === 'A' || r.type === 'ANY') for (const ip of clusterIPv4s(svc)) r.add('A', ip);
      return;
    }
    const eps = this.data.readyEndpoints(ns, svc.metadata.name ?? '');
    if (!eps.length) return; // headless without ready endpoints: NXDOMAIN
    r.exists();
    if (r.type === 'A' || r.type === 'ANY') for (const ep of eps) r.add('A', ep.address);
  }

  private srvRecords(svc: Service, fqdn: string, portName: string, proto: string, r: Builder): void {
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') return;
    const ns = svc.metadata.namespace ?? '';
    const matches = (p: { name?: string; protocol?: string }) => !!p.name && p.name === portName && (p.protocol ?? 'TCP').toLowerCase() === proto;
    if (!isHeadless(svc)) {
      const port = (spec.ports ?? []).find(matches);
      if (!port) return;
      r.exists();
      if (r.type !== 'SRV' && r.type !== 'ANY') return;
      r.add('SRV', { priority: 0, weight: 100, port: port.port, target: fqdn });
      for (const ip of clusterIPv4s(svc)) r.additional('A', fqdn, ip);
      return;
    }
    const portsByAddress = this.data.endpointPortsByAddress(ns, svc.metadata.name ?? '');
    const targets: { target: string; port: number; address: string }[] = [];
    for (const ep of this.data.readyEndpoints(ns, svc.metadata.name ?? '')) {
      const port = (portsByAddress.get(ep.address) ?? []).find(matches);
      if (port?.port === undefined) continue;
      targets.push({ target: `${endpointName(ep)}.${fqdn}`, port: port.port, address: ep.address });
    }
    if (!targets.length) return;
    r.exists();
    if (r.type !== 'SRV' && r.type !== 'ANY') return;
    const weight = Math.max(1, Math.floor(100 / targets.length));
    for (const t of targets) {
      r.add('SRV', { priority: 0, weight, port: t.port, target: t.target });
      r.additional('A', t.target, t.address);
    }
  }

  /** a-b-c-d.<ns>.pod.<zone>: only for a pod that has that IP in that namespace ("pods verified"). */
  private podNames(l: string[], r: Builder): void {
    if (l.length === 0) return r.exists();
    if (l.length === 1) return r.exists(); // <ns>.pod.<zone>
    if (l.length !== 2) return;
    const ip = dashedToIP(l[0]);
    if (!ip) return;
    if (!this.data.podsAt(ip).some((p) => p.metadata.namespace === l[1])) return;
    r.exists();
    r.add('A', ip);
  }

  private reverse(owner: string, name: string, type: string): Resolution {
    const r = new Builder(owner, type, this.ttl);
    const parts = name === REVERSE_ZONE ? [] : name.slice(0, -(REVERSE_ZONE.length + 1)).split('.');
    if (parts.length < 4) {
      r.exists(); // an empty non-terminal on the way to a full address
    } else if (parts.length === 4) {
      const ip = [...parts].reverse().join('.');
      if (isIPv4(ip)) {
        const names = this.ptrNames(ip);
        if (names.length) {
          r.exists();
          if (type === 'PTR' || type === 'ANY') for (const n of names) r.add('PTR', n);
        }
      }
    }
    return r.finish(this.soa(REVERSE_ZONE));
  }

  private ptrNames(ip: string): string[] {
    const out = new Set<string>();
    for (const svc of this.data.servicesByClusterIP(ip)) out.add(`${svc.metadata.name}.${svc.metadata.namespace}.svc.${this.zone}`);
    for (const ep of this.data.endpointsAt(ip)) {
      const svc = this.data.service(ep.namespace, ep.serviceName);
      if (svc && isHeadless(svc) && ep.endpoint.hostname) out.add(`${ep.endpoint.hostname}.${ep.serviceName}.${ep.namespace}.svc.${this.zone}`);
    }
    if (!out.size) for (const pod of this.data.podsAt(ip)) out.add(`${ip.replace(/\./g, '-')}.${pod.metadata.namespace}.pod.${this.zone}`);
    return [...out];
  }

  soa(zone: string): Answer {
    return {
      type: 'SOA', name: zone, ttl: this.ttl, class: 'IN',
      data: { mname: `ns.dns.${this.zone}`, rname: `hostmaster.${this.zone}`, serial: this.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: this.ttl },
    };
  }
}

/** Collects one question's answer; a name that exists but has no records of the type is NODATA. */
class Builder {
  readonly answers: Answer[] = [];
  readonly additionals: Answer[] = [];
  private found = false;

  constructor(readonly owner: string, readonly type: string, private readonly ttl: number) {}

  exists(): void {
    this.found = true;
  }

  /** Adds a record of `rtype` for the owner name when the question asks for it (CNAME answers every type). */
  add(rtype: string, data: unknown): void {
    this.found = true;
    if (rtype === this.type || this.type === 'ANY' || rtype === 'CNAME') this.answers.push({ type: rtype, name: this.owner, ttl: this.ttl, class: 'IN', data });
  }

  additional(rtype: string, name: string, data: unknown): void {
    this.additionals.push({ type: rtype, name, ttl: this.ttl, class: 'IN', data });
  }

  finish(soa: Answer): Resolution {
    if (!this.found) return { rcode: 'NXDOMAIN', answers: [], authorities: [soa], additionals: [] };
    if (!this.answers.length) return { rcode: 'NOERROR', answers: [], authorities: [soa], additionals: [] };
    return { rcode: 'NOERROR', answers: loadBalanced(this.answers), authorities: [], additionals: this.additionals };
  }
}

/**
 * The A records of an answer in a random order, as CoreDNS's `loadbalance` plugin (in kubeadm's default Corefile)
 * gives them: clients that take the first address of a headless Service spread over its pods. Other records keep
 * their places.
 */
function loadBalanced(answers: Answer[]): Answer[] {
  const slots = answers.flatMap((a, i) => (a.type === 'A' ? [i] : []));
  if (slots.length < 2) return answers;
  const a = slots.map((i) => answers[i]);
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  const out = [...answers];
  slots.forEach((slot, k) => { out[slot] = a[k]; });
  return out;
}

const isHeadless = (svc: Service) => svc.spec?.clusterIP === 'None';
const clusterIPv4s = (svc: Service) => (svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : [])).filter(isIPv4);

/** An endpoint's DNS label: its hostname, or its IP with dashes. */
export function endpointName(ep: ServiceEndpoint): string {
  return ep.endpoint.hostname || ep.address.replace(/\./g, '-');
}

function isIPv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((x) => Number(x) <= 255 && String(Number(x)) === x);
}

function dashedToIP(label: string): string | undefined {
  const ip = label.replace(/-/g, '.');
  return isIPv4(ip) ? ip : undefined;
}
