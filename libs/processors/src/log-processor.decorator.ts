import { DiscoveryService } from '@nestjs/core';
import type { LogSubscriptionOptions } from '@app/event-store';

/**
 * The seam for log processors: put it on an `@Injectable()` class that implements `LogProcessor`
 * (from @app/event-store) and register that class as a provider of any module the app imports.
 * Wherever ProcessorsModule is imported (the worker, or the API with WORKERS=inline), each such
 * provider gets a LogSubscription of its own, started on bootstrap and stopped on shutdown; the
 * options tune that subscription. Needs a class provider (useClass or the class itself), not a factory.
 */
export const LogProcessorProvider = DiscoveryService.createDecorator<LogSubscriptionOptions>();
