import { Logger } from '@nestjs/common';
import { type JetStreamClient, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';

export const NATS_RELAY_OPTIONS = Symbol('NATS_RELAY_OPTIONS');

export interface NatsRelayOptions {
  url: string;
  stream: string;
  subjectPrefix: string;
  /** How long one publish waits for its ack. Default 5000. */
  publishTimeoutMs?: number;
}

export class NatsUnavailableError extends Error {}

/**
 * The relay's one NATS connection and the stream it publishes to. Connecting never blocks the
 * process: the client dials in the background and redials forever (about once a second), and
 * `ready()` waits a bounded time for it. The stream is created when missing, and looked up again
 * after every reconnect or failed publish (a server may come back without it).
 */
export class JetStreamLink {
  private readonly logger = new Logger('NatsRelay');
  private connecting?: Promise<void>;
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private up = false;
  private streamChecked = false;
  private closing = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: NatsRelayOptions) {}

  open(): void {
    if (this.connecting || this.closing) return;
    this.connecting = connect({
      servers: this.options.url,
      name: `contacts-relay:${this.options.stream}`,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 2000,
      // A half-open socket is noticed within about 15 s instead of the default 4 minutes.
      pingInterval: 5000,
      maxPingOut: 3,
    }).then(
      (nc) => this.adopt(nc),
      (error: Error) => {
        this.logger.warn(`cannot connect to NATS at ${redactUrl(this.options.url)}: ${error.message}`);
        this.connecting = undefined;
      },
    );
  }

  /** A client whose stream exists, or NatsUnavailableError once `waitMs` have passed without a connection. */
  async ready(waitMs: number): Promise<JetStreamClient> {
    this.open();
    if (!this.up) await this.waitForConnection(waitMs);
    if (!this.up || !this.nc || !this.js) throw new NatsUnavailableError(`NATS at ${redactUrl(this.options.url)} is not connected`);
    await this.checkStream(this.nc);
    return this.js;
  }

  /** Resolves early when the connection comes back, so that a backlog flows at once. */
  pause(ms: number): Promise<void> {
    return this.waitFor(ms, () => false);
  }

  /**
   * Removes the stream's messages on `filter` with a sequence below `seq`, within `timeoutMs`; the count removed.
   * A repeat removes nothing more. The stream must allow purges (`deny_purge` false, as the relay creates it).
   */
  async purgeBelow(filter: string, seq: number, timeoutMs: number): Promise<number> {
    if (!this.up || !this.nc) throw new NatsUnavailableError(`NATS at ${redactUrl(this.options.url)} is not connected`);
    // A manager of its own carries this call's timeout; without the API check it sends nothing until the purge.
    const jsm = await jetstreamManager(this.nc, { timeout: timeoutMs, checkAPI: false });
    const { purged } = await jsm.streams.purge(this.options.stream, { filter, seq });
    return purged;
  }

  streamSuspect(): void {
    this.streamChecked = false;
  }

  /** A dial still pending (NATS never reached) is not waited for: adopt() closes it if it ever connects. */
  async close(): Promise<void> {
    this.closing = true;
    this.up = false;
    this.wakeWaiters();
    await this.nc?.close().catch(() => undefined);
  }

  private adopt(nc: NatsConnection): void {
    if (this.closing) {
      void nc.close();
      return;
    }
    this.nc = nc;
    this.js = jetstream(nc);
    this.setUp(true);
    this.logger.log(`connected to NATS at ${redactUrl(this.options.url)}`);
    // Consumers can bind before the first event; a failure here is retried by the next ready().
    this.checkStream(nc).catch((error: Error) => this.logger.warn(`stream ${this.options.stream} not ready: ${error.message}`));
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.setUp(false);
          this.logger.warn(`NATS disconnected, reconnecting`);
        } else if (status.type === 'reconnect') {
          this.streamChecked = false;
          this.setUp(true);
          this.logger.log('NATS reconnected');
        }
      }
    })();
    // Closed for good (only by close() with these options, or an auth failure): dial anew on the next ready().
    void nc.closed().then(() => {
      this.setUp(false);
      if (this.nc === nc) this.connecting = this.nc = this.js = undefined;
    });
  }

  private setUp(up: boolean): void {
    this.up = up;
    if (up) this.wakeWaiters();
  }

  private waitForConnection(ms: number): Promise<void> {
    return this.waitFor(ms, () => this.up || this.closing);
  }

  private waitFor(ms: number, done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.waiters.add(finish);
    });
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private async checkStream(nc: NatsConnection): Promise<void> {
    if (this.streamChecked) return;
    await this.ensureStream(nc);
    this.streamChecked = true;
  }

  private async ensureStream(nc: NatsConnection): Promise<void> {
    const { stream, subjectPrefix } = this.options;
    const jsm = await jetstreamManager(nc, { timeout: 3000 });
    try {
      await jsm.streams.info(stream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      // Only 2.9 settings: file storage, limits retention, a 2-minute duplicate window for Nats-Msg-Id.
      await jsm.streams.add({ name: stream, subjects: [`${subjectPrefix}.>`] });
      this.logger.log(`created JetStream stream ${stream} for ${subjectPrefix}.>`);
    }
  }
}

/** The server address without user:password, for logs and errors. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the configured NATS_URL';
  }
}
