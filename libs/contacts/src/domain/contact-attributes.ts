import type { CustomValue } from './contact.events.js';
import { CustomAttributeTypeError, UnknownCustomAttributeError } from './contact.errors.js';
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
