import type { FastifyRequest } from 'fastify';

/** Longer than any token this service issues (`tok_` and 43 characters), short enough that a hash of it costs nothing. */
export const MAX_TOKEN_LENGTH = 256;
// A Basic header whose credentials could hold a token of MAX_TOKEN_LENGTH and an empty-ish password, and no more.
const MAX_BASIC_LENGTH = Math.ceil((MAX_TOKEN_LENGTH + 16) / 3) * 4;

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i;

/**
 * The access token a request carries, in either form Intercom takes: `Authorization: Bearer <token>`, or HTTP Basic
 * with the token as the user name and an empty password, which is what every older official SDK sends
 * (intercom-client 5.x and before: axios or unirest `auth: {username: token, password: ''}`, so `base64("<token>:")`).
 * Basic credentials without the colon, or with a password of spaces only, are taken too: hand-written clients send
 * both, and neither carries a second secret. A non-empty password (the retired app id and API key pair) is refused:
 * a credential this service cannot check is never ignored. Undefined when there is no usable token.
 */
export function accessToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const bearer = BEARER.exec(header)?.[1];
  if (bearer !== undefined) return bearer.length <= MAX_TOKEN_LENGTH ? bearer : undefined;
  const basic = header.length <= MAX_BASIC_LENGTH ? BASIC.exec(header)?.[1] : undefined;
  return basic === undefined ? undefined : basicToken(Buffer.from(basic, 'base64').toString('utf8'));
}

function basicToken(credentials: string): string | undefined {
  const colon = credentials.indexOf(':');
  const user = colon < 0 ? credentials : credentials.slice(0, colon);
  const password = colon < 0 ? '' : credentials.slice(colon + 1);
  if (password.trim() !== '') return undefined;
  return user.length <= MAX_TOKEN_LENGTH && /^\S+$/.test(user) ? user : undefined;
}
