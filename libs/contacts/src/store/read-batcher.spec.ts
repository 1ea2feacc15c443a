import { describe, expect, it } from 'vitest';
import { ReadBatcher } from './read-batcher.js';

type Row = { id: string; tags: string[] };

/** A fetch that records each query's keys and answers a row for every key but `missing`. */
function recordingFetch() {
  const queries: { group: string; keys: string[] }[] = [];
  const fetch = async (group: string, keys: string[]) => {
    queries.push({ group, keys });
    return new Map(keys.filter((key) => key !== 'missing').map((key): [string, Row] => [key, { id: key, tags: [] }]));
  };
  return { queries, fetch };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatcher', () => {
  it('given reads asked for in one turn, when they run, then one query per group answers them all', async () => {
    const { queries, fetch } = recordingFetch();
    const batcher = new ReadBatcher(fetch);
    const rows = await Promise.all([batcher.load('w1', 'a'), batcher.load('w1', 'b'), batcher.load('w2', 'a'), batcher.load('w1', 'missing')]);
    expect(rows).toEqual([{ id: 'a', tags: [] }, { id: 'b', tags: [] }, { id: 'a', tags: [] }, null]);
    expect(queries).toEqual([
      { group: 'w1', keys: ['a', 'b', 'missing'] },
      { group: 'w2', keys: ['a'] },
    ]);
  });

  it('given the same key read twice in a batch, then it is asked for once and each reader gets its own copy', async () => {
    const { queries, fetch } = recordingFetch();
    const batcher = new ReadBatcher(fetch);
    const [first, second] = await Promise.all([batcher.load('w', 'a'), batcher.load('w', 'a')]);
    expect(queries).toEqual([{ group: 'w', keys: ['a'] }]);
    expect(second).toEqual(first);
    first!.tags.push('mutated');
    expect(second!.tags).toEqual([]);
  });

  it('given a full batch, then it is sent at once and later reads start a new one', async () => {
    const { queries, fetch } = recordingFetch();
    const batcher = new ReadBatcher(fetch, 2);
    const reads = [batcher.load('w', 'a'), batcher.load('w', 'b')];
    expect(queries).toEqual([{ group: 'w', keys: ['a', 'b'] }]);
    reads.push(batcher.load('w', 'a'));
    await Promise.all(reads);
    expect(queries).toEqual([
      { group: 'w', keys: ['a', 'b'] },
      { group: 'w', keys: ['a'] },
    ]);
  });

  it('given a batch already sent, when the same key is read again, then the read waits for a query of its own', async () => {
    let release: () => void = () => {};
    const keysAsked: string[][] = [];
    const batcher = new ReadBatcher<string>(async (_group, keys) => {
      const query = keysAsked.push(keys);
      if (query === 1) await new Promise<void>((resolve) => (release = resolve));
      return new Map(keys.map((key) => [key, `${key}@${query}`]));
    });
    const first = batcher.load('w', 'a');
    await nextTurn();
    const second = batcher.load('w', 'a');
    await nextTurn();
    release();
    expect(await first).toBe('a@1');
    expect(await second).toBe('a@2');
    expect(keysAsked).toEqual([['a'], ['a']]);
  });

  it('given a query that fails, then every read of its batch fails with its error, and the next batch runs', async () => {
    let fail = true;
    const batcher = new ReadBatcher<string>(async (_group, keys) => {
      if (fail) throw new Error('statement timeout');
      return new Map(keys.map((key) => [key, key]));
    });
    const reads = [batcher.load('w', 'a'), batcher.load('w', 'b')];
    await expect(Promise.all(reads)).rejects.toThrow('statement timeout');
    await expect(reads[1]).rejects.toThrow('statement timeout');
    fail = false;
    expect(await batcher.load('w', 'a')).toBe('a');
  });
});
