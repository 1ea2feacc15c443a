import { createHmac } from 'node:crypto';
import { type AttemptResult, retryAfterMs } from './delivery-policy.js';
import type { ClaimedDelivery } from './delivery-queue.js';

export const USER_AGENT = 'intercom-parrot-service-client/1.0';

/** Intercom's notification_event, key for key; the id stays the same across retries so receivers can dedupe. */
export function envelopeOf(delivery: ClaimedDelivery): Record<string, unknown> {
  return {
    type: 'notification_event',
    id: delivery.notification_id,
    self: null,
    app_id: delivery.workspace_id,
    created_at: delivery.occurred_at,
    topic: delivery.topic,
    delivery_attempts: delivery.attempts + 1,
    first_sent_at: delivery.first_sent_at,
    data: { type: 'notification_event_data', item: delivery.item },
  };
}

/** `sha1=` and the hex HMAC-SHA1 of the exact body bytes, keyed with the workspace's client secret. */
export function signatureOf(body: string, clientSecret: string): string {
  return `sha1=${createHmac('sha1', clientSecret).update(body, 'utf8').digest('hex')}`;
}

/** One POST. Never throws: a timeout or a network error is a result too. */
export async function post(url: string, body: string, clientSecret: string, timeoutMs: number): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': USER_AGENT,
        'x-hub-signature': signatureOf(body, clientSecret),
      },
      // A redirect is not followed: the body would go somewhere the subscription did not name.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body means nothing here; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return {
      statusCode: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      retryAfterMs: response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : undefined,
    };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { statusCode: null, error: timedOut ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message) };
  }
}
