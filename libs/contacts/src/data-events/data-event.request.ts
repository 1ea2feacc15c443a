import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { MAX_TIME, Nullable, Optional, toStringId } from '@app/intercom/http';
import { EVENT_LIMITS, eventNameProblem, metadataProblem } from '../domain/data-event-metadata.js';

export const MAX_EVENTS_PER_PAGE = 150;
/** One imported summary counts at most this many occurrences, so that no sum of them overflows. */
export const MAX_SUMMARY_COUNT = 1_000_000_000;
/** Intercom 2.11: "How many results to display per page. Defaults to 15". */
export const DEFAULT_EVENTS_PER_PAGE = 15;

const IsEventName = () =>
  ValidateBy({ name: 'eventName', validator: { validate: (value) => eventNameProblem('event_name', value) === undefined } }, {
    message: ({ value, property }) => eventNameProblem(property, value) ?? `${property} is invalid`,
  });

const timeMessage = (field: string) => ({ message: `${field} must be a Unix timestamp in seconds` });

/** POST /events ("track"): the contact by id, user_id or email (tried in that order); metadata per Intercom's types. */
export class TrackEventRequest {
  @ApiProperty({ example: 'invited-friend', description: "Case-insensitive; '.' and '$' become '-'" })
  @IsEventName()
  event_name: string;

  @ApiPropertyOptional({ example: 1671028894, description: 'Unix seconds; absent: now. With the name it is the de-duplication key' })
  @Optional() @IsInt(timeMessage('created_at')) @Min(0, timeMessage('created_at')) @Max(MAX_TIME, timeMessage('created_at'))
  created_at?: number;

  @ApiPropertyOptional({ description: "The contact's Intercom id (leads are found only so)" })
  @Transform(toStringId) @Optional() @IsString() @MaxLength(255)
  id?: string;

  @ApiPropertyOptional({ description: "A user's external_id" })
  @Transform(toStringId) @Optional() @IsString() @MaxLength(255)
  user_id?: string;

  @ApiPropertyOptional({ description: "A user's email" })
  @Optional() @IsString() @MaxLength(255)
  email?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `The first ${EVENT_LIMITS.metadataKeys} keys are kept` })
  @Nullable()
  @ValidateBy({ name: 'eventMetadata', validator: { validate: (value) => metadataProblem(value) === undefined } }, {
    message: ({ value }) => metadataProblem(value) ?? 'metadata is invalid',
  })
  metadata?: Record<string, unknown> | null;
}

const perPageMessage = { message: `per_page must be an integer between 1 and ${MAX_EVENTS_PER_PAGE}` };

/** GET /events?type=user&(user_id|intercom_user_id|email)=...: a contact's events, or with summary=true their summary. */
export class ListEventsRequest {
  @ApiProperty({ enum: ['user'] })
  @IsIn(['user'], { message: 'type must be user' })
  type: string;

  @ApiPropertyOptional()
  @Optional() @IsString() @MaxLength(255)
  user_id?: string;

  @ApiPropertyOptional()
  @Optional() @IsString() @MaxLength(255)
  intercom_user_id?: string;

  @ApiPropertyOptional()
  @Optional() @IsString() @MaxLength(255)
  email?: string;

  @ApiPropertyOptional({ description: 'true: the counts, first and last of each event name instead of the events' })
  @Optional() @IsIn(['true', 'false'], { message: 'summary must be true or false' })
  summary?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EVENTS_PER_PAGE, default: DEFAULT_EVENTS_PER_PAGE })
  @Optional() @Type(() => Number) @IsInt(perPageMessage) @Min(1, perPageMessage) @Max(MAX_EVENTS_PER_PAGE, perPageMessage)
  per_page?: number;

  @ApiPropertyOptional({ description: 'From pages.next of the previous page' })
  @Optional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'before is not a cursor returned by this endpoint' })
  before?: string;
}

/** One imported summary; `first` and `last` default to each other, then to now. */
export interface SummaryRequestItem {
  event_name: string;
  count: number;
  first?: number;
  last?: number;
}

/** POST /events/summaries. Intercom's schema has one summary object; a list of them is taken too. */
export class EventSummariesRequest {
  @ApiProperty({ example: '314159', description: "The user's external_id" })
  @Transform(toStringId) @IsString({ message: 'user_id is required' }) @MaxLength(255)
  user_id: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { event_name: 'invited-friend', count: 1, first: 1671028894, last: 1671028894 } })
  @ValidateBy({ name: 'eventSummaries', validator: { validate: (value) => summariesProblem(value) === undefined } }, {
    message: ({ value }) => summariesProblem(value) ?? 'event_summaries is invalid',
  })
  event_summaries: SummaryRequestItem | SummaryRequestItem[];
}

/** The summaries of a request as a list. */
export const summaryList = (value: SummaryRequestItem | SummaryRequestItem[]): SummaryRequestItem[] => (Array.isArray(value) ? value : [value]);

function summariesProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'event_summaries is required';
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return 'event_summaries must hold at least one summary';
  if (list.length > EVENT_LIMITS.summariesPerRequest) return `event_summaries can hold at most ${EVENT_LIMITS.summariesPerRequest} summaries`;
  for (const [i, item] of list.entries()) {
    const field = Array.isArray(value) ? `event_summaries[${i}]` : 'event_summaries';
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `${field} must be an object {event_name, count, first, last}`;
    const { event_name, count, first, last } = item as Record<string, unknown>;
    const problem = eventNameProblem(`${field}.event_name`, event_name);
    if (problem) return problem;
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > MAX_SUMMARY_COUNT) return `${field}.count must be a whole number from 1 to ${MAX_SUMMARY_COUNT}`;
    for (const [name, time] of [['first', first], ['last', last]] as const) {
      if (time !== undefined && (!Number.isInteger(time) || (time as number) < 0 || (time as number) > MAX_TIME)) return `${field}.${name} must be a Unix timestamp in seconds`;
    }
    if (typeof first === 'number' && typeof last === 'number' && first > last) return `${field}.first must not be after ${field}.last`;
  }
  return undefined;
}
