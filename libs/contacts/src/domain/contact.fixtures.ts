import assert from 'node:assert/strict';
import type { DecisionContext } from './contact.aggregate.js';
import type { ConsentType, ContactCreated, ContactEvent, FieldChanges, MergedData } from './contact.events.js';
import { type ContactState, type DataType, evolve } from './contact.state.js';

/**
 * Fixtures of the contact domain specs, and given/when/then for its decide functions. A plain module
 * (node:assert, no test framework): `given` folds a history with `evolve`, `when` takes a decision on
 * the folded state, `thenRecords` compares the events it returns.
 */

/** When the decisions under test are taken; the histories of `given` happen earlier. */
export const NOW = 2000;
export const CREATED_AT = 1000;
/** The one admin of the workspace. */
export const ADMIN = 7;

export const DATA_ATTRIBUTES: ReadonlyMap<string, DataType> = new Map<string, DataType>([
  ['plan', 'string'],
  ['seats', 'integer'],
  ['score', 'float'],
  ['vip', 'boolean'],
  ['renews_at', 'date'],
]);

export function decisionContext(over: Partial<DecisionContext> = {}): DecisionContext {
  return { now: NOW, dataAttributes: DATA_ATTRIBUTES, admins: new Set([ADMIN]), ...over };
}

/** User c1 of workspace w1, created at CREATED_AT with a few fields and custom attributes set. */
export function created(over: Partial<ContactCreated['data']> = {}): ContactCreated {
  return {
    type: 'ContactCreated',
    data: {
      contact_id: 'c1',
      workspace_id: 'w1',
      role: 'user',
      external_id: '70',
      email: 'old@example.com',
      phone: '+1 555',
      name: 'Old',
      avatar: null,
      owner_id: null,
      signed_up_at: null,
      last_seen_at: null,
      unsubscribed_from_emails: false,
      custom_attributes: { plan: 'free', seats: 3 },
      occurred_at: CREATED_AT,
      ...over,
    },
  };
}

type EventOf<T extends ContactEvent['type']> = Extract<ContactEvent, { type: T }>;

export const updated = (changes: FieldChanges, at = NOW): EventOf<'ContactUpdated'> => ({ type: 'ContactUpdated', data: { changes, occurred_at: at } });
export const archived = (at = NOW): EventOf<'ContactArchived'> => ({ type: 'ContactArchived', data: { occurred_at: at } });
export const unarchived = (at = NOW): EventOf<'ContactUnarchived'> => ({ type: 'ContactUnarchived', data: { occurred_at: at } });
export const blocked = (at = NOW): EventOf<'ContactBlocked'> => ({ type: 'ContactBlocked', data: { occurred_at: at } });
export const deleted = (at = NOW): EventOf<'ContactDeleted'> => ({ type: 'ContactDeleted', data: { occurred_at: at } });
export const erased = (adminId: number | null = null, at = NOW): EventOf<'ContactErased'> => ({ type: 'ContactErased', data: { admin_id: adminId, occurred_at: at } });
export const tagged = (tagId: string, at = NOW, adminId: number | null = null): EventOf<'ContactTagged'> => ({
  type: 'ContactTagged',
  data: { tag_id: tagId, admin_id: adminId, occurred_at: at },
});
export const untagged = (tagId: string, at = NOW): EventOf<'ContactUntagged'> => ({ type: 'ContactUntagged', data: { tag_id: tagId, occurred_at: at } });
export const noteAdded = (noteId: string, body = '<p>hi</p>', at = NOW, adminId = ADMIN): EventOf<'NoteAdded'> => ({
  type: 'NoteAdded',
  data: { note_id: noteId, body, admin_id: adminId, occurred_at: at },
});
export const companyAttached = (companyId: string, at = NOW): EventOf<'CompanyAttached'> => ({
  type: 'CompanyAttached',
  data: { company_id: companyId, occurred_at: at },
});
export const companyDetached = (companyId: string, at = NOW): EventOf<'CompanyDetached'> => ({
  type: 'CompanyDetached',
  data: { company_id: companyId, occurred_at: at },
});
export const consentSet = (subscriptionTypeId: string, consentType: ConsentType, at = NOW): EventOf<'SubscriptionConsentSet'> => ({
  type: 'SubscriptionConsentSet',
  data: { subscription_type_id: subscriptionTypeId, consent_type: consentType, occurred_at: at },
});
export const consentRemoved = (subscriptionTypeId: string, at = NOW): EventOf<'SubscriptionConsentRemoved'> => ({
  type: 'SubscriptionConsentRemoved',
  data: { subscription_type_id: subscriptionTypeId, occurred_at: at },
});
export const mergedInto = (intoId: string, at = NOW): EventOf<'ContactMergedInto'> => ({ type: 'ContactMergedInto', data: { into_contact_id: intoId, occurred_at: at } });
export const mergedFrom = (fromId: string, moved: Partial<MergedData> = {}, at = NOW): EventOf<'ContactMergedFrom'> => ({
  type: 'ContactMergedFrom',
  data: { from_contact_id: fromId, changes: {}, tag_ids: [], company_ids: [], note_ids: [], opted_in_ids: [], opted_out_ids: [], ...moved, occurred_at: at },
});

/** Folds events onto a state (none: a new stream). */
export function fold(events: readonly ContactEvent[], from: ContactState | null = null): ContactState | null {
  return events.reduce<ContactState | null>(evolve, from);
}

/** The state of a stream that starts with its ContactCreated. */
export function stateOf(first: ContactCreated, ...rest: ContactEvent[]): ContactState {
  return rest.reduce(evolve, evolve(null, first));
}

type Decide<S> = (state: S, context: DecisionContext) => ContactEvent[];
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface Scenario<S extends ContactState | null> {
  /** What the history folds to. */
  readonly state: S;
  /** Takes the decision on that state, with `decisionContext()` unless told. */
  when(decide: Decide<S>, context?: DecisionContext): Outcome<S>;
}

export interface Outcome<S extends ContactState | null> {
  /** The decision returns exactly these events; answers the state they fold to. */
  thenRecords(expected: readonly ContactEvent[]): ContactState;
  /** The decision returns no event; answers the unchanged state. */
  thenNothing(): S;
  /** The decision throws an instance of `type` (with this message, if given); answers the error. */
  thenThrows<E extends Error>(type: ErrorClass<E>, message?: string | RegExp): E;
}

export function given(): Scenario<null>;
export function given(first: ContactCreated, ...rest: ContactEvent[]): Scenario<ContactState>;
export function given(...history: ContactEvent[]): Scenario<ContactState | null> {
  const state = fold(history);
  return { state, when: (decide, context = decisionContext()) => outcome(state, () => decide(state, context)) };
}

function outcome<S extends ContactState | null>(state: S, decide: () => ContactEvent[]): Outcome<S> {
  return {
    thenRecords(expected) {
      const events = decide();
      assert.deepStrictEqual(events, expected);
      const after = fold(events, state);
      assert.ok(after, 'the decision left no contact');
      return after;
    },
    thenNothing() {
      assert.deepStrictEqual(decide(), []);
      return state;
    },
    thenThrows(type, message) {
      let events: ContactEvent[];
      try {
        events = decide();
      } catch (error) {
        if (!(error instanceof type)) throw new assert.AssertionError({ message: `expected a ${type.name}, got ${String(error)}`, actual: error, expected: type });
        if (typeof message === 'string') assert.equal(error.message, message);
        else if (message) assert.match(error.message, message);
        return error;
      }
      return assert.fail(`expected a ${type.name}, but the decision returned ${JSON.stringify(events)}`);
    },
  };
}
