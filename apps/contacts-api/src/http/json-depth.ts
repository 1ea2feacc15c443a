import { LIMITS, ParameterInvalidError } from '@app/intercom';

export class JsonTooDeepError extends ParameterInvalidError {
  constructor(limit: number) {
    super(`The request body is nested too deeply: at most ${limit} levels of objects and arrays`);
  }
}

/**
 * Throws when `value` nests objects and arrays deeper than `limit`. Iterative on purpose: the
 * validators and transformers after the parser recurse, and a body thousands of levels deep would
 * overflow their stack; this walk, with its own stack, stops at the first level too many.
 */
export function checkJsonDepth(value: unknown, limit: number = LIMITS.jsonDepth): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) throw new JsonTooDeepError(limit);
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}
