// Fair queuing of one priority level, after upstream's k8s.io/apiserver/pkg/util/flowcontrol/fairqueuing/queueset:
// a flow is dealt a hand of queues by shuffle sharding (its hash picks `handSize` of `queues`) and its request joins
// the shortest of them; requests leave the queues in the order of their virtual finish time in seats (self-clocked
// fair queuing: a queue's clock advances by the service it was given in seat-milliseconds, and a queue that was
// idle starts at the lowest clock among the busy ones, so no flow saves up credit). As upstream, a request is
// charged an estimate when it starts and the clock is corrected by what it really took when it ends, so a flow of
// long LISTs and a flow of quick GETs get the same server time, not the same number of requests.
import { createHash } from 'node:crypto';

export interface QueueSetConfig {
  /** Seats that may be occupied at once. */
  concurrencyLimit: number;
  /** 0: no queuing, a request that finds no seat is rejected (limitResponse Reject). */
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: 'queue-full' | 'concurrency-limit' | 'time-out' };

interface Waiter {
  seats: number;
  resolve: (a: Admission) => void;
  timer: NodeJS.Timeout;
  queue: Queue;
}

/** The service a request is charged when dispatched, per seat, in milliseconds (corrected when it ends). */
const ESTIMATED_MS = 1;

interface Queue {
  index: number;
  waiting: Waiter[];
  /** Seat-milliseconds of service given to this queue, the virtual clock. */
  clock: number;
  executingSeats: number;
}

export class QueueSet {
  private queues: Queue[] = [];
  private seatsInUse = 0;

  constructor(private config: QueueSetConfig, private readonly maxWaitMs: number) {
    this.reshape();
  }

  /** A new configuration; waiting requests stay where they are (queues beyond the new count drain as before). */
  configure(config: QueueSetConfig): void {
    this.config = config;
    this.reshape();
    this.dispatch();
  }

  get inUse(): number { return this.seatsInUse; }
  get waiting(): number { return this.queues.reduce((n, q) => n + q.waiting.length, 0); }

  /** Waits for `seats` seats for a request of the flow `flowKey` (or is refused). */
  admit(flowKey: string, seats: number): Promise<Admission> {
    seats = Math.max(1, Math.min(seats, this.config.concurrencyLimit));
    const queue = this.config.queues === 0 ? undefined : this.pickQueue(flowKey);
    if (queue && queue.waiting.length === 0 && queue.executingSeats === 0) queue.clock = Math.max(queue.clock, this.lowestBusyClock());
    // Seats free and nobody waiting: at once (still charged to the flow's queue, so that its clock tells its share).
    if (this.seatsInUse + seats <= this.config.concurrencyLimit && this.waiting === 0) return Promise.resolve(this.start(seats, queue));
    if (!queue) return Promise.resolve({ ok: false, reason: 'concurrency-limit' });
    if (queue.waiting.length >= this.config.queueLengthLimit) return Promise.resolve({ ok: false, reason: 'queue-full' });
    return new Promise((resolve) => {
      const w: Waiter = { seats, resolve, queue, timer: setTimeout(() => this.timeOut(w), this.maxWaitMs) };
      queue.waiting.push(w);
      this.dispatch();
    });
  }

  private start(seats: number, queue: Queue | undefined): Admission {
    this.seatsInUse += seats;
    if (queue) {
      queue.executingSeats += seats;
      queue.clock += seats * ESTIMATED_MS;
    }
    const started = performance.now();
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.seatsInUse -= seats;
        if (queue) {
          queue.executingSeats -= seats;
          queue.clock += seats * (performance.now() - started - ESTIMATED_MS);
        }
        this.dispatch();
      },
    };
  }

  /** Starts waiting requests, the earliest virtual finish time first, while the chosen head request fits. */
  private dispatch(): void {
    for (;;) {
      let next: Queue | undefined;
      for (const q of this.queues) if (q.waiting.length && (!next || finish(q) < finish(next))) next = q;
      if (!next) return;
      const head = next.waiting[0]!;
      // The head waits for its seats rather than being overtaken, so wide requests are not starved (as upstream).
      if (this.seatsInUse + head.seats > this.config.concurrencyLimit) return;
      next.waiting.shift();
      clearTimeout(head.timer);
      head.resolve(this.start(head.seats, next));
    }
  }

  private timeOut(w: Waiter): void {
    const i = w.queue.waiting.indexOf(w);
    if (i < 0) return;
    w.queue.waiting.splice(i, 1);
    w.resolve({ ok: false, reason: 'time-out' });
    this.dispatch();
  }

  private lowestBusyClock(): number {
    let low = Infinity;
    for (const q of this.queues) if (q.waiting.length || q.executingSeats) low = Math.min(low, q.clock);
    return low === Infinity ? 0 : low;
  }

  /** Shuffle sharding: the flow's hash deals `handSize` distinct queues; the least loaded of them is chosen. */
  private pickQueue(flowKey: string): Queue {
    const hand = dealHand(flowKey, this.config.queues, this.config.handSize);
    let best = this.queues[hand[0]!]!;
    for (const i of hand) {
      const q = this.queues[i]!;
      if (load(q) < load(best)) best = q;
    }
    return best;
  }

  private reshape(): void {
    for (let i = this.queues.length; i < this.config.queues; i++) this.queues.push({ index: i, waiting: [], clock: this.lowestBusyClock(), executingSeats: 0 });
  }
}

/** The virtual finish time of a queue's head request: its clock after serving it. */
const finish = (q: Queue) => q.clock + q.waiting[0]!.seats * ESTIMATED_MS;

const load = (q: Queue) => q.waiting.reduce((n, w) => n + w.seats, 0) + q.executingSeats;

/**
 * `handSize` distinct queue indexes out of `deckSize`, from the flow's hash, as upstream's shufflesharding.Dealer
 * does: the hash read as a mixed-radix number whose digits pick from a shrinking deck.
 */
export function dealHand(flowKey: string, deckSize: number, handSize: number): number[] {
  let value = createHash('sha256').update(flowKey).digest().readBigUInt64BE(0);
  const deck = Array.from({ length: deckSize }, (_, i) => i);
  const hand: number[] = [];
  for (let i = 0; i < Math.min(handSize, deckSize); i++) {
    const remaining = BigInt(deckSize - i);
    const pick = Number(value % remaining);
    value /= remaining;
    hand.push(deck[pick]!);
    deck[pick] = deck[deckSize - i - 1]!;
  }
  return hand;
}
