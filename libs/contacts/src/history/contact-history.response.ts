import { renderCursorPages } from '@app/intercom';
import type { HistoryPage } from './history-page.js';

/** Intercom's list envelope around contact_change items, paged like GET /contacts. */
export function renderHistory(page: HistoryPage) {
  return {
    type: 'list',
    data: page.items.map((item) => ({
      type: 'contact_change',
      id: item.id,
      version: item.version,
      event_type: item.event_type,
      occurred_at: item.occurred_at,
      actor: item.actor,
      request_id: item.request_id,
      changes: item.changes,
    })),
    total_count: page.total,
    pages: renderCursorPages(page),
  };
}
