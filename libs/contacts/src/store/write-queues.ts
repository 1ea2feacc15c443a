/**
 * Writers of the same contact in this process run one after the other, so they rarely conflict; writers
 * in other processes are caught by the expected version. Keys come in (workspace, id) pairs.
 */
export class WriteQueues {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier writer of these contacts in this process; keys are taken in a fixed order. */
  async serialize<T>(pairs: string[], work: () => Promise<T>): Promise<T> {
    const keys: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) keys.push(`${pairs[i]}/${pairs[i + 1]}`);
    const ordered = [...new Set(keys)].sort();
    const previous = Promise.all(ordered.map((key) => this.tails.get(key) ?? Promise.resolve()));
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    for (const key of ordered) this.tails.set(key, settled);
    try {
      return await run;
    } finally {
      for (const key of ordered) if (this.tails.get(key) === settled) this.tails.delete(key);
    }
  }
}
