import { IntercomError, ParameterInvalidError } from '@app/intercom';

/** A search request Intercom would refuse: unknown field, operator not allowed for the type, wrong value. */
export class SearchQueryInvalidError extends ParameterInvalidError {
  constructor(message: string, field = 'query') {
    super(message, field);
  }
}

export class InvalidSortOrderError extends IntercomError {
  constructor(order: unknown) {
    super('invalid_sort_order', 400, `Invalid sort order '${String(order)}'. Must be one of: ascending, descending`);
  }
}
