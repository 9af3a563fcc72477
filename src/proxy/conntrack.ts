// Stale UDP flows, as kube-proxy clears them (pkg/proxy/conntrack/cleanup.go): UDP has no connection to close, so
// a conntrack entry keeps sending a client's datagrams to an endpoint that is gone, or (for a Service that had no
// endpoints) keeps them un-NATed, until it times out. After a sync the proxy deletes the entries that point at
// removed endpoints, and those of Services that just got their first endpoint. Needs the `conntrack` tool
// (conntrack package); without it the flows only time out, and the proxy says so once.
import { findProgram, run } from '../networking/command.js';

export interface UdpPortState {
  clusterIP: string;
  port: number;
  nodePort: number;
  vips: string[];
  /** Endpoint IPs traffic may be DNATed to. */
  endpointIPs: Set<string>;
}

export class ConntrackCleaner {
  private readonly binary = findProgram('conntrack');
  private warned = false;

  constructor(private readonly log: (message: string) => void) {}

  /** Deletes what became stale between `before` and `after` of one UDP service port. */
  async clean(before: UdpPortState | undefined, after: UdpPortState | undefined): Promise<void> {
    const jobs: string[][] = [];
    if (before) {
      for (const ip of before.endpointIPs) {
        if (after?.endpointIPs.has(ip)) continue;
        for (const dst of [before.clusterIP, ...before.vips]) jobs.push(['--orig-dst', dst, '--dst-nat', ip]);
        if (before.nodePort) jobs.push(['--orig-port-dst', String(before.nodePort), '--dst-nat', ip]);
      }
    }
    if (after && after.endpointIPs.size > 0 && (!before || before.endpointIPs.size === 0)) {
      for (const dst of [after.clusterIP, ...after.vips]) jobs.push(['--orig-dst', dst, '--orig-port-dst', String(after.port)]);
      if (after.nodePort) jobs.push(['--orig-port-dst', String(after.nodePort)]);
    }
    if (!jobs.length) return;
    if (!this.binary) {
      if (!this.warned) this.log('the conntrack tool is missing (conntrack package): UDP flows to removed Service endpoints last until they time out');
      this.warned = true;
      return;
    }
    for (const args of jobs) {
      // exit status 1 with "0 flow entries have been deleted" is the usual, harmless outcome
      await run(this.binary, ['-D', '-p', 'udp', ...args]).catch(() => undefined);
    }
  }
}
