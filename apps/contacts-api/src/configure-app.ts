import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifySerializerCompiler } from 'fastify';
import { Logger } from 'nestjs-pino';
import { responseSerializer } from '@app/contacts';
import { IdempotencyKeys } from '@app/event-store';
import { LIMITS, ParameterInvalidError } from '@app/intercom';
import { idempotentAnswers } from '@app/intercom/http';
import { AppModule } from './app.module.js';
import type { RuntimeConfig } from '@app/runtime';
import { instrument } from './http/metrics.js';
import { checkJsonDepth } from './http/json-depth.js';
import { RequestPipe } from './http/request-pipe.js';

export const BODY_LIMIT = LIMITS.bodyBytes;

/** `\u0000` in JSON text, unless its backslash is itself escaped. */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/i;

class NulCharacterError extends ParameterInvalidError {
  constructor() {
    super('The request contains a NUL character (\\u0000), which cannot be stored');
  }
}

class UnsupportedMediaTypeError extends Error {
  readonly statusCode = 415;
}

class InvalidJsonError extends ParameterInvalidError {
  constructor() {
    super('The request body is not valid JSON');
  }
}

export async function createApp(config: RuntimeConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // The same id names the request in logs (pino-http reads it from the raw request) and in error bodies.
    genReqId: (req: IncomingMessage) => {
      const id = randomUUID();
      (req as { id?: unknown }).id = id;
      return id;
    },
    return503OnClosing: true,
    // Node's defaults are none: a client that never finishes its request, or a silent socket, is cut.
    // Inactivity stays above the longest long-poll (GET /changes?wait=30); the request timeout covers receiving only.
    connectionTimeout: config.httpConnectionTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true, bodyParser: false });
  configureApp(app);
  return app;
}

/** Everything about the HTTP surface that is not a module: parsers, pipes, docs, metrics, shutdown. */
export function configureApp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's types say a serializer returns a string; it sends a Buffer as it is (the list's: responseSerializer).
  fastify.setSerializerCompiler(responseSerializer as FastifySerializerCompiler<unknown>);
  fastify.removeContentTypeParser('application/json');
  // An empty body is no body: the SDK posts archive/unarchive/block without one.
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '' || (body as string).trim() === '') return done(null, undefined);
    // PostgreSQL stores no NUL character in text or jsonb: refuse it here rather than fail in the database.
    if (ESCAPED_NUL.test(body as string)) return done(new NulCharacterError(), undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body as string);
    } catch {
      return done(new InvalidJsonError(), undefined);
    }
    try {
      checkJsonDepth(parsed);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, parsed);
  });
  // intercom-client 5.x (axios) posts archive and unarchive with no body but a form Content-Type: an empty body of
  // any type is no body; anything else that is not JSON stays a 415.
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    done(new UnsupportedMediaTypeError(), undefined);
  });
  fastify.addHook('onRequest', async (request) => {
    if (/%00/.test(request.url)) throw new NulCharacterError();
  });
  instrument(fastify);
  fastify.addHook('onSend', idempotentAnswers(app.get(IdempotencyKeys), new NestLogger('IdempotentAnswers')));
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new RequestPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Contacts API (Intercom-compatible)')
      .setDescription("Intercom's Contacts REST API on an event-sourced PostgreSQL store")
      .setVersion('2.11')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
