import { type ContactEvent, ContactRepository, type ContactState, type ContactStream, evolve } from '@app/contacts';
import type { EventMetadata } from '@app/event-store';
import { newObjectId } from '@app/intercom';
import type { TestApp } from './test-app.js';

const METADATA: EventMetadata = { actor: { type: 'system', id: 'long-stream-test' }, request_id: null };

/**
 * Writes a contact of `count` events fast: through the one write mechanism (the projection included), in
 * appends of `perAppend` events. Event 1 is its ContactCreated at `createdAt`, named 'n1'; `eventAt`
 * makes each next one from the state before it. Answers the contact's id.
 */
export async function writeLongStream(
  t: TestApp,
  workspaceId: string,
  { count, createdAt, perAppend = 37, eventAt }: { count: number; createdAt: number; perAppend?: number; eventAt: (p: number, before: ContactState) => ContactEvent },
): Promise<string> {
  const repository = t.app.get(ContactRepository);
  const id = newObjectId();
  const created: ContactEvent = {
    type: 'ContactCreated',
    data: {
      contact_id: id,
      workspace_id: workspaceId,
      role: 'user',
      external_id: `long-${id}`,
      email: `long-${id}@example.com`,
      name: 'n1',
      phone: null,
      avatar: null,
      owner_id: null,
      signed_up_at: null,
      last_seen_at: null,
      unsubscribed_from_emails: false,
      custom_attributes: {},
      occurred_at: createdAt,
    },
  };
  let stream: ContactStream = { workspaceId, id, state: null, version: 0, cached: false };
  let state: ContactState | null = null;
  let pending: ContactEvent[] = [];
  const flush = async () => {
    const view = await repository.save(stream, pending, METADATA);
    stream = { ...stream, state: view.state, version: view.version };
    pending = [];
  };
  for (let p = 1; p <= count; p++) {
    const event = p === 1 ? created : eventAt(p, state!);
    state = evolve(state, event);
    pending.push(event);
    if (pending.length === perAppend) await flush();
  }
  if (pending.length > 0) await flush();
  return id;
}
