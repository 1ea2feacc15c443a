import { describe, expect, it } from 'vitest';
import { type LifecycleAction, changeLifecycle } from './contact.aggregate.js';
import type { ContactEvent } from './contact.events.js';
import { CREATED_AT, NOW, archived, blocked, created, deleted, given, unarchived } from './contact.fixtures.js';

const change = (action: LifecycleAction, ...history: ContactEvent[]) =>
  given(created(), ...history).when((state, context) => changeLifecycle(state, action, context));

describe('changeLifecycle', () => {
  describe('archive', () => {
    it('archives a live contact', () => {
      const state = change('archive').thenRecords([archived()]);
      expect(state).toMatchObject({ archived: true, updated_at: NOW });
    });

    it('records nothing when the contact is already archived', () => {
      const state = change('archive', archived(1500)).thenNothing();
      expect(state).toMatchObject({ archived: true, updated_at: 1500 });
    });

    it('archives again after an unarchive', () => {
      change('archive', archived(1500), unarchived(1600)).thenRecords([archived()]);
    });
  });

  describe('unarchive', () => {
    it('unarchives an archived contact', () => {
      const state = change('unarchive', archived(1500)).thenRecords([unarchived()]);
      expect(state.archived).toBe(false);
    });

    it('records nothing when the contact is not archived', () => {
      const state = change('unarchive').thenNothing();
      expect(state).toMatchObject({ archived: false, updated_at: CREATED_AT });
      change('unarchive', archived(1500), unarchived(1600)).thenNothing();
    });
  });

  describe('block', () => {
    it('blocks a contact', () => {
      const state = change('block').thenRecords([blocked()]);
      expect(state.blocked).toBe(true);
    });

    it('records nothing when the contact is already blocked', () => {
      change('block', blocked(1500)).thenNothing();
    });

    it('blocks an archived contact and leaves it archived', () => {
      const state = change('block', archived(1500)).thenRecords([blocked()]);
      expect(state).toMatchObject({ archived: true, blocked: true });
    });
  });

  describe('delete', () => {
    it('always records the deletion', () => {
      const state = change('delete').thenRecords([deleted()]);
      expect(state.deleted).toBe(true);
      change('delete', archived(1500)).thenRecords([deleted()]);
      change('delete', blocked(1500)).thenRecords([deleted()]);
    });

    it('records it even on a contact already deleted (the final event is never skipped)', () => {
      change('delete', deleted(1500)).thenRecords([deleted()]);
    });
  });

  it('takes the time from the context', () => {
    given(created())
      .when((state, context) => changeLifecycle(state, 'archive', context), { now: 4242, dataAttributes: new Map(), admins: new Set() })
      .thenRecords([archived(4242)]);
  });
});
