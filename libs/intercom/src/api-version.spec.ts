import { describe, expect, it } from 'vitest';
import { ACCEPTED_VERSIONS, DEFAULT_VERSION, IntercomVersionError, parseVersion, supports } from './api-version.js';

describe('Intercom-Version', () => {
  it('defaults to 2.11 when the header is absent or empty, as the older SDKs send no header', () => {
    expect(parseVersion(undefined)).toBe(DEFAULT_VERSION);
    expect(parseVersion('')).toBe(11);
    expect(parseVersion(' ')).toBe(11);
  });

  it('serves 2.7 to 2.16 as themselves', () => {
    for (let minor = 7; minor <= 16; minor++) expect(parseVersion(`2.${minor}`)).toBe(minor);
  });

  it('serves 1.0 to 1.4 and 2.0 to 2.6 in the oldest documented shape, 2.7', () => {
    for (const v of ['1.0', '1.1', '1.2', '1.3', '1.4', '2.0', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6']) expect(parseVersion(v)).toBe(7);
    expect(supports(parseVersion('1.4'), 'enabledPushMessaging')).toBe(false);
  });

  it('serves Unstable and Preview as the newest numbered version, in any case', () => {
    expect(parseVersion('Unstable')).toBe(16);
    expect(parseVersion('unstable')).toBe(16);
    expect(parseVersion('Preview')).toBe(16);
    expect(supports(parseVersion('Unstable'), 'emailVerified')).toBe(true);
  });

  it('takes the first of repeated headers, trimmed', () => {
    expect(parseVersion([' 2.14 ', '2.16'])).toBe(14);
  });

  it('refuses every other value with intercom_version_invalid', () => {
    for (const v of ['3.0', '2.17', '1.5', '2', '2.1.0', 'latest', '02.11']) {
      expect(() => parseVersion(v)).toThrow(IntercomVersionError);
    }
    expect(ACCEPTED_VERSIONS.size).toBe(5 + 17 + 2);
  });
});
