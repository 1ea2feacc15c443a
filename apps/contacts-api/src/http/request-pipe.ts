import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ParameterInvalidError } from '@app/intercom';

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
export class RequestPipe extends ValidationPipe {
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
