// Starting and stopping the components `berth up` and the component processes run (the contract they implement is
// src/component/contract.ts).
import type { RunningComponent } from '../component/contract.js';

/** Stops started components, the last started first; a failure is logged and the others still stop. Empties the list. */
export async function stopInReverse(running: [string, RunningComponent][]): Promise<void> {
  for (const [name, c] of running.reverse()) {
    try {
      await c.stop();
    } catch (e) {
      console.error(`berth: stopping ${name}:`, e);
    }
  }
  running.length = 0;
}
