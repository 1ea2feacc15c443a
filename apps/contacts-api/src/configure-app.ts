import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger as NestLogger, ValidationPipe, type ValidationError, type ArgumentMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { IdempotencyKeys } from '@app/event-store';
import { LIMITS, ParameterInvalidError } from '@app/intercom';
import { idempotentAnswers } from '@app/intercom/http';
import { AppModule } from './app.module.js';
import type { RuntimeConfig } from '@app/runtime';
import { instrument } from './http/metrics.js';
import { checkJsonDepth } from './http/json-depth.js';

export const BODY_LIMIT = LIMITS.bodyBytes;

class RequestValidationError extends ParameterInvalidError {}

function firstProblem(errors: ValidationError[], parent = ''): RequestValidationError {
  const error = errors[0];
  const field = parent ? `${parent}.${error.property}` : error.property;
  if (!error.constraints && error.children?.length) return firstProblem(error.children, field);
  return new RequestValidationError(Object.values(error.constraints ?? { invalid: `${field} is invalid` })[0], field);
}

type Metatype = new () => object;

const isEmptyObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/** The same own keys holding the same values: what class-transformer built is what `new` builds. */
function sameFields(a: object, b: object): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * The one validation pipe: unknown fields are dropped (newer clients send more), bodies must be objects.
 * A query string with no parameter (most GETs) is validated once per DTO class: the answer for `{}` cannot change, so
 * later requests get `new Dto()`, which is what class-transformer builds from `{}` (checked on that first run).
 */
class RequestPipe extends ValidationPipe {
  private readonly emptyQueries = new Map<Metatype, boolean>();

  constructor() {
    super({ whitelist: true, transform: true, exceptionFactory: (errors) => firstProblem(errors) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === undefined) value = {};
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new RequestValidationError('The request body must be a JSON object');
      }
    }
    if (metadata.type === 'query' && metadata.metatype && this.toValidate(metadata) && isEmptyObject(value)) {
      return this.emptyQuery(value, metadata);
    }
    return super.transform(value, metadata);
  }

  private async emptyQuery(value: object, metadata: ArgumentMetadata) {
    const metatype = metadata.metatype as Metatype;
    if (this.emptyQueries.get(metatype)) return new metatype();
    // Refused (or not yet known): the full pipeline, which throws its error again.
    const result = await super.transform(value, metadata);
    this.emptyQueries.set(metatype, result instanceof metatype && sameFields(result, new metatype()));
    return result;
  }
}

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
