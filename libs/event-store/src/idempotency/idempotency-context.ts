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
}

const claims = new AsyncLocalStorage<IdempotencyClaim>();

export function runWithIdempotencyClaim<T>(claim: IdempotencyClaim, work: () => T): T {
  return claims.run(claim, work);
}

/** The claim of the running request, if it sent a key and still runs. */
export function currentIdempotencyClaim(): IdempotencyClaim | undefined {
  const claim = claims.getStore();
  return claim?.active ? claim : undefined;
}

/** An append or transaction ran for a request whose key another request has since taken over. */
export class IdempotencyClaimLostError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} is no longer held by this request`);
  }
}

export const CLAIM_LOST_SQLSTATE = 'ES410';
