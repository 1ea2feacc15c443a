import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Wakeable } from '@app/event-store';
import { TagDetacher } from './tag-detacher.js';

/** How long the loop rests when no deletion is pending. */
const IDLE_MS = 1000;

/**
 * Drains pending tag deletions, one batch at a time: in the worker, and in the API with WORKERS=inline (the apps
 * import TagDetachmentModule where the log processors run). Any number of instances may run: each batch is claimed.
 */
@Injectable()
export class TagDetachmentLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TagDetachment');
  private readonly pause = new Wakeable();
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly detacher: TagDetacher) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.detacher.step();
      } catch (error) {
        this.logger.error(`detaching a deleted tag failed: ${String(error)}`);
      }
      if (!busy) await this.pause.sleep(IDLE_MS);
    }
  }
}
