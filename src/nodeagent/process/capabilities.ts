// Linux capabilities by name, and the set a container gets: containerd's default (oci.WithDefaultSpec) with the
// container's securityContext.capabilities add/drop applied, all of them when privileged.

const CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

export const DEFAULT_CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP',
  'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

/** `NET_ADMIN`, `CAP_NET_ADMIN` and `net_admin` all name capability 12; undefined for unknown names. */
export function capabilityNumber(name: string): number | undefined {
  const i = CAPABILITIES.indexOf(name.toUpperCase().replace(/^CAP_/, ''));
  return i < 0 ? undefined : i;
}

/** The capability numbers a container runs with, or 'all' when privileged. Unknown names are ignored. */
export function containerCapabilities(sc: { privileged?: boolean; capabilities?: { add?: string[]; drop?: string[] } } | undefined): number[] | 'all' {
  if (sc?.privileged) return 'all';
  const norm = (n: string) => n.toUpperCase().replace(/^CAP_/, '');
  const add = (sc?.capabilities?.add ?? []).map(norm);
  const drop = (sc?.capabilities?.drop ?? []).map(norm);
  // containerd: ALL in add grants every capability, ALL in drop clears them; named adds always win over drops.
  const names = new Set(add.includes('ALL') ? CAPABILITIES : DEFAULT_CAPABILITIES);
  if (drop.includes('ALL')) names.clear();
  for (const n of drop) names.delete(n);
  for (const n of add) if (n !== 'ALL') names.add(n);
  return [...names].map(capabilityNumber).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
}
