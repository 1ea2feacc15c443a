import { Inject, Injectable, Optional } from '@nestjs/common';
import { IntercomError } from '@app/intercom';
import { DEFAULT_REQUEST_BOUNDS, REQUEST_BOUNDS, type RequestBounds } from '../request-bounds.js';

const RETRY_AFTER = { 'Retry-After': '1' };

/** 429: this workspace already holds its share of waiting long-polls in this process. */
export class TooManyLongPollsError extends IntercomError {
  constructor(limit: number) {
    super('rate_limit_exceeded', 429, `At most ${limit} requests of a workspace may wait on /changes at once; retry without wait, or later`, undefined, RETRY_AFTER);
  }
}

/** 503: the process holds as many waiting long-polls as it takes; another replica, or a retry, may serve it. */
export class LongPollsExhaustedError extends IntercomError {
  constructor() {
    super('service_unavailable', 503, 'The service holds as many waiting requests on /changes as it takes; try again shortly', undefined, RETRY_AFTER);
  }
}

/**
 * Counts the long-polls waiting in this process, per workspace and in all. Each waiting poll reads the database
 * every 200 ms (on a pooled connection it returns between reads), so the caps bound that load, not connections.
 */
@Injectable()
export class LongPollSlots {
  private readonly bounds: RequestBounds;
  private readonly byWorkspace = new Map<string, number>();
  private total = 0;

  constructor(@Optional() @Inject(REQUEST_BOUNDS) bounds: RequestBounds | null = null) {
    this.bounds = bounds ?? DEFAULT_REQUEST_BOUNDS;
  }

  /** Takes a slot, or throws at once; the returned function gives it back (once). */
  acquire(workspaceId: string): () => void {
    const held = this.byWorkspace.get(workspaceId) ?? 0;
    if (held >= this.bounds.longPollsPerWorkspace) throw new TooManyLongPollsError(this.bounds.longPollsPerWorkspace);
    if (this.total >= this.bounds.longPollsPerProcess) throw new LongPollsExhaustedError();
    this.byWorkspace.set(workspaceId, held + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byWorkspace.get(workspaceId) ?? 1) - 1;
      if (left > 0) this.byWorkspace.set(workspaceId, left);
      else this.byWorkspace.delete(workspaceId);
    };
  }

  /** Waiting long-polls in this process (tests). */
  get waiting(): number {
    return this.total;
  }
}
