import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CursorInvalidError, ResourceNotFoundError } from '@app/intercom';
import { ContactViews, type MergeRow } from '../store/contact-views.repository.js';

export interface MergeHistoryItem {
  source_contact_id: string;
  merged_at: number;
}

export interface MergeHistoryPage {
  items: MergeHistoryItem[];
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

/** 2.16: the leads merged into a user, a keyset page in merge order (`asc`) or its reverse. */
export class GetMergeHistoryQuery extends Query<MergeHistoryPage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly perPage: number,
    readonly order: 'asc' | 'desc',
    readonly cursor: string | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetMergeHistoryQuery)
export class GetMergeHistoryHandler implements IQueryHandler<GetMergeHistoryQuery, MergeHistoryPage> {
  constructor(private readonly contacts: ContactViews) {}

  async execute({ workspaceId, contactId, perPage, order, cursor }: GetMergeHistoryQuery): Promise<MergeHistoryPage> {
    const after = cursor === undefined ? null : decodeCursor(cursor, order);
    const view = await this.contacts.find(workspaceId, contactId);
    // Users only: Intercom answers a lead's merge history with 404 "Contact not found".
    if (!view || view.state.role !== 'user') throw new ResourceNotFoundError('Contact not found');
    // One row more than the page tells whether there is a next one.
    const rows = await this.contacts.mergesInto(workspaceId, contactId, { order, after, limit: perPage + 1 });
    const page = rows.slice(0, perPage);
    const last = page[page.length - 1];
    return {
      items: page.map((merge) => ({ source_contact_id: merge.from_id, merged_at: merge.merged_at })),
      next: rows.length > perPage && last ? encodeCursor(last, order) : null,
    };
  }
}

// The cursor is the last merge shown and the order it was made for: a cursor of one order is refused in the other.
const encodeCursor = ({ merged_at, from_id }: MergeRow, order: string) => Buffer.from(`${order}:${merged_at}:${from_id}`).toString('base64url');

function decodeCursor(cursor: string, order: string): MergeRow {
  const match = /^(asc|desc):(\d{1,15}):([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || match[1] !== order) throw new CursorInvalidError('cursor');
  return { merged_at: Number(match[2]), from_id: match[3] };
}
