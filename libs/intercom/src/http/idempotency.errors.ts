import { IntercomError, ParameterInvalidError } from '../intercom.error.js';
import { LIMITS } from '../limits.js';

const FIELD = 'Idempotency-Key';

export class IdempotencyKeyInvalidError extends ParameterInvalidError {
  constructor() {
    super(`Idempotency-Key must be 1 to ${LIMITS.idempotencyKeyChars} printable ASCII characters`, FIELD);
  }
}

/** Stripe's idempotency_error; Intercom's closest is its 422 validation error. */
export class IdempotencyKeyReusedError extends IntercomError {
  constructor() {
    super('data_invalid', 422, 'This Idempotency-Key was already used with a different request (method, path or body); use a new key', FIELD);
  }
}

export class IdempotentRequestRunningError extends IntercomError {
  constructor() {
    super('conflict', 409, 'A request with this Idempotency-Key is still running; retry it later', FIELD);
  }
}

/** The write was applied but its answer is not kept (the process ended before storing it, it was too large, or erased). */
export class IdempotentAnswerUnavailableError extends IntercomError {
  constructor() {
    super('conflict', 409, 'The request with this Idempotency-Key was applied, but its answer is not available; read the resource instead of retrying', FIELD);
  }
}

/** Another request took the key over while this one ran (its lease had run out): this one wrote nothing. */
export class IdempotencyKeyTakenOverError extends IntercomError {
  constructor() {
    super('conflict', 409, 'A retry with this Idempotency-Key took over while this request ran; nothing was written by it', FIELD);
  }
}
