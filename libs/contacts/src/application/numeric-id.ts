/**
 * Tags, notes' admins, subscription types and data attributes have bigint identity ids. A text that is not
 * one names nothing, and must never reach a ::bigint cast (a 500); 15 digits also keep it a safe JS number.
 */
export const isNumericId = (text: string): boolean => /^\d{1,15}$/.test(text);
