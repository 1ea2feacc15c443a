import { createCipheriv, createDecipheriv, createHash, randomBytes, randomFillSync } from 'node:crypto';

/** AES-256-GCM throughout: a 32-byte key, a fresh 12-byte IV per encryption, a 16-byte tag. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `iv | tag | ciphertext`, authenticated with `aad` (what the ciphertext belongs to, so that it cannot be moved). */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/**
 * IVs are drawn from a pool of random bytes refilled 4 KiB at a time: one call into OpenSSL's generator per 341 IVs,
 * where one per IV cost more than the encryption itself. Each IV is used once and only within seal.
 */
const ivPool = Buffer.alloc(IV_BYTES * 341);
let ivOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset);
}

/** The inverse of seal; throws when the key, the AAD or the bytes are not the ones sealed. */
export function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export class MasterKeyError extends Error {}

/** A master key's id: not secret, recorded beside each data key it wraps, so that rotation knows what is left. */
export const masterKeyId = (key: Buffer): string => createHash('sha256').update('contacts-master-key').update(key).digest('hex').slice(0, 16);

/**
 * A master key as configured: 32 bytes as 64 hex digits or as base64 (44 characters). Anything else is refused:
 * a passphrase would be a weaker key than it looks.
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : /^[A-Za-z0-9+/]{43}=$/.test(value) ? Buffer.from(value, 'base64') : null;
  if (!key || key.length !== KEY_BYTES) throw new MasterKeyError(`${source} must be 32 bytes as 64 hex digits or 44 base64 characters`);
  return key;
}

/** A new master key, as the key file and ENCRYPTION_KEY hold it. */
export const generateMasterKey = (): string => randomBytes(KEY_BYTES).toString('base64');

/**
 * The master keys: the current one wraps every new data key; older ones (kept while a rotation is under way) only
 * unwrap. Data keys are wrapped with AES-256-GCM, the owner's identity as AAD.
 */
export class MasterKeyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.currentId = masterKeyId(current);
    this.keys.set(this.currentId, current);
    for (const key of previous) if (!this.keys.has(masterKeyId(key))) this.keys.set(masterKeyId(key), key);
  }

  wrap(dataKey: Buffer, aad: Buffer): Buffer {
    return seal(this.keys.get(this.currentId)!, dataKey, aad);
  }

  unwrap(wrapped: Buffer, keyId: string, aad: Buffer): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new MasterKeyError(`a data key is wrapped by master key ${keyId}, which is not configured (ENCRYPTION_KEY, ENCRYPTION_PREVIOUS_KEYS)`);
    return open(key, wrapped, aad);
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }
}
