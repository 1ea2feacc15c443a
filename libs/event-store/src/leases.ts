import pg from 'pg';
import { withTimeout } from './waits.js';

export interface LeaseOptions {
  /** How often the holder proves its connection is alive; a failed or slower round trip loses the lease. */
  heartbeatMs: number;
  /** Called once when a held lease is lost (connection error, end or failed heartbeat). */
  onLost?: (reason: unknown) => void;
}

/**
 * One active holder per name across every process: a session-level advisory lock on a connection
 * of its own, outside the pool (the lock lives and dies with that session).
 *
 * Why not a lease row with an expiry: a holder that crashes loses the lock the moment its socket
 * closes, so a standby takes over without waiting out a TTL, with no clock skew and no heartbeat
 * writes. The holder's risk is the opposite one (believing it still holds a lock the server has
 * released), and that only happens when its session is gone, which the heartbeat observes. Until
 * it does, the checkpoint compare-and-set keeps a stale holder from committing a batch twice.
 * Needs session pooling (not PgBouncer in transaction mode).
 */
export class AdvisoryLease {
  private client?: pg.Client;
  private locked = false;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly connection: pg.ClientConfig,
    readonly name: string,
    private readonly options: LeaseOptions,
  ) {}

  /** Connection settings of a pool (its password is kept out of enumeration, so it is copied by name). */
  static connectionOf(pool: pg.Pool, applicationName: string): pg.ClientConfig {
    return { ...pool.options, password: pool.options.password, application_name: applicationName };
  }

  get held(): boolean {
    return this.locked;
  }

  /** The holder's session backend pid, for diagnostics and tests. */
  get pid(): number | undefined {
    return this.locked ? (this.client as unknown as { processID?: number }).processID : undefined;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.locked) return true;
    const client = this.client ?? (await this.connect());
    const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [`es_lease:${this.name}`]);
    if (!rows[0].locked || client !== this.client) return false;
    this.locked = true;
    this.scheduleHeartbeat();
    return true;
  }

  /** LISTEN on the holder's connection: only the active instance needs waking. */
  async listen(channel: string, onNotify: () => void): Promise<void> {
    if (!this.client || !this.locked) return;
    this.client.on('notification', (message) => message.channel === channel && onNotify());
    await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  }

  /** Ending the session releases the lock; no unlock round trip is needed. */
  async release(): Promise<void> {
    this.locked = false;
    clearTimeout(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.connection);
    client.on('error', (error) => this.drop(client, error));
    client.on('end', () => this.drop(client, new Error('lease connection ended')));
    await client.connect();
    this.client = client;
    return client;
  }

  private scheduleHeartbeat(): void {
    this.heartbeat = setTimeout(async () => {
      const client = this.client;
      if (!client || !this.locked) return;
      try {
        await withTimeout(client.query('SELECT 1'), this.options.heartbeatMs);
        if (client === this.client && this.locked) this.scheduleHeartbeat();
      } catch (error) {
        this.drop(client, error);
      }
    }, this.options.heartbeatMs);
  }

  private drop(client: pg.Client, reason: unknown): void {
    if (client !== this.client) return;
    const wasLocked = this.locked;
    this.client = undefined;
    this.locked = false;
    clearTimeout(this.heartbeat);
    // A hung socket may never finish a clean end; nothing waits for it.
    client.end().catch(() => undefined);
    if (wasLocked) this.options.onLost?.(reason);
  }
}
