/**
 * The one error base: every error a client may see carries Intercom's code, its HTTP status and, where
 * a field of the request is to blame, that field. The HTTP filter maps these with `instanceof`; anything
 * else is a 500 that never shows its message.
 */
export class IntercomError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly field?: string,
    /** Response headers the error implies (2.16's Link of a merged contact). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400 parameter_invalid naming the field: the most common refusal of a request. */
export class ParameterInvalidError extends IntercomError {
  constructor(message: string, field?: string) {
    super('parameter_invalid', 400, message, field);
  }
}

/** 404 not_found with Intercom's generic message. */
export class ResourceNotFoundError extends IntercomError {
  constructor(message = 'Resource Not Found') {
    super('not_found', 404, message);
  }
}
