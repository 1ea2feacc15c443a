import { type DynamicModule, Global, Module } from '@nestjs/common';

/**
 * What requests of the contacts API may hold at once or do before they answer: long-poll slots (their time on the
 * database is the pools'), and the companies and contacts a DELETE /tags/{id} untags itself.
 */
export interface RequestBounds {
  /** Concurrent long-polls (GET /changes with wait > 0) of one workspace in this process. */
  longPollsPerWorkspace: number;
  /** Concurrent long-polls of all workspaces in this process. */
  longPollsPerProcess: number;
  /** Companies and contacts (companies first) a DELETE /tags/{id} untags before it answers; the worker untags the rest. */
  tagDetachInRequest: number;
}

export const REQUEST_BOUNDS = Symbol('REQUEST_BOUNDS');

export const DEFAULT_REQUEST_BOUNDS: RequestBounds = Object.freeze({ longPollsPerWorkspace: 10, longPollsPerProcess: 100, tagDetachInRequest: 1000 });

/** Provides the bounds to every feature module; without it they take the defaults. */
@Global()
@Module({})
export class RequestBoundsModule {
  static forRoot(bounds: Partial<RequestBounds>): DynamicModule {
    const value: RequestBounds = { ...DEFAULT_REQUEST_BOUNDS, ...bounds };
    return { module: RequestBoundsModule, providers: [{ provide: REQUEST_BOUNDS, useValue: value }], exports: [REQUEST_BOUNDS] };
  }
}
