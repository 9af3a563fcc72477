// --watch-history-mb, shared by `berth up` and `berth apiserver`: the byte budget of the watch history, SQLite's own
// or the watch cache in front of etcd (the same semantics for both: the oldest events go first, 410 behind them).
import { type Command, InvalidArgumentError } from 'commander';

/** Commander's parser of an integer flag in [min, max]. */
export function int(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function addWatchHistoryOption(cmd: Command): Command {
  return cmd.option('--watch-history-mb <mib>',
    'MiB of object text the watch history keeps (SQLite\'s, or the watch cache in front of etcd); the oldest events go first and watches behind them get 410 Expired',
    int('--watch-history-mb', 1, 1_000_000), 128);
}

export const watchHistoryBytes = (opts: { watchHistoryMb: number }): number => opts.watchHistoryMb * 1024 * 1024;
