import { randomBytes } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';

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

// The proxy serves the database outage tests too; the NATS tests keep importing it from here.
export { TcpProxy } from './tcp-proxy.js';
