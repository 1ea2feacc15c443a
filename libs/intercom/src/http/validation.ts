import { ValidateIf, type ValidationOptions, registerDecorator } from 'class-validator';
import { isNumericId } from '../object-id.js';

/** The field may be absent; when present it must pass the validators below (null included). */
export const Optional = () => ValidateIf((_, value) => value !== undefined);

/** The field may be absent or null; other values must pass the validators below. */
export const Nullable = () => ValidateIf((_, value) => value !== undefined && value !== null);

/** A flat object whose values are strings, numbers, booleans or null (Intercom custom attributes). */
export function IsFlatAttributes(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFlatAttributes',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an object of strings, numbers, booleans or nulls`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.entries(value).every(
            ([key, v]) => key.length > 0 && (v === null || ['string', 'boolean'].includes(typeof v) || (typeof v === 'number' && Number.isFinite(v))),
          ),
      },
    });
}

/** Intercom sends owner ids as numbers (2.16: strings); both arrive here as a number. */
export const toIntegerId = ({ value }: { value: unknown }) => (typeof value === 'string' && isNumericId(value) ? Number(value) : value);

/** Intercom's examples send ids as numbers as well as strings. */
export const toStringId = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);

/** Unix seconds up to 9999-12-31. */
export const MAX_TIME = 253_402_300_799;
