import type { MetadataValue } from './data-event.events.js';

/**
 * Intercom's rules for a data event's name and metadata (API reference "Submit a data event", the event model
 * of 1.x, the help article on event tracking), as pure functions the request check and the aggregate share.
 */
export const EVENT_LIMITS = {
  /** Intercom: "we ignore any further keys": the first 10, in the order sent, are kept. */
  metadataKeys: 10,
  /** Not documented for names and keys: the 255 of Intercom's string values. */
  nameChars: 255,
  keyChars: 255,
  /** Intercom's help: a metadata string has at most 255 characters. */
  stringChars: 255,
  /** A link (a string or a rich link's url) may be as long as the service's other URLs. */
  urlChars: 2048,
  /** Distinct event names per contact: the summary answers them all in one list. */
  namesPerContact: 500,
  /** Summaries of one POST /events/summaries. */
  summariesPerRequest: 100,
} as const;

/** Intercom: names are case-insensitive, and '.' and '$' become '-' ('completed.order' is 'completed-order'). */
export const normalizeEventName = (name: string): string => name.trim().toLowerCase().replace(/[.$]/g, '-');

/** What is wrong with an event name, or undefined. */
export function eventNameProblem(field: string, name: unknown): string | undefined {
  if (typeof name !== 'string') return `${field} must be a string`;
  const normalized = normalizeEventName(name);
  if (normalized === '') return `${field} must not be empty`;
  if (normalized.length > EVENT_LIMITS.nameChars) return `${field} can be at most ${EVENT_LIMITS.nameChars} characters, got ${normalized.length}`;
  return undefined;
}

// Intercom's help: key names cannot contain '.', '$', ~`!@#%^&*'{}|\" or NUL (the JSON parser refuses NUL everywhere).
const FORBIDDEN_KEY = /[.$~`!@#%^&*'{}|\\"]/;
const URL = /^https?:\/\/[^\s]+$/i;

/** The keys Intercom keeps: the first 10 distinct ones (case-insensitively), in the order sent. */
export function keptMetadata(metadata: Record<string, unknown>): [string, unknown][] {
  const seen = new Set<string>();
  const kept: [string, unknown][] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (kept.length === EVENT_LIMITS.metadataKeys) break;
    if (seen.has(key.toLowerCase())) continue;
    seen.add(key.toLowerCase());
    kept.push([key, value]);
  }
  return kept;
}

/** What is wrong with the metadata of an event (only the kept keys count), or undefined. */
export function metadataProblem(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return 'metadata must be an object';
  for (const [key, value] of keptMetadata(metadata as Record<string, unknown>)) {
    const problem = keyProblem(key) ?? valueProblem(`metadata.${key}`, value);
    if (problem) return problem;
  }
  return undefined;
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'metadata must not have an empty key';
  if (key.length > EVENT_LIMITS.keyChars) return `metadata: a key can be at most ${EVENT_LIMITS.keyChars} characters, got ${key.length}`;
  if (FORBIDDEN_KEY.test(key)) return `metadata key '${key}' must not contain . $ ~ \` ! @ # % ^ & * ' { } | \\ or "`;
  return undefined;
}

function valueProblem(field: string, value: unknown): string | undefined {
  if (typeof value === 'string') return stringProblem(field, value);
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${field} must be a finite number`;
  if (typeof value === 'boolean') return undefined;
  const nested = 'metadata values are strings, numbers, booleans, rich links {url, value} or monetary amounts {amount, currency}; nested JSON is not supported';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${field}: ${nested}`;
  const keys = Object.keys(value).sort().join(',');
  const object = value as Record<string, unknown>;
  if (keys === 'url,value') {
    if (typeof object.url !== 'string' || !URL.test(object.url) || object.url.length > EVENT_LIMITS.urlChars) {
      return `${field}.url must be an http or https URL of at most ${EVENT_LIMITS.urlChars} characters`;
    }
    return typeof object.value === 'string' ? stringProblem(`${field}.value`, object.value) : `${field}.value must be a string`;
  }
  if (keys === 'amount,currency') {
    if (!Number.isSafeInteger(object.amount) || (object.amount as number) < 0) return `${field}.amount must be a whole number of cents, 0 or more`;
    if (typeof object.currency !== 'string' || !/^[a-z]{3}$/i.test(object.currency)) return `${field}.currency must be a three-letter ISO 4217 code`;
    return undefined;
  }
  return `${field}: ${nested}`;
}

function stringProblem(field: string, value: string): string | undefined {
  const limit = URL.test(value) ? EVENT_LIMITS.urlChars : EVENT_LIMITS.stringChars;
  return value.length > limit ? `${field} can be at most ${limit} characters, got ${value.length}` : undefined;
}

/** The metadata as recorded: the kept keys, a currency in lower case (Intercom's examples). Call after metadataProblem. */
export function recordedMetadata(metadata: Record<string, unknown> | undefined): Record<string, MetadataValue> {
  const recorded: Record<string, MetadataValue> = {};
  for (const [key, value] of keptMetadata(metadata ?? {})) {
    const money = value as { amount?: number; currency?: string };
    recorded[key] = typeof value === 'object' && value !== null && money.currency !== undefined
      ? { amount: money.amount as number, currency: money.currency.toLowerCase() }
      : (value as MetadataValue);
  }
  return recorded;
}
