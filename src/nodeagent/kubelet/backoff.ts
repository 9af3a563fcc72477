// Container restart back-off (CrashLoopBackOff): client-go util/flowcontrol/backoff.go as the kubelet configures it
// (10 s doubling to 5 min, no jitter; an entry expires after 10 min without a restart) and the texts of
// kuberuntime_manager.go doBackOff.
import { goDuration } from '../../apimachinery/duration.js';
import type { Pod } from '../../api/core.js';
import { formatPod, type KubeletEvent } from './events.js';

/** pkg/kubelet: containerBackOffPeriod and MaxContainerBackOff. */
export const CONTAINER_BACKOFF_INITIAL_MS = 10_000;
export const CONTAINER_BACKOFF_MAX_MS = 300_000;

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** How long after its last update an entry is forgotten (client-go: 2 × max; the kubelet: 600 s). */
  expireAfterMs?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

interface Entry {
  backoff: number;
  lastUpdate: number;
}

/** flowcontrol.Backoff keyed by container (one per node in the kubelet). */
export class Backoff {
  private readonly entries = new Map<string, Entry>();
  readonly initialMs: number;
  readonly maxMs: number;
  private readonly expireAfterMs: number;
  private readonly now: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? CONTAINER_BACKOFF_INITIAL_MS;
    this.maxMs = opts.maxMs ?? CONTAINER_BACKOFF_MAX_MS;
    this.expireAfterMs = opts.expireAfterMs ?? 2 * this.maxMs;
    this.now = opts.now ?? Date.now;
  }

  /** The current back-off of `id` (0 when it has none). */
  get(id: string): number {
    return this.entries.get(id)?.backoff ?? 0;
  }

  /** Next: start at the initial delay (or again after expiry), otherwise double up to the maximum. */
  next(id: string, eventTime: number): void {
    const entry = this.entries.get(id);
    if (!entry || this.expired(eventTime, entry.lastUpdate)) {
      this.entries.set(id, { backoff: this.initialMs, lastUpdate: this.now() });
      return;
    }
    entry.backoff = Math.min(entry.backoff * 2, this.maxMs);
    entry.lastUpdate = this.now();
  }

  /** IsInBackOffSince: whether less than the current back-off has passed since `eventTime` (the last exit). */
  isInBackOffSince(id: string, eventTime: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.expired(eventTime, entry.lastUpdate)) return false;
    return this.now() - eventTime < entry.backoff;
  }

  /** How long until the window that started at `eventTime` closes (0 when not backing off). */
  remaining(id: string, eventTime: number): number {
    if (!this.isInBackOffSince(id, eventTime)) return 0;
    return Math.max(0, eventTime + this.get(id) - this.now());
  }

  reset(id: string): void {
    this.entries.delete(id);
  }

  /** GC: forget entries not updated for the expiry period. */
  gc(): void {
    const now = this.now();
    for (const [id, e] of this.entries) if (this.expired(now, e.lastUpdate)) this.entries.delete(id);
  }

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.expireAfterMs;
  }
}

/** A key per pod instance and container (upstream adds a hash of the container spec). */
export const backOffKey = (pod: Pod, containerName: string) =>
  `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}_${pod.metadata.uid ?? ''}_${containerName}`;

/** The waiting message of a container in CrashLoopBackOff. */
export function backOffMessage(delayMs: number, containerName: string, pod: Pod): string {
  return `back-off ${goDuration(delayMs)} restarting failed container=${containerName} pod=${formatPod(pod)}`;
}

/** The BackOff event recorded each time the kubelet holds a restart back. */
export function backOffEvent(containerName: string, pod: Pod): KubeletEvent {
  return { type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${containerName} in pod ${formatPod(pod)}` };
}

export type RestartDecision =
  | { restart: true }
  | { restart: false; reason: 'CrashLoopBackOff'; message: string; retryInMs: number; event: KubeletEvent };

/**
 * doBackOff for a container that exited at `finishedAt`: restart now (recording the restart in the back-off), or
 * wait in CrashLoopBackOff for `retryInMs`, after which the caller asks again.
 */
export function restartDecision(backoff: Backoff, pod: Pod, containerName: string, finishedAt: number): RestartDecision {
  const key = backOffKey(pod, containerName);
  if (backoff.isInBackOffSince(key, finishedAt)) {
    return {
      restart: false,
      reason: 'CrashLoopBackOff',
      message: backOffMessage(backoff.get(key), containerName, pod),
      retryInMs: backoff.remaining(key, finishedAt),
      event: backOffEvent(containerName, pod),
    };
  }
  backoff.next(key, finishedAt);
  return { restart: true };
}
