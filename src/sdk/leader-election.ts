// Leader election on a coordination.k8s.io/v1 Lease, following client-go's leaderelection package:
//  - candidates poll every retryPeriod (jittered); a Lease whose holder is someone else is respected until
//    leaseDuration has passed since *we observed* its record change (local clock only, no clock-skew trust);
//  - every write is a compare-and-swap on resourceVersion, so two candidates cannot both win one round;
//  - the leader renews every retryPeriod and gives up leading when it has not renewed for renewDeadline, which is
//    shorter than leaseDuration: it stops acting before anyone else may take over;
//  - on shutdown the leader releases the Lease (empty holder, 1 s duration) so a standby takes over at once.
import { isNotFound, isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import type { KubeClient } from '../client/client.js';
import { sleep } from '../client/http.js';
import { builtin, resourcePath } from '../client/resources.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { LeaseSpec, Lease } from '../api/generated/coordination-v1.js';
export type { LeaseSpec, Lease } from '../api/generated/coordination-v1.js';

export interface LeaderElectionOptions {
  /** Lease name. */
  name: string;
  namespace: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Defaults to `<hostname>_<uuid>` as controller-runtime. */
  identity?: string;
  /** Release the Lease on stop (default true). */
  releaseOnCancel?: boolean;
}

export interface LeaderCallbacks {
  onStartedLeading?(): void;
  onStoppedLeading?(): void;
  /** The observed holder changed (including to ourselves). */
  onNewLeader?(identity: string): void;
}

/** client-go's JitterFactor for the candidate poll. */
export const JITTER_FACTOR = 1.2;

/** metav1.MicroTime's wire form: RFC 3339 with microseconds. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function validateLeaderElection(o: Required<Pick<LeaderElectionOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>>): void {
  if (o.leaseDurationMs <= o.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
  if (o.renewDeadlineMs <= JITTER_FACTOR * o.retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*JitterFactor');
  if (o.leaseDurationMs < 1) throw new Error('leaseDuration must be greater than zero');
  if (o.renewDeadlineMs < 1) throw new Error('renewDeadline must be greater than zero');
  if (o.retryPeriodMs < 1) throw new Error('retryPeriod must be greater than zero');
}

export class LeaderElector {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private leading = false;
  private lastRenew = 0;
  private observedSpec?: LeaseSpec;
  private observedTime = 0;
  private lastLease?: Lease;
  private reachedServer = false;

  constructor(private readonly client: KubeClient, private readonly opts: LeaderElectionOptions, private readonly callbacks: LeaderCallbacks = {}) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    validateLeaderElection(this);
    this.identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  }

  /** Leading and renewed within the renew deadline: safe to act. */
  isLeader(): boolean {
    return this.leading && Date.now() - this.lastRenew < this.renewDeadlineMs;
  }

  /** The last holder we saw in the Lease ('' when none). */
  get observedLeader(): string {
    return this.observedSpec?.holderIdentity ?? '';
  }

  /** True once the Lease has been read or written at least once (a healthy standby). */
  get ready(): boolean {
    return this.reachedServer;
  }

  run(): void {
    this.running ??= this.loop();
  }

  /** Stops campaigning; a leader stops leading and releases the Lease. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      if (!(await this.acquire())) break;
      this.leading = true;
      this.lastRenew = Date.now();
      this.call(() => this.callbacks.onStartedLeading?.());
      await this.renewUntilLost();
      this.leading = false;
      if (signal.aborted && this.opts.releaseOnCancel !== false) await this.release();
      this.call(() => this.callbacks.onStoppedLeading?.());
    }
  }

  /** Polls until we hold the Lease; false when stopped first. */
  private async acquire(): Promise<boolean> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      const wait = this.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR);
      try {
        await sleep(wait, signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Renews every retryPeriod; returns when stopped or when renewing failed for the whole renew deadline. */
  private async renewUntilLost(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await sleep(this.retryPeriodMs, signal);
      } catch {
        return;
      }
      if (Date.now() - this.lastRenew >= this.renewDeadlineMs) return; // the event loop stalled past the deadline
      if (await this.tryAcquireOrRenew()) {
        this.lastRenew = Date.now();
        continue;
      }
      if (Date.now() - this.lastRenew + this.retryPeriodMs >= this.renewDeadlineMs) return;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const nowDate = new Date();
    const now = nowDate.getTime();
    const leaseDurationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    const fresh: LeaseSpec = {
      holderIdentity: this.identity, leaseDurationSeconds,
      acquireTime: microTime(nowDate), renewTime: microTime(nowDate), leaseTransitions: 0,
    };
    // A request may not outlive the renew deadline (client-go bounds each attempt the same way). Stopping does
    // not abort it: a renew that reached the server must be seen, or the release below would conflict.
    const signal = AbortSignal.timeout(this.renewDeadlineMs);
    let lease: Lease;
    try {
      lease = await this.request<Lease>('GET', this.opts.name, undefined, signal);
    } catch (e) {
      if (!isNotFound(e)) return false;
      this.reachedServer = true;
      try {
        const created = await this.request<Lease>('POST', undefined, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
          metadata: { name: this.opts.name, namespace: this.opts.namespace }, spec: fresh,
        }, signal);
        this.observe(created, now);
        return true;
      } catch {
        return false;
      }
    }
    this.reachedServer = true;
    const old = lease.spec ?? {};
    this.observe(lease, now);
    const holder = old.holderIdentity ?? '';
    const validUntil = this.observedTime + (old.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== this.identity && validUntil > now) return false;

    const spec: LeaseSpec = { ...fresh };
    if (holder === this.identity) {
      spec.acquireTime = old.acquireTime ?? spec.acquireTime;
      spec.leaseTransitions = old.leaseTransitions ?? 0;
    } else {
      spec.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    }
    try {
      const updated = await this.request<Lease>('PUT', this.opts.name, { ...lease, spec }, signal);
      this.observe(updated, now);
      return true;
    } catch {
      return false; // a conflict means someone else wrote first; retry next period
    }
  }

  private async release(): Promise<void> {
    const deadline = AbortSignal.timeout(this.renewDeadlineMs);
    // One retry after a conflict: our own last renew may have landed after we read the Lease.
    for (let attempt = 0; attempt < 2; attempt++) {
      const lease = this.lastLease;
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const now = microTime(new Date());
      const spec: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: lease.spec?.leaseTransitions ?? 0 };
      try {
        this.observe(await this.request<Lease>('PUT', this.opts.name, { ...lease, spec }, deadline), Date.now());
        return;
      } catch (e) {
        if (!isAlreadyExistsOrConflict(e)) return; // not fatal: the Lease simply expires
        try {
          this.lastLease = await this.request<Lease>('GET', this.opts.name, undefined, deadline);
        } catch {
          return;
        }
      }
    }
  }

  private observe(lease: Lease, now: number): void {
    this.lastLease = lease;
    const spec = lease.spec ?? {};
    if (!this.observedSpec || JSON.stringify(this.observedSpec) !== JSON.stringify(spec)) {
      const leaderChanged = (this.observedSpec?.holderIdentity ?? '') !== (spec.holderIdentity ?? '');
      this.observedSpec = spec;
      this.observedTime = now;
      if (leaderChanged) this.call(() => this.callbacks.onNewLeader?.(spec.holderIdentity ?? ''));
    }
  }

  private request<T>(method: 'GET' | 'POST' | 'PUT', name: string | undefined, body: unknown, signal: AbortSignal): Promise<T> {
    return this.client.rest.request<T>({ method, path: resourcePath(builtin.leases, this.opts.namespace, name), body, signal });
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      console.warn(`leader election ${this.opts.namespace}/${this.opts.name}: callback failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
