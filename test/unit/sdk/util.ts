// Shared test helpers for the SDK tests.
import type { ManagerLogger } from '../../../src/sdk/index.js';

/** Retries `check` until it stops throwing or the timeout passes (then rethrows its last error). */
export async function eventually(check: () => unknown | Promise<unknown>, timeoutMs = 5000, stepMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}

export const quietLogger: ManagerLogger = { info: () => {}, error: () => {} };
