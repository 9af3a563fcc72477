// client-go's util/retry: the one conflict-retry loop for controllers writing through the client (a write that lost
// a resourceVersion race reads again and retries; any other failure goes to the caller).
import { isConflict } from '../apimachinery/errors.js';

// retry.DefaultRetry: 5 attempts, 10 ms apart (jitter 0.1)
const CONFLICT_ATTEMPTS = 5;
const CONFLICT_DELAY_MS = 10;
const pause = () => new Promise((r) => setTimeout(r, CONFLICT_DELAY_MS * (1 + Math.random() * 0.1)));

/** RetryOnConflict: runs fn until it succeeds, fails otherwise, or conflicts CONFLICT_ATTEMPTS times. */
export async function retryOnConflict<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!isConflict(e) || attempt + 1 >= CONFLICT_ATTEMPTS) throw e;
      await pause();
    }
  }
}
