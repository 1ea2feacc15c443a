import { Inject, Injectable } from '@nestjs/common';
import { SEARCH_POOL } from '@app/event-store';
import { DEFAULT_VERSION } from '@app/intercom';
import type pg from 'pg';
import type { DataType } from '../domain/contact.state.js';
import { ContactListRepository } from '../search/contact-list.repository.js';
import { compileSegment } from '../search/search-compiler.js';
import { SearchQueryInvalidError } from '../search/search.errors.js';
import { SqlParams } from '../search/search-fields.js';
import { planSearch } from '../search/search-plan.js';
import { contactColumns } from '../store/contact-state.columns.js';
import type { Segment } from './segment-catalog.repository.js';

/** Segments evaluated in one statement: their queries' values stay far below PostgreSQL's 65,535 parameters. */
const SEGMENTS_PER_STATEMENT = 25;
/** Contacts one membership read takes (a contact's segments; a company's, over some of its contacts). */
export const MAX_MEMBERSHIP_CONTACTS = 100;
/** Counts of one GET /segments?include_count=true in flight together, on the search pool. */
const COUNT_CONCURRENCY = 4;

const VISIBLE = contactColumns('c').visible;

/**
 * Who is in a segment, always computed from the contacts read model (nothing is stored per member): a count is the
 * search's bounded count of `segment_id = <id>`; the segments of given contacts evaluate each segment's query for
 * those contacts alone, by primary-key probes of contact_search_values, so the cost grows with the number of
 * segments (at most LIMITS.segmentsPerWorkspace) and never with the workspace. Archived contacts are in no segment,
 * as they are in no search.
 */
@Injectable()
export class SegmentMembership {
  constructor(
    @Inject(SEARCH_POOL) private readonly pool: pg.Pool,
    private readonly contacts: ContactListRepository,
  ) {}

  /** Each segment's member count, in their order: exact up to LIMITS.searchExactCount, then the search's estimate. */
  async counts(workspaceId: string, segments: readonly Segment[], attributes: ReadonlyMap<string, DataType>): Promise<number[]> {
    const known = new Map(segments.map((segment) => [segment.id, segment]));
    const counts: number[] = [];
    const rowIndexes = this.contacts.rowIndexesServe(workspaceId);
    for (let i = 0; i < segments.length; i += COUNT_CONCURRENCY) {
      const chunk = segments.slice(i, i + COUNT_CONCURRENCY).map((segment) => {
        const query = { field: 'segment_id', operator: '=', value: segment.id };
        const plan = planSearch({ workspaceId, query, perPage: 1, context: { attributes, version: DEFAULT_VERSION, segments: known }, rowIndexes });
        return this.contacts.count(plan);
      });
      counts.push(...(await Promise.all(chunk)));
    }
    return counts;
  }

  /** The segments (of those given) that at least one of the contacts is in, in the segments' order. */
  async matching(workspaceId: string, contactIds: readonly string[], segments: readonly Segment[], attributes: ReadonlyMap<string, DataType>): Promise<Segment[]> {
    if (contactIds.length > MAX_MEMBERSHIP_CONTACTS) throw new Error(`segment membership takes at most ${MAX_MEMBERSHIP_CONTACTS} contacts`);
    if (contactIds.length === 0) return [];
    const matched: Segment[] = [];
    for (let i = 0; i < segments.length; i += SEGMENTS_PER_STATEMENT) {
      const chunk = segments.slice(i, i + SEGMENTS_PER_STATEMENT);
      const hits = await this.evaluate(workspaceId, contactIds, chunk, attributes);
      matched.push(...chunk.filter((_, j) => hits[j]));
    }
    return matched;
  }

  private async evaluate(workspaceId: string, contactIds: readonly string[], segments: readonly Segment[], attributes: ReadonlyMap<string, DataType>): Promise<boolean[]> {
    const params = new SqlParams();
    const workspace = params.bind(workspaceId);
    const ids = params.bind(contactIds, 'text[]');
    const columns = segments.map((segment, i) => `bool_or(coalesce(${this.compiled(segment, attributes, params, workspace)}, false)) AS m${i}`);
    const { rows } = await this.pool.query({
      text: `SELECT ${columns.join(', ')} FROM contacts c WHERE c.workspace_id = ${workspace} AND c.id = ANY(${ids}) AND ${VISIBLE}`,
      values: params.values,
    });
    return segments.map((_, i) => rows[0]?.[`m${i}`] === true);
  }

  /** A segment whose query no longer compiles (a data attribute archived since) has no members; its bindings go. */
  private compiled(segment: Segment, attributes: ReadonlyMap<string, DataType>, params: SqlParams, workspace: string): string {
    const bound = params.values.length;
    try {
      return compileSegment(segment, { attributes, version: segment.version }, params, workspace, true);
    } catch (error) {
      if (!(error instanceof SearchQueryInvalidError)) throw error;
      params.values.length = bound;
      return 'false';
    }
  }
}
