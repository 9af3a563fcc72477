// Ctrl-C and SIGTERM: stop cleanly once, then exit; within a deadline whatever the load. Every acknowledged write
// is already committed (the store survives kill -9), so a clean stop that does not finish in time is cut short
// rather than left running; a second signal cuts it short at once.

/** How long a clean stop may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 5000;

/**
 * The same with real pods on this host: their processes get a short grace (the process runtime's close) and then
 * the host objects go (mounts, cgroups, bridge, nftables table, routes) — cut short, those would outlive Berth
 * until its next start.
 */
export const SHUTDOWN_DEADLINE_WITH_PODS_MS = 20_000;

export function stopOnSignals(close: () => Promise<void>, deadlineMs = SHUTDOWN_DEADLINE_MS): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`berth: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`berth: ${signal}, shutting down\n`);
    setTimeout(() => {
      process.stderr.write(`berth: not stopped after ${deadlineMs / 1000} s, exiting now\n`);
      process.exit(1);
    }, deadlineMs);
    close().then(() => process.exit(0), (e) => {
      console.error(e);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
