// Which machine's filesystem a node is on. A hostPath volume the local provisioner makes lives on the disk of the
// machine it runs on; on another machine the same path is another (empty) directory. Every node agent labels its
// nodes with the id of its machine (/etc/machine-id, what systemd and the kubelet's nodeInfo.machineID read), and a
// volume provisioned without a selected node is pinned to the nodes that share the provisioner's machine. Nodes
// in network namespaces of one host share its filesystem, and its machine id, as they should.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export const MACHINE_ID_LABEL = 'node.berth.dev/machine-id';

let cached: string | undefined;

/** This machine's id: /etc/machine-id (32 hex digits), else a hash of the host name. */
export function localMachineId(): string {
  cached ??= machineIdFrom(() => readFileSync('/etc/machine-id', 'utf8'), hostname());
  return cached;
}

/** `read` gives /etc/machine-id; a missing or malformed one falls back to the host name (a label value either way). */
export function machineIdFrom(read: () => string, host: string): string {
  try {
    const id = read().trim().toLowerCase();
    if (/^[0-9a-f]{32}$/.test(id)) return id;
  } catch {
    // no /etc/machine-id (a minimal container): fall back to the host name
  }
  return createHash('sha256').update(`host:${host}`).digest('hex').slice(0, 32);
}

/** A PersistentVolume's nodeAffinity that keeps it to the nodes of machine `id`. */
export function machineNodeAffinity(id: string): { required: { nodeSelectorTerms: { matchExpressions: { key: string; operator: string; values: string[] }[] }[] } } {
  return { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: MACHINE_ID_LABEL, operator: 'In', values: [id] }] }] } };
}
