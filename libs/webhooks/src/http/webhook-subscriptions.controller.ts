import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { WebhookSubscriptionsService } from '../subscriptions/webhook-subscriptions.service.js';
import { CreateWebhookSubscriptionRequest, ListDeliveriesRequest } from './webhook-subscription.request.js';
import { renderDelivery, renderSubscription } from './webhook-subscription.response.js';
import { IdempotentWrites } from '@app/intercom/http';

@ApiTags('Webhooks')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('webhook_subscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  @ApiOperation({ summary: "Subscribe a URL to topics; notifications are signed with the workspace's client secret" })
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: CreateWebhookSubscriptionRequest) {
    return renderSubscription(await this.subscriptions.create(auth.workspaceId, body.url, body.topics, body.metadata?.event_names));
  }

  @ApiOperation({ summary: "The workspace's webhook subscriptions" })
  @Get()
  async list(@Auth() auth: AuthContext) {
    return { type: 'list', data: (await this.subscriptions.list(auth.workspaceId)).map(renderSubscription) };
  }

  @ApiOperation({ summary: 'Remove a subscription and its delivery log' })
  @Delete(':id')
  async remove(@Auth() auth: AuthContext, @Param('id') id: string) {
    return { ...renderSubscription(await this.subscriptions.remove(auth.workspaceId, id)), deleted: true };
  }

  @ApiOperation({ summary: "A subscription's deliveries, newest first: status, attempts, last answer" })
  @Get(':id/deliveries')
  async deliveries(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListDeliveriesRequest) {
    const perPage = params.per_page ?? 50;
    const page = await this.subscriptions.deliveries(auth.workspaceId, id, perPage, params.starting_after);
    const last = page.deliveries[page.deliveries.length - 1];
    return {
      type: 'list',
      data: page.deliveries.map(renderDelivery),
      pages: { type: 'pages', per_page: perPage, ...(page.hasMore && last ? { next: { per_page: perPage, starting_after: last.id } } : {}) },
    };
  }
}
