/** The JSON "shape" of a value: key order and value types, recursively; arrays by their first item. */
export function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? ['array', shape(value[0])] : ['array'];
  if (typeof value === 'object') return Object.entries(value as object).map(([k, v]) => [k, shape(v)]);
  return typeof value;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
