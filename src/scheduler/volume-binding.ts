// The VolumeBinding plugin's PreBind step: after the scheduler committed a node's volume decisions (claimRef on a
// static PV, selected-node on a claim to provision), the pod is bound only once the PV binder has fully bound every
// such claim — so the pod never lands on a node before its volumes exist there.
import type { VolumeFilterResult, VolumeLookup } from '../controllers/volume/scheduling.js';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE, PersistentVolumeClaim } from '../controllers/volume/types.js';

export type VolumeDecision = Extract<VolumeFilterResult, { ok: true }>;

/** A lookup that tells when claims, volumes or classes changed. */
export interface WatchedVolumeLookup extends VolumeLookup {
  onChange(listener: () => void): () => void;
}

/** Upstream's default is 600 s; a simulated cluster binds in milliseconds, so a stuck one is noticed sooner. */
export const DEFAULT_VOLUME_BIND_TIMEOUT_MS = 60_000;

export const hasVolumeWork = (d: VolumeDecision) => d.bindings.length > 0 || d.provisions.length > 0;

/** isPVCFullyBound: the binder set volumeName and marked the binding complete. */
const fullyBound = (c: PersistentVolumeClaim) => !!c.spec.volumeName && c.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;

/**
 * checkBindings: true when every claim of the decision is fully bound, false while still waiting; throws when the
 * decision can no longer complete (claim gone or replaced, claimRef or selected-node taken back). Our own writes
 * reach the cache a moment later, so a missing claimRef/annotation counts as taken back only once `seen` has it.
 */
export function volumeBindingsComplete(lookup: VolumeLookup, decision: VolumeDecision, seen: Set<string> = new Set()): boolean {
  let complete = true;
  const current = (c: PersistentVolumeClaim): PersistentVolumeClaim => {
    const ns = c.metadata.namespace ?? '', name = c.metadata.name ?? '';
    const now = lookup.claim(ns, name);
    if (!now || now.metadata.uid !== c.metadata.uid) throw new Error(`failed to get cached claim "${ns}/${name}" from cache`);
    return now;
  };
  for (const { claim, volume } of decision.bindings) {
    const now = current(claim);
    const name = volume.metadata.name ?? '';
    const pv = lookup.volumes.get(name);
    if (!pv) throw new Error(`failed to get pv "${name}" from cache`);
    if (pv.spec.claimRef) seen.add(`pv/${name}`);
    else if (seen.has(`pv/${name}`)) throw new Error(`pv "${name}" claimRef was cleared`);
    if (!fullyBound(now)) complete = false;
  }
  for (const claim of decision.provisions) {
    const now = current(claim);
    if (fullyBound(now)) continue;
    const key = `pvc/${now.metadata.namespace}/${now.metadata.name}`;
    if (now.metadata.annotations?.[ANN_SELECTED_NODE] !== undefined) seen.add(key);
    else if (seen.has(key)) throw new Error(`selectedNode annotation reset for PVC "${now.metadata.name}"`);
    complete = false;
  }
  return complete;
}

/** Resolves once the decision's claims are fully bound; rejects like upstream's BindPodVolumes when it cannot. */
export function waitForVolumeBindings(lookup: WatchedVolumeLookup, decision: VolumeDecision, timeoutMs = DEFAULT_VOLUME_BIND_TIMEOUT_MS, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => finish(new Error('binding volumes: context canceled'));
    const finish = (err?: Error) => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const seen = new Set<string>();
    const check = () => {
      try {
        if (volumeBindingsComplete(lookup, decision, seen)) finish();
      } catch (e) {
        finish(new Error(`binding volumes: ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    unsubscribe = lookup.onChange(check);
    timer = setTimeout(() => finish(new Error('binding volumes: context deadline exceeded')), timeoutMs);
    check();
  });
}
