// Shared test helpers for the SDK tests.
import type { ManagerLogger } from '../../../src/sdk/index.js';

/**
 * Polls `cond` until it holds, or fails with `what` after the timeout. (A predicate, not an assertion: a failing
 * message-less assert.ok makes node re-parse the test source on every poll, which blocks the event loop.)
 */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000, stepMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const quietLogger: ManagerLogger = { info: () => {}, error: () => {} };
