import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { ListContactSubscriptionsQuery } from './list-contact-subscriptions.handler.js';
import { ListSubscriptionTypesQuery } from './list-subscription-types.handler.js';
import { RemoveConsentCommand } from './remove-consent.handler.js';
import { SetConsentCommand } from './set-consent.handler.js';
import { AttachSubscriptionRequest } from './subscriptions.request.js';
import { renderContactSubscription, renderSubscription } from './subscriptions.response.js';

@ApiTags('Subscription Types')
@ApiBearerAuth()
@IdempotentWrites()
@Controller()
export class SubscriptionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: "The workspace's subscription types" })
  @Get('subscription_types')
  async listTypes(@Auth() auth: AuthContext) {
    const types = await this.queries.execute(new ListSubscriptionTypesQuery(auth.workspaceId));
    return { type: 'list', data: types.map((type) => renderSubscription(type)) };
  }

  @ApiOperation({ summary: "A contact's explicit opt-ins and opt-outs" })
  @Get('contacts/:id/subscriptions')
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    const subscriptions = await this.queries.execute(new ListContactSubscriptionsQuery(auth.workspaceId, id));
    return { type: 'list', data: subscriptions.map(renderContactSubscription) };
  }

  @ApiOperation({ summary: 'Opt a contact in to or out of a subscription type' })
  @Post('contacts/:id/subscriptions')
  @HttpCode(200)
  async attach(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: AttachSubscriptionRequest, @EventMeta() meta: EventMetadata) {
    const command = new SetConsentCommand(auth.workspaceId, id, String(body.id), body.consent_type, meta);
    return renderContactSubscription(await this.commands.execute(command));
  }

  @ApiOperation({ summary: "Remove a contact's choice for a subscription type" })
  @Delete('contacts/:id/subscriptions/:subscription_id')
  async detach(@Auth() auth: AuthContext, @Param('id') id: string, @Param('subscription_id') typeId: string, @EventMeta() meta: EventMetadata) {
    return renderContactSubscription(await this.commands.execute(new RemoveConsentCommand(auth.workspaceId, id, typeId, meta)));
  }
}
