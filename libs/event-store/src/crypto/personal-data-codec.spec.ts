import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MasterKeyError, MasterKeyring, generateMasterKey, masterKeyId, open, parseMasterKey, seal } from './master-keys.js';
import { ERASED, openAll, sealPersonal } from './personal-data-codec.js';

const policy = { isPersonalKey: (key: string) => ['email', 'name', 'custom_attributes', 'metadata'].includes(key) || key.startsWith('custom_attributes.') };
const aad = Buffer.from('w1/c1');
const key = randomBytes(32);

const created = {
  contact_id: 'c1',
  role: 'user',
  email: 'ada@example.com',
  name: null,
  owner_id: 7,
  custom_attributes: { plan: 'pro', seats: 3, vip: true },
  occurred_at: 1700000000,
};
const updated = { changes: { email: { from: 'ada@example.com', to: 'lovelace@example.com' }, 'custom_attributes.plan': { from: 'pro', to: null }, role: { from: 'lead', to: 'user' } } };

describe('sealing personal values', () => {
  it('seals every personal leaf under one seal per event, keeps the rest and the shape, and opens back to the same data', () => {
    const sealed = sealPersonal(created, policy, key, aad) as Record<string, any>;
    expect(JSON.stringify(sealed)).not.toContain('ada@example.com');
    expect(JSON.stringify(sealed)).not.toContain('pro');
    // Each value's place holds its index in the one sealed array, types and all.
    expect(sealed.email).toEqual({ $enc: 0 });
    expect(typeof sealed.$sealed).toBe('string');
    // Names of custom attributes stay readable.
    expect(Object.keys(sealed.custom_attributes)).toEqual(['plan', 'seats', 'vip']);
    expect(sealed.custom_attributes).toEqual({ plan: { $enc: 1 }, seats: { $enc: 2 }, vip: { $enc: 3 } });
    expect(sealed).toMatchObject({ contact_id: 'c1', role: 'user', name: null, owner_id: 7, occurred_at: 1700000000 });
    expect(openAll(sealed, key, aad)).toEqual(created);
  });

  it('seals inside field diffs (from and to), by field name and by the custom_attributes. prefix', () => {
    const sealed = sealPersonal(updated, policy, key, aad) as Record<string, any>;
    expect(sealed.changes.email).toEqual({ from: { $enc: 0 }, to: { $enc: 1 } });
    expect(sealed.changes['custom_attributes.plan']).toEqual({ from: { $enc: 2 }, to: null });
    expect(sealed.changes.role).toEqual({ from: 'lead', to: 'user' });
    expect(openAll(sealed, key, aad)).toEqual(updated);
  });

  it('uses a fresh IV for every seal: the same event twice seals differently', () => {
    const a = sealPersonal({ email: 'x@y.z' }, policy, key, aad);
    const b = sealPersonal({ email: 'x@y.z' }, policy, key, aad);
    expect(a.$sealed).not.toBe(b.$sealed);
    const ivs = new Set(Array.from({ length: 1000 }, () => Buffer.from(seal(key, Buffer.from('v'), aad)).subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(1000);
  });

  it('adds nothing to an event without a personal value', () => {
    expect(sealPersonal({ changes: { role: { from: 'lead', to: 'user' } }, email: null }, policy, key, aad)).toEqual({ changes: { role: { from: 'lead', to: 'user' } }, email: null });
  });

  it('still opens the earlier form, one seal per value ({"$enc": base64}), and reads it as erased without the key', () => {
    const one = (value: unknown) => ({ $enc: seal(key, Buffer.from(JSON.stringify(value)), aad).toString('base64') });
    const earlier = { changes: { email: { from: one('ada@example.com'), to: one('lovelace@example.com') }, 'custom_attributes.plan': { from: one('pro'), to: null }, role: { from: 'lead', to: 'user' } } };
    expect(openAll(earlier, key, aad)).toEqual(updated);
    expect(openAll(earlier, null, aad)).toEqual({
      changes: { email: { from: ERASED, to: ERASED }, 'custom_attributes.plan': { from: ERASED, to: null }, role: { from: 'lead', to: 'user' } },
    });
  });

  it('reads sealed values as the erased marker without the key, never failing, and leaves plain values (events from before encryption) as they are', () => {
    const sealed = sealPersonal(updated, policy, key, aad);
    expect(openAll(sealed, null, aad)).toEqual({
      changes: { email: { from: ERASED, to: ERASED }, 'custom_attributes.plan': { from: ERASED, to: null }, role: { from: 'lead', to: 'user' } },
    });
    expect(openAll(created, null, aad)).toEqual(created);
  });

  it('writes the erased marker instead of a value when the owner has no key any more (erased)', () => {
    expect(sealPersonal(created, policy, null, aad)).toMatchObject({ email: ERASED, custom_attributes: { plan: ERASED, seats: ERASED, vip: ERASED } });
  });

  it('refuses a value moved to another owner (the owner is the AAD) or opened with another key', () => {
    const sealed = sealPersonal({ email: 'x@y.z' }, policy, key, aad);
    expect(() => openAll(sealed, key, Buffer.from('w1/c2'))).toThrow();
    expect(() => openAll(sealed, randomBytes(32), aad)).toThrow();
  });
});

describe('master keys', () => {
  it('parses 64 hex digits or 44 base64 characters, and nothing else', () => {
    const hex = randomBytes(32).toString('hex');
    expect(parseMasterKey(hex, 'K').toString('hex')).toBe(hex);
    const b64 = generateMasterKey();
    expect(parseMasterKey(b64, 'K').toString('base64')).toBe(b64);
    for (const bad of ['', 'secret', 'ab'.repeat(31), randomBytes(16).toString('base64')]) expect(() => parseMasterKey(bad, 'K')).toThrow(MasterKeyError);
  });

  it('wraps with the current key and unwraps with any configured one: what rotation relies on', () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const dataKey = randomBytes(32);
    const before = new MasterKeyring(oldKey);
    const wrapped = before.wrap(dataKey, aad);
    const during = new MasterKeyring(newKey, [oldKey]);
    expect(during.currentId).toBe(masterKeyId(newKey));
    expect(during.unwrap(wrapped, before.currentId, aad).equals(dataKey)).toBe(true);
    const rewrapped = during.wrap(dataKey, aad);
    const after = new MasterKeyring(newKey);
    expect(after.unwrap(rewrapped, after.currentId, aad).equals(dataKey)).toBe(true);
    expect(() => after.unwrap(wrapped, before.currentId, aad)).toThrow(MasterKeyError);
  });

  it('seal and open are AES-256-GCM: a flipped byte fails authentication', () => {
    const sealed = seal(key, Buffer.from('hello'), aad);
    expect(open(key, sealed, aad).toString()).toBe('hello');
    sealed[sealed.length - 1] ^= 1;
    expect(() => open(key, sealed, aad)).toThrow();
  });
});
