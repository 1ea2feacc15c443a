import { ParameterInvalidError } from './intercom.error.js';

/** Intercom's `pages` of a cursor list; `next` is left out on the last page, which is how the SDK knows to stop. */
export function renderCursorPages(page: { page: number; perPage: number; totalPages: number; next: string | null }) {
  return {
    type: 'pages',
    page: page.page,
    per_page: page.perPage,
    total_pages: page.totalPages,
    ...(page.next ? { next: { per_page: page.perPage, starting_after: page.next } } : {}),
  };
}

/** A cursor this service did not hand out for this list: a 400 naming the parameter. */
export class CursorInvalidError extends ParameterInvalidError {
  constructor(field = 'starting_after') {
    super(`${field} is not a cursor returned by this endpoint for this query`, field);
  }
}
