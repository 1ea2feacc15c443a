import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsDefined, IsInt, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf } from 'class-validator';
import { eventNameProblem } from '@app/contacts';
import { EVENT_TOPIC, MAX_SUBSCRIBED_EVENT_NAMES } from '../notifications/data-event-notifications.js';
import { WEBHOOK_TOPICS } from '../notifications/contact-notifications.js';

const urlMessage = { message: 'url must be an http or https URL' };

export class CreateWebhookSubscriptionRequest {
  @ApiProperty({ example: 'https://example.com/intercom/webhooks' })
  @IsDefined({ message: 'url is required' })
  @IsString(urlMessage)
  @MaxLength(2048, urlMessage)
  // No TLD needed: receivers on a private network or loopback are allowed.
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, urlMessage)
  url: string;

  @ApiProperty({ type: [String], example: ['contact.user.created', 'contact.user.updated'], description: `any of: ${WEBHOOK_TOPICS.join(', ')}` })
  @IsDefined({ message: 'topics is required' })
  @IsArray({ message: 'topics must be a list of topic names' })
  @ArrayNotEmpty({ message: 'topics must name at least one topic' })
  @ArrayMaxSize(WEBHOOK_TOPICS.length * 2)
  @IsString({ each: true, message: 'topics must be a list of topic names' })
  topics: string[];

  @ApiPropertyOptional({ example: { event_names: ['invited-friend'] }, description: `with ${EVENT_TOPIC}: the data events to hear of (required there)` })
  @ValidateIf((body: CreateWebhookSubscriptionRequest) => body.metadata !== undefined || (Array.isArray(body.topics) && body.topics.includes(EVENT_TOPIC)))
  @ValidateBy({ name: 'subscriptionMetadata', validator: { validate: (value) => metadataProblem(value) === undefined } }, {
    message: ({ value }) => metadataProblem(value) ?? 'metadata is invalid',
  })
  metadata?: { event_names: string[] };
}

function metadataProblem(value: unknown): string | undefined {
  const names = (value as { event_names?: unknown } | null | undefined)?.event_names;
  if (!Array.isArray(names) || names.length === 0) return `metadata.event_names must list the data events to hear of: ${EVENT_TOPIC} has no option for all of them`;
  if (names.length > MAX_SUBSCRIBED_EVENT_NAMES) return `metadata.event_names can list at most ${MAX_SUBSCRIBED_EVENT_NAMES} names`;
  for (const name of names) {
    const problem = eventNameProblem('metadata.event_names', name);
    if (problem) return problem;
  }
  return undefined;
}

const perPageMessage = { message: 'per_page must be an integer between 1 and 150' };

export class ListDeliveriesRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 150, default: 50 })
  @ValidateIf((_, value) => value !== undefined) @Type(() => Number) @IsInt(perPageMessage) @Min(1, perPageMessage) @Max(150, perPageMessage)
  per_page?: number;

  @ApiPropertyOptional({ description: 'pages.next.starting_after of the previous page' })
  @ValidateIf((_, value) => value !== undefined) @IsString() @Matches(/^\d{1,18}$/, { message: 'starting_after is not a cursor of this list' })
  starting_after?: string;
}
