import { CursorInvalidError } from '@app/intercom';

export interface ContactChange {
  id: string;
  version: number;
  event_type: string;
  occurred_at: number;
  actor: unknown;
  request_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface HistoryPage {
  items: ContactChange[];
  total: number;
  page: number;
  perPage: number;
  totalPages: number;
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

/** A page of a stream's audit trail: `items` are its events after `offset`, of `total` (the stream's version). */
export function historyPage(items: ContactChange[], total: number, offset: number, perPage: number): HistoryPage {
  return {
    items,
    total,
    page: Math.floor(offset / perPage) + 1,
    perPage,
    totalPages: Math.max(1, Math.ceil(total / perPage)),
    next: offset + perPage < total ? Buffer.from(`v${offset + perPage}`).toString('base64url') : null,
  };
}

/** The stream position a history cursor resumes after. */
export function decodeHistoryCursor(cursor: string): number {
  const match = /^v(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new CursorInvalidError();
  return Number(match[1]);
}

type Diffable = { custom_attributes: Record<string, unknown>; updated_at: unknown };

/**
 * The fields whose change the history reports (a contact's or a company's), custom attributes per key;
 * updated_at moves with every event and says nothing.
 */
export function diffStates<S extends Diffable>(before: S | null, after: S): ContactChange['changes'] {
  const flat = (state: S | null): Record<string, unknown> => {
    if (!state) return {};
    const { custom_attributes, updated_at, ...fields } = state;
    return { ...fields, ...Object.fromEntries(Object.entries(custom_attributes).map(([k, v]) => [`custom_attributes.${k}`, v])) };
  };
  const [from, to] = [flat(before), flat(after)];
  const changes: ContactChange['changes'] = {};
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (JSON.stringify(from[key] ?? null) !== JSON.stringify(to[key] ?? null)) changes[key] = { from: from[key] ?? null, to: to[key] ?? null };
  }
  return changes;
}
