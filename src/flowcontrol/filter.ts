// API Priority and Fairness: the request filter of upstream's k8s.io/apiserver/pkg/server/filters/priority-and-fairness.go
// with the configuration controller of pkg/util/flowcontrol/apf_controller.go. Each request is classified by the
// FlowSchemas (lowest matchingPrecedence first), its flow is the schema and the distinguisher, and its priority level
// holds a share of the server's seats: ceil(serverLimit × nominalConcurrencyShares / Σ shares). Requests beyond a
// level's seats wait in its fair queues (queue-set.ts) or are refused with 429 and Retry-After. Exempt levels and
// long-running requests (watch, exec, attach, port-forward, proxy, log) take no seats.
import type { UserInfo } from '../api/identity.js';
import type { RequestInfo } from '../apimachinery/request-info.js';
import { byPrecedence, flowDistinguisher, matchesFlowSchema } from './match.js';
import { QueueSet } from './queue-set.js';
import type { FlowSchema, PriorityLevelConfiguration } from './types.js';

/** Upstream's default --max-requests-inflight + --max-mutating-requests-inflight. */
export const DEFAULT_SERVER_CONCURRENCY = 600;
/** How long a request may wait in a queue before it is refused (upstream: a quarter of the request timeout, ≤ 15 s). */
const MAX_QUEUE_WAIT_MS = 15_000;
/** Seats of the widest request (upstream's work estimator: maximumSeats 10). */
const MAX_SEATS = 10;
/** Upstream estimates a LIST at one seat per 100 objects; Berth measures the last answer, at ~500 bytes an object. */
const LIST_BYTES_PER_SEAT = 100 * 500;

const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** BasicLongRunningRequestCheck: requests that hold a connection open and are not counted against seats. */
export function isLongRunning(info: RequestInfo): boolean {
  if (!info.isResourceRequest) return false;
  return LONG_RUNNING_VERBS.has(info.verb) || LONG_RUNNING_SUBRESOURCES.has(info.subresource);
}

export interface Classification {
  flowSchema: FlowSchema;
  priorityLevel: PriorityLevelConfiguration;
  flowKey: string;
}

export type Decision =
  | { kind: 'exempt' | 'execute'; classification: Classification; release: () => void; seats: number; noteListBytes?: (bytes: number) => void }
  | { kind: 'reject'; classification: Classification; retryAfterSeconds: number };

interface Level {
  config: PriorityLevelConfiguration;
  queues?: QueueSet;
}

export class PriorityAndFairness {
  private schemas: FlowSchema[] = [];
  private levels = new Map<string, Level>();
  /** Bytes of the last full LIST answer per group/resource/namespace, for the LIST seat estimate. */
  private listBytes = new Map<string, number>();

  constructor(private readonly serverConcurrency = DEFAULT_SERVER_CONCURRENCY) {}

  /** A new configuration (from the watches of both kinds); queued requests keep their place. */
  configure(schemas: FlowSchema[], levels: PriorityLevelConfiguration[]): void {
    this.schemas = [...schemas].sort(byPrecedence);
    const limited = levels.filter((l) => l.spec?.type === 'Limited');
    const total = levels.reduce((n, l) => n + (l.spec?.type === 'Limited' ? l.spec.limited?.nominalConcurrencyShares ?? 30 : l.spec?.exempt?.nominalConcurrencyShares ?? 0), 0);
    const next = new Map<string, Level>();
    for (const pl of levels) {
      const name = pl.metadata.name ?? '';
      const old = this.levels.get(name);
      if (pl.spec?.type !== 'Limited' || !limited.includes(pl)) {
        next.set(name, { config: pl });
        continue;
      }
      const shares = pl.spec.limited?.nominalConcurrencyShares ?? 30;
      const lr = pl.spec.limited?.limitResponse;
      const q = lr?.type === 'Queue' ? lr.queuing ?? {} : undefined;
      const config = {
        concurrencyLimit: Math.max(1, Math.ceil((this.serverConcurrency * shares) / Math.max(1, total))),
        queues: q ? q.queues ?? 64 : 0,
        handSize: q ? q.handSize ?? 8 : 0,
        queueLengthLimit: q ? q.queueLengthLimit ?? 50 : 0,
      };
      const queues = old?.queues ?? new QueueSet(config, MAX_QUEUE_WAIT_MS);
      if (old?.queues) queues.configure(config);
      next.set(name, { config: pl, queues });
    }
    this.levels = next;
  }

  /** The schema, level and flow of a request; undefined when nothing matches (no configuration yet). */
  classify(user: UserInfo, info: RequestInfo): Classification | undefined {
    for (const fs of this.schemas) {
      if (!matchesFlowSchema(fs, user, info)) continue;
      const level = this.levels.get(fs.spec.priorityLevelConfiguration.name);
      if (!level) continue; // dangling reference: upstream moves on to the next schema
      return { flowSchema: fs, priorityLevel: level.config, flowKey: `${fs.metadata.name}\u0000${flowDistinguisher(fs, user, info)}` };
    }
    return undefined;
  }

  /** Classifies and waits for a seat; undefined: not subject to the filter. */
  async admit(user: UserInfo, info: RequestInfo, query: URLSearchParams): Promise<Decision | undefined> {
    const c = this.classify(user, info);
    if (!c) return undefined;
    const level = this.levels.get(c.priorityLevel.metadata.name ?? '');
    if (!level?.queues || isLongRunning(info)) return { kind: 'exempt', classification: c, release: () => {}, seats: 0 };
    const key = info.verb === 'list' ? `${info.group}/${info.resource}/${info.namespace}` : undefined;
    const limit = Number(query.get('limit') ?? 0);
    const seats = key ? this.listSeats(key, limit > 0 ? limit : undefined) : 1;
    const admission = await level.queues.admit(c.flowKey, seats);
    if (!admission.ok) return { kind: 'reject', classification: c, retryAfterSeconds: 1 };
    const decision: Decision = { kind: 'execute', classification: c, release: admission.release, seats };
    if (key && !(limit > 0)) decision.noteListBytes = (bytes) => this.listBytes.set(key, bytes);
    return decision;
  }

  /** One seat per 100 objects to be listed (a client's limit caps them), at least 1, at most MAX_SEATS. */
  private listSeats(key: string, limit: number | undefined): number {
    const bytes = this.listBytes.get(key);
    const byBytes = bytes === undefined ? 1 : Math.ceil(bytes / LIST_BYTES_PER_SEAT);
    const byLimit = limit === undefined ? Infinity : Math.ceil(limit / 100);
    return Math.max(1, Math.min(MAX_SEATS, byBytes, byLimit));
  }

  /** Seats in use and requests waiting per limited level (for tests and diagnostics). */
  stats(): Record<string, { inUse: number; waiting: number }> {
    const out: Record<string, { inUse: number; waiting: number }> = {};
    for (const [name, l] of this.levels) if (l.queues) out[name] = { inUse: l.queues.inUse, waiting: l.queues.waiting };
    return out;
  }
}
