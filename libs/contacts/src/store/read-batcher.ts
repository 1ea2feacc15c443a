/** Fetches the rows of some keys of one group (a workspace) in one query; a key without a row is absent from the map. */
export type FetchMany<V> = (group: string, keys: string[]) => Promise<Map<string, V>>;

interface Waiter<V> {
  resolve: (value: V | null) => void;
  reject: (error: unknown) => void;
}

/** The reads of one group waiting for the next dispatch: each key with everyone who asked for it. */
type Batch<V> = Map<string, Waiter<V>[]>;

/**
 * Coalesces concurrent reads by key (DataLoader's idea, without its cache): every read of a group asked for in the
 * same turn of the event loop goes out as one query, at most `maxKeys` keys each. A read only ever joins a batch
 * that has not been sent yet, so its query starts after the read was asked for and sees every write committed
 * before it (read-your-writes holds). Each extra reader of a key gets its own copy of the row (`copy`, structuredClone
 * unless told: it would turn a Buffer into a plain Uint8Array), as it would have from its own query, so no two
 * requests share a mutable object.
 */
export class ReadBatcher<V> {
  private readonly pending = new Map<string, Batch<V>>();
  private scheduled = false;

  constructor(
    private readonly fetch: FetchMany<V>,
    private readonly maxKeys = 64,
    private readonly copy: (row: V) => V = structuredClone,
  ) {}

  load(group: string, key: string): Promise<V | null> {
    return new Promise<V | null>((resolve, reject) => {
      let batch = this.pending.get(group);
      if (!batch) this.pending.set(group, (batch = new Map()));
      const waiters = batch.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
      if (batch.size >= this.maxKeys) {
        this.pending.delete(group);
        this.send(group, batch);
      } else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not nextTick: it runs after the poll phase, so requests read from every socket that turn join.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [group, batch] of batches) this.send(group, batch);
  }

  private send(group: string, batch: Batch<V>): void {
    this.fetch(group, [...batch.keys()]).then(
      (rows) => {
        for (const [key, waiters] of batch) {
          const row = rows.get(key) ?? null;
          waiters.forEach((waiter, i) => waiter.resolve(i === 0 || row === null ? row : this.copy(row)));
        }
      },
      (error) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
