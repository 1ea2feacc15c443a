import { CursorInvalidError } from '@app/intercom';

/**
 * A place in a contact's event list, which runs newest first by (created_at, contact, stream position): the last
 * event of a page. `contact_id` is the contact whose stream holds it (the user's own, or a lead merged into it).
 */
export interface EventListCursor {
  created_at: number;
  contact_id: string;
  stream_position: number;
}

export const encodeEventListCursor = ({ created_at, contact_id, stream_position }: EventListCursor): string =>
  Buffer.from(`events:${created_at}:${stream_position}:${contact_id}`).toString('base64url');

export function decodeEventListCursor(before: string): EventListCursor {
  const match = /^events:(\d{1,15}):(\d{1,15}):(.{1,255})$/.exec(Buffer.from(before, 'base64url').toString());
  if (!match) throw new CursorInvalidError('before');
  return { created_at: Number(match[1]), stream_position: Number(match[2]), contact_id: match[3] };
}
