import { randomBytes } from 'node:crypto';
import net from 'node:net';
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

/** A TCP hop between the relay and NATS that a test can cut and restore, without touching the real server. */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static toNats(url: string): TcpProxy {
    const { hostname, port } = new URL(url);
    return new TcpProxy({ host: hostname, port: Number(port || 4222) });
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Listens on the previous port when restoring, so that the client's reconnect finds it. */
  listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Drops every open connection and refuses new ones, as a dead NATS would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
