import { type DynamicModule, Module } from '@nestjs/common';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { RateLimitGuard } from './rate-limit.guard.js';
import { perWindow, RATE_LIMIT_OPTIONS, type RateLimitOptions, WINDOW_MS } from './rate-limit.options.js';
import { RateLimitStorage } from './rate-limit.storage.js';

/** @nestjs/throttler with one 10-second throttler and this library's storage; the app uses RateLimitGuard as its guard. */
@Module({})
export class RateLimitsModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitsModule,
      providers: [
        { provide: RATE_LIMIT_OPTIONS, useValue: options },
        { provide: getOptionsToken(), useValue: { throttlers: [{ name: 'default', ttl: WINDOW_MS, limit: perWindow(options.perMinute) }] } },
        RateLimitStorage,
        { provide: getStorageToken(), useExisting: RateLimitStorage },
        RateLimitGuard,
      ],
      exports: [RateLimitGuard],
    };
  }
}
