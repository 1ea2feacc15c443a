import type { CustomValue } from './contact.events.js';
import { LIMITS } from '@app/intercom';
import { CustomAttributeLimitError, CustomAttributeTypeError, UnknownCustomAttributeError } from './contact.errors.js';
import type { DataType } from './contact.state.js';

/** Refuses a custom attribute that is not a defined contact data attribute, or a value of the wrong type. */
export function checkCustomAttribute(name: string, value: CustomValue | null, dataAttributes: ReadonlyMap<string, DataType>): void {
  const dataType = dataAttributes.get(name);
  if (!dataType) throw new UnknownCustomAttributeError(name);
  if (value !== null && !matchesType(value, dataType)) throw new CustomAttributeTypeError(name, dataType);
}

function matchesType(value: CustomValue, dataType: DataType): boolean {
  switch (dataType) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
    case 'datetime':
      // Intercom dates are Unix seconds.
      return Number.isSafeInteger(value) && (value as number) >= 0;
  }
}

/** The contact's custom attributes once `patch` is applied (a null clears a key) must stay within the limit. */
export function checkCustomAttributeCount(held: Readonly<Record<string, CustomValue>>, patch: Readonly<Record<string, CustomValue | null>>): void {
  let count = Object.keys(held).length;
  for (const [name, value] of Object.entries(patch)) {
    const had = Object.hasOwn(held, name);
    if (value === null && had) count--;
    else if (value !== null && !had) count++;
  }
  if (count > LIMITS.customAttributesPerObject) throw new CustomAttributeLimitError(LIMITS.customAttributesPerObject, count);
}
