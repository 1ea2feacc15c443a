import { randomBytes } from 'node:crypto';

/** Intercom-style ids (contacts, companies, notes): 8 hex digits of creation time, then 16 random hex digits. */
export function newObjectId(now = Date.now()): string {
  return Math.floor(now / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}

/**
 * Tags, admins, subscription types and data attributes have bigint identity ids. A text that is not
 * one names nothing, and must never reach a ::bigint cast (a 500); 15 digits also keep it a safe JS number.
 */
export const isNumericId = (text: string): boolean => /^\d{1,15}$/.test(text);
