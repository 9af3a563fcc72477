// The VolumeBinding plugin's PreBind step: after the scheduler committed a node's volume decisions (claimRef on a
// static PV, selected-node on a claim to provision), the pod is bound only once the PV binder has fully bound every
// such claim — so the pod never lands on a node before its volumes exist there.
import type { VolumeFilterResult, VolumeLookup } from '../volume/scheduling.js';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE, PersistentVolumeClaim } from '../volume/types.js';

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

/** The commit is visible in the cache: each static PV carries the claim's claimRef, each claim to provision its node. */
export function volumeCommitVisible(lookup: VolumeLookup, decision: VolumeDecision): boolean {
  const cached = (c: PersistentVolumeClaim) => lookup.claim(c.metadata.namespace ?? '', c.metadata.name ?? '');
  const bindingsVisible = decision.bindings.every(({ claim, volume }) =>
    lookup.volumes.get(volume.metadata.name ?? '')?.spec.claimRef?.uid === claim.metadata.uid || fullyBound(cached(claim) ?? claim));
  const provisionsVisible = decision.provisions.every((claim) => {
    const now = cached(claim);
    return !now || now.metadata.annotations?.[ANN_SELECTED_NODE] === decision.node || fullyBound(now);
  });
  return bindingsVisible && provisionsVisible;
}

/** Resolves once `check` holds for the cache; `check` throwing ends the wait with that error. */
function waitForCache(lookup: WatchedVolumeLookup, check: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
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
    const evaluate = () => {
      try {
        if (check()) finish();
      } catch (e) {
        finish(new Error(`binding volumes: ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    unsubscribe = lookup.onChange(evaluate);
    timer = setTimeout(() => finish(new Error('binding volumes: context deadline exceeded')), timeoutMs);
    evaluate();
  });
}

/**
 * Resolves once our commit shows in the cache (milliseconds): from then on the next pod's filter sees the PVs as
 * taken, like upstream's assume cache, and the slow part can run outside the scheduling loop.
 */
export function waitForVolumeCommit(lookup: WatchedVolumeLookup, decision: VolumeDecision, timeoutMs = 10_000, signal?: AbortSignal): Promise<void> {
  return waitForCache(lookup, () => volumeCommitVisible(lookup, decision), timeoutMs, signal);
}

/** Resolves once the decision's claims are fully bound; rejects like upstream's BindPodVolumes when it cannot. */
export function waitForVolumeBindings(lookup: WatchedVolumeLookup, decision: VolumeDecision, timeoutMs = DEFAULT_VOLUME_BIND_TIMEOUT_MS, signal?: AbortSignal): Promise<void> {
  const seen = new Set<string>();
  return waitForCache(lookup, () => volumeBindingsComplete(lookup, decision, seen), timeoutMs, signal);
}
