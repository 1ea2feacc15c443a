import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ExpectedVersions, ifMatchVersions, noneMatchSatisfied } from '../entity-tag.js';

/** A request's conditional headers (RFC 9110 section 13), for a route that answers one contact or company. */
export class ConditionalRequest {
  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  /** The stream versions If-Match allows the write to change (null: no condition); checked in the write's own append. */
  get expected(): ExpectedVersions {
    return ifMatchVersions(this.request.headers['if-match']);
  }

  /**
   * The answer under its entity tag: on a GET whose If-None-Match names the tag, 304 with the tag and no body,
   * before anything is rendered; else `render()`, sent with an ETag header.
   */
  async answer<T>(tag: string, render: () => T | Promise<T>): Promise<T | Response> {
    if (this.request.method === 'GET' && !noneMatchSatisfied(this.request.headers['if-none-match'], tag)) {
      // A web Response is the whole answer: its status wins over the route's 200.
      return new Response(null, { status: 304, headers: { etag: tag } });
    }
    this.reply.header('etag', tag);
    return render();
  }
}

export const Conditional = createParamDecorator(
  (_: unknown, context: ExecutionContext) => new ConditionalRequest(context.switchToHttp().getRequest<FastifyRequest>(), context.switchToHttp().getResponse<FastifyReply>()),
);
