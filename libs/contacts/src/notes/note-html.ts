import { isNumericId } from '@app/intercom';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Intercom keeps note bodies as HTML: plain text is escaped and wrapped in a paragraph, markup is kept. */
export function noteHtml(text: string): string {
  if (/^\s*<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(text)) return text;
  return `<p>${text.replace(/[&<>"']/g, (c) => ESCAPES[c])}</p>`;
}

/** Admin ids are bigint identities; anything else names no admin (and must not reach a ::bigint cast). */
export function parseAdminId(value: string | number): number | null {
  if (typeof value === 'string') return isNumericId(value) ? Number(value) : null;
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}
