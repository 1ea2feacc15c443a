import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** nats-server on PATH, else where this machine and CI install it; undefined when neither has it. */
export function findNatsServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin'].filter(Boolean);
  return dirs.map((dir) => path.join(dir, 'nats-server')).find((file) => existsSync(file));
}

/** A throwaway nats-server with JetStream and the given settings (e.g. a small max_payload), on a free port. */
export class OwnNatsServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly url: string,
  ) {}

  static async start(binary: string, settings: Record<string, number | string>): Promise<OwnNatsServer> {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'contacts-test-nats-'));
    const lines = [`port: ${port}`, 'host: 127.0.0.1', `jetstream { store_dir: "${dataDir}" }`, ...Object.entries(settings).map(([k, v]) => `${k}: ${v}`)];
    writeFileSync(path.join(dataDir, 'nats.conf'), `${lines.join('\n')}\n`);
    const child = spawn(binary, ['-c', path.join(dataDir, 'nats.conf')], { stdio: 'ignore' });
    const server = new OwnNatsServer(child, dataDir, `nats://127.0.0.1:${port}`);
    await server.untilListening(port);
    return server;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async untilListening(port: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (this.child.exitCode !== null) throw new Error(`nats-server exited with ${this.child.exitCode}`);
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
        socket.once('connect', () => socket.destroy());
      });
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nats-server did not listen on ${port}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
