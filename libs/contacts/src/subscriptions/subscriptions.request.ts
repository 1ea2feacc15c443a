import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateBy } from 'class-validator';
import type { ConsentType } from '../domain/contact.events.js';

/** POST /contacts/{id}/subscriptions. Intercom's examples send the id as a number, the spec types it a string. */
export class AttachSubscriptionRequest {
  @ApiProperty({ example: '1001', description: 'A subscription type id' })
  @ValidateBy({
    name: 'subscriptionTypeId',
    validator: { validate: (value: unknown) => (typeof value === 'string' && value !== '') || Number.isSafeInteger(value) },
  }, { message: 'id must be a subscription type id' })
  id: string | number;

  @ApiProperty({ enum: ['opt_in', 'opt_out'] })
  @IsIn(['opt_in', 'opt_out'], { message: 'consent_type must be opt_in or opt_out' })
  consent_type: ConsentType;
}
