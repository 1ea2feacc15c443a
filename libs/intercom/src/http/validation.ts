import { ValidateBy, ValidateIf, type ValidationOptions, registerDecorator } from 'class-validator';
import { LIMITS } from '../limits.js';
import { isNumericId } from '../object-id.js';

/** The field may be absent; when present it must pass the validators below (null included). */
export const Optional = () => ValidateIf((_, value) => value !== undefined);

/** The field may be absent or null; other values must pass the validators below. */
export const Nullable = () => ValidateIf((_, value) => value !== undefined && value !== null);

/** An admin id as the SDKs send it: a string, or a finite number (whether the admin exists is the handler's check). */
export const IsAdminId = () =>
  ValidateBy(
    { name: 'adminId', validator: { validate: (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) } },
    { message: 'admin_id must be an admin id' },
  );

/**
 * A flat object whose values are strings, numbers, booleans or null (Intercom custom attributes), within
 * the limits: names up to 190 characters, string values up to 255, at most 250 keys. The message names
 * the first key at fault.
 */
export function IsFlatAttributes(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFlatAttributes',
      target: target.constructor,
      propertyName,
      options: { message: ({ value }) => flatAttributesProblem(propertyName, value) ?? `${propertyName} is invalid`, ...options },
      validator: { validate: (value: unknown) => flatAttributesProblem(propertyName, value) === undefined },
    });
}

/** What is wrong with a custom attributes object, or undefined when nothing is. */
export function flatAttributesProblem(field: string, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${field} must be an object of strings, numbers, booleans or nulls`;
  const entries = Object.entries(value);
  if (entries.length > LIMITS.customAttributesPerObject) {
    return `${field} can hold at most ${LIMITS.customAttributesPerObject} attributes, got ${entries.length}`;
  }
  for (const [key, v] of entries) {
    if (key.length === 0) return `${field} must not have an empty name`;
    if (key.length > LIMITS.customNameChars) return `${field}: a name can be at most ${LIMITS.customNameChars} characters, got ${key.length}`;
    if (!(v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      return `${field} must be an object of strings, numbers, booleans or nulls`;
    }
    if (typeof v === 'string' && v.length > LIMITS.customStringChars) {
      return `${field}.${key} can be at most ${LIMITS.customStringChars} characters, got ${v.length}`;
    }
  }
  return undefined;
}

/** Intercom sends owner ids as numbers (2.16: strings); both arrive here as a number. */
export const toIntegerId = ({ value }: { value: unknown }) => (typeof value === 'string' && isNumericId(value) ? Number(value) : value);

/** Intercom's examples send ids as numbers as well as strings. */
export const toStringId = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value);

/** Unix seconds up to 9999-12-31. */
export const MAX_TIME = 253_402_300_799;
