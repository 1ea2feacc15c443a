import { createHash } from 'node:crypto';
import type { ApiVersion } from './api-version.js';
import { IntercomError, ParameterInvalidError } from './intercom.error.js';

/**
 * Entity tags of contacts and companies (RFC 9110 section 8.8.3). They are strong validators: the answer is a pure
 * function of the stream version (events never change), the Intercom-Version that shapes it (the answering minor, so
 * 2.16 and Unstable share a tag) and, for a company, what other read models add to it (its contact count, last
 * request and tags: `digest`). Strong because If-Match compares with the strong function (section 13.1.1): a weak
 * tag could never satisfy it. The service sends no content coding, so one tag never names two byte sequences.
 */
export function entityTag(version: number, apiVersion: ApiVersion, digest?: string): string {
  return `"${version}-2.${apiVersion}${digest === undefined ? '' : `-${digest}`}"`;
}

/** A short digest of what a representation shows beyond its own stream (a company's counts and tags). */
export const tagDigest = (value: unknown): string => createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 10);

/** The stream versions an If-Match allows a write to change: null when any version will do (no If-Match, or `*`). */
export type ExpectedVersions = ReadonlySet<number> | null;

/** The entity tags one If-Match or If-None-Match may list. */
export const MAX_LISTED_TAGS = 16;

/** 412: If-Match named none of the resource's current tags; nothing was written. */
export class PreconditionFailedError extends IntercomError {
  constructor() {
    super('precondition_failed', 412, 'The resource has changed since the entity tag in If-Match was issued');
  }
}

interface ListedTag {
  weak: boolean;
  opaque: string;
}

// One element of the list: an optional W/, then a quoted opaque tag (RFC 9110 section 8.8.3).
const ELEMENT = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")$/;

/** The tags of an If-Match or If-None-Match value; '*' for the wildcard. Malformed elements name no tag. */
function listedTags(header: string, name: string): ListedTag[] | '*' {
  if (header.trim() === '*') return '*';
  const elements = header.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (elements.length > MAX_LISTED_TAGS) throw new ParameterInvalidError(`${name} lists at most ${MAX_LISTED_TAGS} entity tags`, name);
  return elements.flatMap((element) => {
    const match = ELEMENT.exec(element);
    return match ? [{ weak: match[1] !== undefined, opaque: match[2] }] : [];
  });
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

/**
 * If-Match as the stream versions it allows. A write's precondition is about the state it changes, which is the
 * stream: of a listed tag only its version is compared, so a tag issued under another Intercom-Version, or before a
 * company's contact count moved, still guards the write. Weak tags never match (strong comparison). A list that names
 * no version of ours allows none: the write is refused with 412.
 */
export function ifMatchVersions(header: string | string[] | undefined): ExpectedVersions {
  const value = headerValue(header);
  if (value === undefined) return null;
  const tags = listedTags(value, 'If-Match');
  if (tags === '*') return null;
  const versions = new Set<number>();
  for (const tag of tags) {
    const version = /^"(\d{1,15})-/.exec(tag.opaque)?.[1];
    if (!tag.weak && version !== undefined) versions.add(Number(version));
  }
  return versions;
}

/** If-None-Match against the current tag, by the weak comparison (section 13.1.2): true when a GET may answer 304. */
export function noneMatchSatisfied(header: string | string[] | undefined, currentTag: string): boolean {
  const value = headerValue(header);
  if (value === undefined) return true;
  const tags = listedTags(value, 'If-None-Match');
  return tags !== '*' && !tags.some((tag) => tag.opaque === currentTag);
}

/** Whether a stream at `version` meets the If-Match precondition. */
export const allows = (expected: ExpectedVersions, version: number): boolean => expected === null || expected.has(version);
