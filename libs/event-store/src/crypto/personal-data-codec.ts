import { randomBytes } from 'node:crypto';
import { ByteBudgetCache } from '../byte-budget-cache.js';
import type pg from 'pg';
import type { DataKeyRow, EncodedRow, EventCodec, NewEvent, RowDecoder, StreamEncoder } from '../event.js';
import { KEY_BYTES, type MasterKeyring, open, seal } from './master-keys.js';

/** What a personal value reads as once its owner's data key is deleted (erased), or when it cannot be found. */
export const ERASED = '[erased]';

/**
 * Which values of which events are personal: the domain says (libs/contacts/src/erasure/personal-data.ts), the
 * codec only applies it.
 */
export interface PersonalDataPolicy {
  /** Event types whose data may hold personal values; the others are stored as they are. */
  eventTypes: ReadonlySet<string>;
  /** A key whose value is personal wherever it appears in such an event's data; an object or array value: each of its leaves. */
  isPersonalKey(key: string): boolean;
  /** Whose data key a stream's values are sealed with: a contact's data-event stream uses the contact's. */
  ownerOf(streamId: string): string;
}

export interface PersonalDataCodecOptions {
  keyring: MasterKeyring;
  policy: PersonalDataPolicy;
  /**
   * False: new events are stored in plain text and no data key is created (reads still open sealed values).
   * For the benchmark's comparison run alone (ENCRYPTION_BENCH_DISABLE), never for data that must be erasable.
   */
  encrypt?: boolean;
  /** The unwrapped data keys kept in memory, in bytes. */
  cacheBytes?: number;
  /** Reads trust a cached key for this long, then look again: an erasure on another replica is honoured within it. */
  readTrustMs?: number;
}

/** 16 MiB of unwrapped keys: about 200 bytes an entry, some 80,000 owners. */
export const DEFAULT_KEY_CACHE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_READ_TRUST_MS = 30_000;

/** A sealed value in an event's data: `{"$enc": <index in the event's sealed values>}` (or, written before, `{"$enc": base64}`). */
const SEALED = '$enc';
/** The event's personal values, sealed together: base64(iv | tag | ciphertext of their JSON array). */
const SEALED_VALUES = '$sealed';

/** A cached owner: its unwrapped data key, or null when it is erased. */
interface KeyEntry {
  key: Buffer | null;
  loadedAt: number;
}

interface KeyRow {
  workspace_id: string;
  owner_id: string;
  master_key_id: string | null;
  wrapped_key: Buffer | null;
}

/**
 * Per-owner encryption of personal values (crypto-shredding): each contact and each company has its own AES-256-GCM
 * data key, wrapped by the master key, in es_data_keys. A new owner's key is written by the same statement as its
 * first events (the encoder's statement); later appends find it in memory. Deleting the key erases every personal
 * value ever written for the owner, in the log and in every copy decoded from it, without touching es_events.
 */
export class PersonalDataCodec implements EventCodec {
  private readonly keys: ByteBudgetCache<KeyEntry>;
  private readonly encrypt: boolean;
  private readonly readTrustMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PersonalDataCodecOptions,
  ) {
    this.keys = new ByteBudgetCache<KeyEntry>(options.cacheBytes ?? DEFAULT_KEY_CACHE_BYTES, () => 160);
    this.encrypt = options.encrypt ?? true;
    this.readTrustMs = options.readTrustMs ?? DEFAULT_READ_TRUST_MS;
  }

  async encoder(workspaceId: string, streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<StreamEncoder> {
    const { policy } = this.options;
    if (!this.encrypt || !events.some((event) => policy.eventTypes.has(event.type))) return PLAIN_ENCODER;
    const owner = policy.ownerOf(streamId);
    const aad = aadOf(workspaceId, owner);
    const cached = this.keys.get(cacheKey(workspaceId, owner));
    if (cached) return this.sealingEncoder(cached.key, aad);
    if (expectedVersion === 0 && owner === streamId) {
      // A new owner: its key is written by the append itself, and remembered once that committed.
      const key = randomBytes(KEY_BYTES);
      const wrapped = this.options.keyring.wrap(key, aad);
      const keyId = this.options.keyring.currentId;
      return {
        ...this.sealingEncoder(key, aad),
        statement: (bind) =>
          `INSERT INTO es_data_keys (workspace_id, owner_id, master_key_id, wrapped_key)
           SELECT ${bind(workspaceId)}, ${bind(owner)}, ${bind(keyId)}, ${bind(wrapped)}::bytea FROM stream`,
        committed: () => this.keys.set(cacheKey(workspaceId, owner), { key, loadedAt: Date.now() }),
      };
    }
    return this.sealingEncoder(await this.keyOf(workspaceId, owner), aad);
  }

  async decoder(rows: readonly EncodedRow[]): Promise<RowDecoder> {
    const { policy } = this.options;
    const wanted = new Map<string, { workspaceId: string; owner: string }>();
    const known = new Map<string, Buffer | null>();
    // Owners whose key was deleted (a tombstone), as opposed to owners that never had one.
    const erased = new Set<string>();
    const now = Date.now();
    for (const row of rows) {
      if (!policy.eventTypes.has(row.event_type)) continue;
      const owner = policy.ownerOf(row.stream_id);
      const key = cacheKey(row.workspace_id, owner);
      if (known.has(key) || wanted.has(key)) continue;
      const cached = this.keys.get(key);
      if (cached && now - cached.loadedAt < this.readTrustMs) {
        known.set(key, cached.key);
        if (!cached.key) erased.add(key);
      } else wanted.set(key, { workspaceId: row.workspace_id, owner });
    }
    if (wanted.size > 0) {
      const found = await this.loadKeys([...wanted.values()]);
      for (const [key] of wanted) {
        known.set(key, found.get(key) ?? null);
        if (found.has(key) && !found.get(key)) erased.add(key);
      }
    }
    return {
      decode: (data, type, workspaceId, streamId) => {
        if (!policy.eventTypes.has(type)) return data;
        const owner = policy.ownerOf(streamId);
        const key = cacheKey(workspaceId, owner);
        const opened = openAll(data, known.get(key) ?? null, aadOf(workspaceId, owner)) as Record<string, unknown>;
        // An erased owner's values written in plain text (before sealing, or by the bench switch) read as erased too.
        return erased.has(key) ? sealPersonal(opened, policy, null, aadOf(workspaceId, owner)) : opened;
      },
    };
  }

  /**
   * A key row the caller read with its own load (or null: the owner has none yet): cached unless it already is, so
   * that the write that follows seals without a round trip. A tombstone (erased) is remembered as erased.
   */
  remember(workspaceId: string, owner: string, row: DataKeyRow | null): void {
    if (!this.encrypt || !row || this.keys.get(cacheKey(workspaceId, owner))) return;
    const key = row.wrapped_key ? this.options.keyring.unwrap(row.wrapped_key, row.master_key_id!, aadOf(workspaceId, owner)) : null;
    this.keys.set(cacheKey(workspaceId, owner), { key, loadedAt: Date.now() });
  }

  /**
   * Erases an owner: its data key is deleted and a tombstone stays, inside the caller's transaction `db` (the
   * append of the erasure event), so both commit together. Call `forget` once that committed.
   */
  eraseStatement(workspaceId: string, owner: string, bind: (value: unknown) => string): string {
    return dataKeyErasure(workspaceId, owner, bind);
  }

  /** This process's copy of the owner's key is dropped (other replicas drop theirs within readTrustMs for reads). */
  forget(workspaceId: string, owner: string): void {
    this.keys.set(cacheKey(workspaceId, owner), { key: null, loadedAt: Date.now() });
  }

  /**
   * Master-key rotation: every data key wrapped by a previous master key of the keyring is unwrapped and wrapped
   * again by the current one, `batch` at a time, each batch in one statement. Events are not touched. Returns how many
   * moved, and how many keys are wrapped by a master key the keyring does not hold (they stay as they are: configure
   * that key as a previous one and run again).
   */
  async rotate(batch = 500): Promise<{ rewrapped: number; master_key_id: string; unknown_master_key: number }> {
    const { keyring } = this.options;
    const previous = keyring.ids.filter((id) => id !== keyring.currentId);
    let rewrapped = 0;
    for (;;) {
      const { rows } = await this.pool.query<KeyRow>(
        `SELECT workspace_id, owner_id, master_key_id, wrapped_key FROM es_data_keys
          WHERE wrapped_key IS NOT NULL AND master_key_id = ANY($1::text[]) LIMIT $2`,
        [previous, batch],
      );
      if (rows.length === 0) break;
      const again = rows.map((row) => {
        const aad = aadOf(row.workspace_id, row.owner_id);
        return keyring.wrap(keyring.unwrap(row.wrapped_key!, row.master_key_id!, aad), aad);
      });
      // Only a row still wrapped as it was read moves: a concurrent erasure wins.
      const { rowCount } = await this.pool.query(
        `UPDATE es_data_keys k SET master_key_id = $1, wrapped_key = r.wrapped
           FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[]) AS r(ws, owner, old_id, wrapped)
          WHERE k.workspace_id = r.ws AND k.owner_id = r.owner AND k.master_key_id = r.old_id`,
        [keyring.currentId, rows.map((r) => r.workspace_id), rows.map((r) => r.owner_id), rows.map((r) => r.master_key_id), again],
      );
      rewrapped += rowCount ?? 0;
    }
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS n FROM es_data_keys WHERE wrapped_key IS NOT NULL AND NOT (master_key_id = ANY($1::text[]))`,
      [keyring.ids],
    );
    return { rewrapped, master_key_id: keyring.currentId, unknown_master_key: rows[0].n };
  }

  private sealingEncoder(key: Buffer | null, aad: Buffer): StreamEncoder {
    const { policy } = this.options;
    return {
      encode: (event) =>
        policy.eventTypes.has(event.type) ? sealPersonal(event.data as Record<string, unknown>, policy, key, aad) : (event.data as Record<string, unknown>),
    };
  }

  /** An existing owner's key: from memory, else the table; an owner without one (written before encryption) gets one now. */
  private async keyOf(workspaceId: string, owner: string): Promise<Buffer | null> {
    const key = cacheKey(workspaceId, owner);
    const found = await this.loadKeys([{ workspaceId, owner }]);
    if (found.has(key)) return found.get(key)!;
    const aad = aadOf(workspaceId, owner);
    const fresh = randomBytes(KEY_BYTES);
    await this.pool.query(
      `INSERT INTO es_data_keys (workspace_id, owner_id, master_key_id, wrapped_key) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [workspaceId, owner, this.options.keyring.currentId, this.options.keyring.wrap(fresh, aad)],
    );
    // Whoever inserted first, the stored key is the one.
    const stored = await this.loadKeys([{ workspaceId, owner }]);
    return stored.get(key) ?? null;
  }

  /** The owners' keys in one round trip, unwrapped and cached; an erased owner maps to null, an unknown one is absent. */
  private async loadKeys(owners: { workspaceId: string; owner: string }[]): Promise<Map<string, Buffer | null>> {
    const { rows } = await this.pool.query<KeyRow>({
      name: 'es_data_keys_load',
      text: `SELECT k.workspace_id, k.owner_id, k.master_key_id, k.wrapped_key
               FROM unnest($1::text[], $2::text[]) AS w(ws, owner)
               JOIN es_data_keys k ON k.workspace_id = w.ws AND k.owner_id = w.owner`,
      values: [owners.map((o) => o.workspaceId), owners.map((o) => o.owner)],
    });
    const found = new Map<string, Buffer | null>();
    const loadedAt = Date.now();
    for (const row of rows) {
      const key = row.wrapped_key ? this.options.keyring.unwrap(row.wrapped_key, row.master_key_id!, aadOf(row.workspace_id, row.owner_id)) : null;
      found.set(cacheKey(row.workspace_id, row.owner_id), key);
      this.keys.set(cacheKey(row.workspace_id, row.owner_id), { key, loadedAt });
    }
    return found;
  }
}

/**
 * The statement that deletes an owner's data key and leaves its tombstone, for an append statement (it reads the
 * `stream` CTE): what `eraseStatement` runs, and what an erasure runs whatever the codec (the tombstone also tells
 * the rebuild that the owner is erased).
 */
export function dataKeyErasure(workspaceId: string, owner: string, bind: (value: unknown) => string): string {
  return `INSERT INTO es_data_keys AS k (workspace_id, owner_id, master_key_id, wrapped_key, erased_at)
          SELECT ${bind(workspaceId)}, ${bind(owner)}, NULL, NULL, now() FROM stream
          ON CONFLICT (workspace_id, owner_id) DO UPDATE SET master_key_id = NULL, wrapped_key = NULL, erased_at = coalesce(k.erased_at, now())`;
}

const PLAIN_ENCODER: StreamEncoder = { encode: (event) => event.data as Record<string, unknown> };

const cacheKey = (workspaceId: string, owner: string) => `${workspaceId}/${owner}`;
const aadOf = (workspaceId: string, owner: string) => Buffer.from(`${workspaceId}/${owner}`);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The data with every personal value sealed with `key`, all of an event's values under one seal: each value is
 * replaced by `{"$enc": <its index>}` and the data gains `"$sealed": base64(iv | tag | ciphertext of the values' JSON
 * array)`, so that the event's shape, its other fields and the names of custom attributes stay readable in SQL.
 * With no key (an erased owner), each value is replaced by ERASED.
 */
export function sealPersonal(data: Record<string, unknown>, policy: Pick<PersonalDataPolicy, 'isPersonalKey'>, key: Buffer | null, aad: Buffer): Record<string, unknown> {
  if (!key) return replacePersonal(data, policy, () => ERASED) as Record<string, unknown>;
  const values: unknown[] = [];
  const shaped = replacePersonal(data, policy, (value) => ({ [SEALED]: values.push(value) - 1 })) as Record<string, unknown>;
  if (values.length === 0) return shaped;
  return { ...shaped, [SEALED_VALUES]: seal(key, Buffer.from(JSON.stringify(values)), aad).toString('base64') };
}

/** The data with each leaf under a personal key replaced by `replace(leaf)`; null and undefined stay as they are. */
function replacePersonal(data: unknown, policy: Pick<PersonalDataPolicy, 'isPersonalKey'>, replace: (value: unknown) => unknown): unknown {
  if (Array.isArray(data)) return data.map((item) => replacePersonal(item, policy, replace));
  if (!isPlainObject(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) out[name] = policy.isPersonalKey(name) ? replaceLeaves(value, replace) : replacePersonal(value, policy, replace);
  return out;
}

function replaceLeaves(value: unknown, replace: (value: unknown) => unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => replaceLeaves(item, replace));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, replaceLeaves(item, replace)]));
  return replace(value);
}

/**
 * The data with every sealed value opened; with no key (erased, or never found) each reads as ERASED. Reads both
 * forms: one seal per event (`$sealed` beside `{"$enc": index}` leaves) and the earlier one seal per value
 * (`{"$enc": base64}`), which events written before the change keep.
 */
export function openAll(data: unknown, key: Buffer | null, aad: Buffer): unknown {
  if (!isPlainObject(data) || typeof data[SEALED_VALUES] !== 'string') return openLeaves(data, key, aad, null);
  const { [SEALED_VALUES]: sealed, ...rest } = data;
  const values = key ? (JSON.parse(open(key, Buffer.from(sealed as string, 'base64'), aad).toString()) as unknown[]) : null;
  return openLeaves(rest, key, aad, values);
}

function openLeaves(data: unknown, key: Buffer | null, aad: Buffer, values: unknown[] | null): unknown {
  if (Array.isArray(data)) return data.map((item) => openLeaves(item, key, aad, values));
  if (!isPlainObject(data)) return data;
  const sealed = data[SEALED];
  if (Object.keys(data).length === 1) {
    if (typeof sealed === 'number') return values && sealed in values ? values[sealed] : ERASED;
    if (typeof sealed === 'string') return key ? JSON.parse(open(key, Buffer.from(sealed, 'base64'), aad).toString()) : ERASED;
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) out[name] = openLeaves(value, key, aad, values);
  return out;
}
