import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, accessToken } from './access-token.js';

const withHeader = (authorization?: string) => accessToken({ headers: authorization === undefined ? {} : { authorization } } as FastifyRequest);
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('the access token of a request', () => {
  it('is the token of a Bearer header, in any case of the scheme', () => {
    expect(withHeader('Bearer tok_abc')).toBe('tok_abc');
    expect(withHeader('bearer tok_abc ')).toBe('tok_abc');
  });

  it('is the user name of Basic credentials with an empty password, as the older SDKs send them', () => {
    expect(withHeader(basic('tok_abc:'))).toBe('tok_abc');
    expect(withHeader(`basic ${Buffer.from('tok_abc:').toString('base64')}`)).toBe('tok_abc');
  });

  it('takes Basic credentials without the colon, or with a password of spaces only', () => {
    expect(withHeader(basic('tok_abc'))).toBe('tok_abc');
    expect(withHeader(basic('tok_abc:  '))).toBe('tok_abc');
  });

  it('refuses a Basic password, an empty user, or credentials that are not base64', () => {
    expect(withHeader(basic('app_id:api_key'))).toBeUndefined();
    expect(withHeader(basic(':'))).toBeUndefined();
    expect(withHeader(basic(' tok_abc:'))).toBeUndefined();
    expect(withHeader('Basic not*base64')).toBeUndefined();
    expect(withHeader('Basic ')).toBeUndefined();
  });

  it('is undefined without a header, for another scheme, or for a token longer than any issued', () => {
    expect(withHeader()).toBeUndefined();
    expect(withHeader('Token tok_abc')).toBeUndefined();
    expect(withHeader('tok_abc')).toBeUndefined();
    const long = 't'.repeat(MAX_TOKEN_LENGTH + 1);
    expect(withHeader(`Bearer ${long}`)).toBeUndefined();
    expect(withHeader(basic(`${long}:`))).toBeUndefined();
    expect(withHeader(basic(`${'t'.repeat(MAX_TOKEN_LENGTH)}:`))).toBe('t'.repeat(MAX_TOKEN_LENGTH));
  });
});
