import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The key a request holds while it runs. Every append and every transaction the request starts marks the
 * key applied in the same commit as its writes (checked against `owner`, so a request whose key was taken
 * over writes nothing); with no key held, writes run exactly as before.
 */
export interface IdempotencyClaim {
  workspaceId: string;
  key: string;
  owner: string;
  /** Set once a write under the key has committed (as far as this process saw). */
  applied: boolean;
  /** Cleared when the request's answer is sent, so that work outliving the request is not marked. */
  active: boolean;
  /**
   * Streams the request decided on without writing to them (a change that changed nothing still answers the contact):
   * stored with the answer, beside the streams its appends wrote, so that an erasure finds the answer by index.
   */
  named?: Set<string>;
}

/** Streams one answer may name without writing them (a bulk tag names at most 100); over it the answer is not kept. */
export const MAX_NAMED_STREAMS = 1000;

const claims = new AsyncLocalStorage<IdempotencyClaim>();

export function runWithIdempotencyClaim<T>(claim: IdempotencyClaim, work: () => T): T {
  return claims.run(claim, work);
}

/** The claim of the running request, if it sent a key and still runs. */
export function currentIdempotencyClaim(): IdempotencyClaim | undefined {
  const claim = claims.getStore();
  return claim?.active ? claim : undefined;
}

/** The running request's answer may name the stream although nothing was written to it (see IdempotencyClaim.named). */
export function nameInIdempotentAnswer(streamId: string): void {
  const claim = currentIdempotencyClaim();
  if (!claim) return;
  const named = (claim.named ??= new Set());
  // One past the bound is enough to know the answer is over it.
  if (named.size <= MAX_NAMED_STREAMS) named.add(streamId);
}

/** An append or transaction ran for a request whose key another request has since taken over. */
export class IdempotencyClaimLostError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} is no longer held by this request`);
  }
}

export const CLAIM_LOST_SQLSTATE = 'ES410';
