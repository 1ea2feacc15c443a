/** A search request Intercom would refuse: unknown field, operator not allowed for the type, wrong value. */
export class SearchQueryInvalidError extends Error {
  readonly code = 'parameter_invalid';
  constructor(
    message: string,
    readonly field = 'query',
  ) {
    super(message);
  }
}

export class InvalidSortOrderError extends Error {
  readonly code = 'invalid_sort_order';
  constructor(order: unknown) {
    super(`Invalid sort order '${String(order)}'. Must be one of: ascending, descending`);
  }
}

export class CursorInvalidError extends Error {
  readonly code = 'parameter_invalid';
  constructor(readonly field = 'starting_after') {
    super(`${field} is not a cursor returned by this endpoint for this query`);
  }
}
