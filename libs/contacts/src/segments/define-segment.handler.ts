import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LIMITS, ParameterInvalidError } from '@app/intercom';
import { compileFilter } from '../search/search-compiler.js';
import { SqlParams, mentionsCustomAttributes } from '../search/search-fields.js';
import { DecisionContexts } from '../store/decision-context.js';
import { compileCompanyFilter } from './company-filter.compiler.js';
import { CompanySegmentMembers } from './company-segment-members.repository.js';
import { type Segment, SegmentCatalog, SegmentNotFoundError, type SegmentTarget } from './segment-catalog.repository.js';

const MAX_NAME = 190;

/**
 * What an operator sends: over contacts, the query is the search DSL as POST /contacts/search takes it, in `version`;
 * over companies, the same shape over company fields (company-filter.compiler.ts), and person_type stays `user`.
 */
export interface SegmentInput {
  name: string;
  target: SegmentTarget;
  personType: 'user' | 'contact';
  query: unknown;
  version: number;
}

/**
 * Defines a segment (the service's own route and the CLI). With an id, changes that segment: what `changes` leaves
 * out stays, and a new query is read in the version it comes with.
 */
export class DefineSegmentCommand extends Command<Segment> {
  constructor(
    readonly workspaceId: string,
    readonly input: SegmentInput | (Partial<SegmentInput> & { version: number }),
    readonly id?: string,
  ) {
    super();
  }
}

@CommandHandler(DefineSegmentCommand)
export class DefineSegmentHandler implements ICommandHandler<DefineSegmentCommand, Segment> {
  constructor(
    private readonly segments: SegmentCatalog,
    private readonly contexts: DecisionContexts,
    private readonly companies: CompanySegmentMembers,
  ) {}

  async execute({ workspaceId, input: given, id }: DefineSegmentCommand): Promise<Segment> {
    const input = id === undefined ? (given as SegmentInput) : await this.merged(workspaceId, id, given);
    if (input.name.length === 0 || input.name.length > MAX_NAME) throw new ParameterInvalidError(`A segment's name must have 1 to ${MAX_NAME} characters`, 'name');
    const bytes = Buffer.byteLength(JSON.stringify(input.query ?? null));
    if (bytes > LIMITS.segmentQueryBytes) throw new ParameterInvalidError(`A segment's query can be at most ${LIMITS.segmentQueryBytes} bytes as JSON, got ${bytes}`, 'query');
    await this.compile(workspaceId, input);
    const filters = filtersOf(input.query);
    if (filters.some((filter) => filter.field === 'segment_id')) {
      throw new ParameterInvalidError("A segment's query cannot name segments (segment_id)", 'query');
    }
    const tagIds = [...new Set(filters.filter((filter) => filter.field === 'tag_id').map((filter) => String(filter.value)))];
    return this.segments.save(workspaceId, { ...input, tagIds }, id);
  }

  /** Compiled once now, as a search or a company list would compile it, so that a query that would be refused is never saved. */
  private async compile(workspaceId: string, input: SegmentInput): Promise<void> {
    if (input.target === 'contacts') {
      const { context } = await this.contexts.get(workspaceId, true);
      compileFilter(input.query, { attributes: context.dataAttributes, version: input.version }, new SqlParams(), '$1');
      return;
    }
    if (input.personType !== 'user') throw new ParameterInvalidError("A company segment's members are companies: person_type is for contact segments", 'person_type');
    const attributes = mentionsCustomAttributes(input.query) ? await this.companies.attributes(workspaceId) : new Map();
    compileCompanyFilter(input.query, { attributes, workspace: '$1' }, new SqlParams());
  }

  private async merged(workspaceId: string, id: string, changes: Partial<SegmentInput> & { version: number }): Promise<SegmentInput> {
    const segment = await this.segments.find(workspaceId, id);
    if (!segment) throw new SegmentNotFoundError();
    if (changes.target !== undefined && changes.target !== segment.target) {
      throw new ParameterInvalidError(`A segment's target cannot change (this one's is ${segment.target}): define a new segment instead`, 'target');
    }
    return {
      name: changes.name ?? segment.name,
      target: segment.target,
      personType: changes.personType ?? segment.personType,
      query: changes.query ?? segment.query,
      version: changes.query === undefined ? segment.version : changes.version,
    };
  }
}

interface Leaf {
  field: unknown;
  value: unknown;
}

/** The single filters of a query the compiler accepted (so at most two levels of groups of at most 15). */
function filtersOf(node: unknown): Leaf[] {
  const { field, operator, value } = node as { field?: unknown; operator?: unknown; value?: unknown };
  if (operator === 'AND' || operator === 'OR') return (value as unknown[]).flatMap(filtersOf);
  return [{ field, value }];
}
