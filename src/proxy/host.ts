// What the proxy turns on in the host's network stack, all of it scoped to the instance's bridge so that no other
// interface (nor another Berth on the machine) changes behaviour:
//  - bridge option nf_call_iptables (br_netfilter, per bridge, not the global bridge-nf-call-iptables): frames
//    bridged between two pods pass nftables' IP hooks, so a reply from a pod on the same bridge is un-DNATed (this is
//    why kube-proxy needs br_netfilter);
//  - net.ipv4.conf.<bridge>.forwarding (not net.ipv4.ip_forward): a pod's packet to a Service DNATed to another pod
//    is routed back out of the bridge; nothing received on another interface is forwarded because of Berth;
//  - net.ipv4.conf.<bridge>.route_localnet: a NodePort reached on 127.0.0.1 is DNATed to a pod, so a packet with a
//    loopback source leaves (then masqueraded) through the bridge, as with kube-proxy's iptables mode (which sets it
//    on all interfaces); the table drops new connections from the bridge to 127.0.0.0/8;
//  - the Service range routed to the bridge instead of the runtime's unreachable route, so the host itself reaches
//    ClusterIPs (DNATed in the output hook); whatever is not a Service is rejected by the table, and the
//    unreachable route comes back when the proxy stops.
import { existsSync } from 'node:fs';
import { run, runQuiet } from '../networking/command.js';

export interface HostSettingsOptions {
  bridge: string;
  serviceCidr: string;
  /** Source address for the host's connections to ClusterIPs (the first node's address), if any node exists. */
  hostSource?: string;
}

export const BR_NETFILTER_MISSING = "the kernel's br_netfilter module is not available (modprobe br_netfilter): without it a pod cannot reach a Service whose endpoint is a pod on the same bridge";

export class HostSettings {
  constructor(private readonly o: HostSettingsOptions) {}

  async apply(): Promise<void> {
    if (!existsSync('/proc/sys/net/bridge')) await runQuiet('modprobe', ['br_netfilter']);
    if (!existsSync('/proc/sys/net/bridge')) throw new Error(BR_NETFILTER_MISSING);
    const b = this.o.bridge;
    await run('ip', ['link', 'set', 'dev', b, 'type', 'bridge', 'nf_call_iptables', '1']);
    await run('sysctl', ['-q', '-w', `net.ipv4.conf.${b}.forwarding=1`, `net.ipv4.conf.${b}.route_localnet=1`]);
    await run('ip', ['route', 'replace', this.o.serviceCidr, 'dev', b, ...(this.o.hostSource ? ['src', this.o.hostSource] : [])]);
  }

  /** Puts back what apply changed (the bridge may already be gone: then there is nothing to put back). */
  async revert(): Promise<void> {
    const b = this.o.bridge;
    if (!existsSync(`/proc/sys/net/ipv4/conf/${b}`)) return;
    await runQuiet('sysctl', ['-q', '-w', `net.ipv4.conf.${b}.forwarding=0`, `net.ipv4.conf.${b}.route_localnet=0`]);
    await runQuiet('ip', ['route', 'replace', 'unreachable', this.o.serviceCidr]);
  }
}
