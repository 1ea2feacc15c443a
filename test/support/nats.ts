import { randomBytes } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import type pg from 'pg';

/** A stream name and subject prefix of their own, so that runs and tests never share a stream. */
export function uniqueTarget(): { stream: string; prefix: string } {
  const suffix = randomBytes(4).toString('hex');
  return { stream: `CONTACTS_TEST_${suffix.toUpperCase()}`, prefix: `contacts_test_${suffix}` };
}

export interface StreamMessage {
  seq: number;
  subject: string;
  msgId: string | undefined;
  envelope: Record<string, any>;
}

/** The test's own view of JetStream: read a stream back in storage order, delete the streams it made. */
export class NatsProbe {
  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
  ) {}

  static async connect(url: string): Promise<NatsProbe> {
    const nc = await connect({ servers: url });
    return new NatsProbe(nc, await jetstreamManager(nc));
  }

  /** Every message of the stream whose subject starts with `subjectPrefix`, in stream order. */
  async read(stream: string, subjectPrefix: string): Promise<StreamMessage[]> {
    const { state } = await this.jsm.streams.info(stream);
    const messages: StreamMessage[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq += 100) {
      const page = await Promise.all(
        Array.from({ length: Math.min(100, state.last_seq - seq + 1) }, (_, i) => this.jsm.streams.getMessage(stream, { seq: seq + i })),
      );
      for (const m of page) {
        if (m && m.subject.startsWith(subjectPrefix)) {
          messages.push({ seq: m.seq, subject: m.subject, msgId: m.header?.get('Nats-Msg-Id'), envelope: m.json() });
        }
      }
    }
    return messages;
  }

  async close(streams: string[]): Promise<void> {
    for (const stream of streams) await this.jsm.streams.delete(stream).catch(() => undefined);
    await this.nc.close();
  }
}

/**
 * Until the processor's checkpoint is past every event of the workspace. drain() alone is not enough: it stops at
 * the safe horizon, which any older open transaction in the cluster (another database's included) holds back, so
 * committed events can still lie beyond it.
 */
export async function relayedWorkspace(pool: pg.Pool, subscription: { drain(): Promise<void> }, processor: string, workspaceId: string, ms = 30_000): Promise<void> {
  const behind = async () =>
    (
      await pool.query(
        `SELECT EXISTS (SELECT 1 FROM es_events e WHERE e.workspace_id = $2 AND (e.transaction_id, e.global_position) >
           coalesce((SELECT (c.transaction_id, c.global_position) FROM es_checkpoints c WHERE c.processor = $1), ('0'::xid8, 0::bigint))) AS behind`,
        [processor, workspaceId],
      )
    ).rows[0].behind;
  const deadline = Date.now() + ms;
  while (await behind()) {
    if (Date.now() > deadline) throw new Error(`${processor} did not relay workspace ${workspaceId} within ${ms} ms`);
    await within(subscription.drain(), ms, `draining ${processor}`);
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// The proxy serves the database outage tests too; the NATS tests keep importing it from here.
export { TcpProxy } from './tcp-proxy.js';
