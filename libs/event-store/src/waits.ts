/**
 * The waits every loop of this service uses: a sleep that can be cut short, and a bound on how long
 * anything may take. Polling readers, the webhook delivery loop and the change feed all wait through here.
 */

/** A sleep another part can cut short (a wake-up, a stop). A wake while nobody sleeps makes the next sleep return at once. */
export class Wakeable {
  private woken = false;
  private interrupt?: () => void;

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.woken || signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.interrupt = done;
    }).finally(() => {
      this.woken = false;
      this.interrupt = undefined;
    });
  }

  wake(): void {
    if (this.interrupt) this.interrupt();
    else this.woken = true;
  }
}

/** Sleeps `ms`, or less when the signal aborts first. */
export const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> => new Wakeable().sleep(ms, signal);

export class TimeoutError extends Error {}

/** The promise's result, or a TimeoutError once `ms` has passed (the promise itself is not cancelled). */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), Math.max(0, ms));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
