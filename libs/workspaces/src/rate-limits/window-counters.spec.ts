import { describe, expect, it } from 'vitest';
import { MemoryWindowCounter } from './window-counters.js';

describe('MemoryWindowCounter', () => {
  it('counts hits in a window that starts at the first hit, and starts afresh once it has ended', async () => {
    const counter = new MemoryWindowCounter();
    expect(await counter.hit('w', 10_000, 1_000)).toEqual({ hits: 1, msLeft: 10_000 });
    expect(await counter.hit('w', 10_000, 4_000)).toEqual({ hits: 2, msLeft: 7_000 });
    expect(await counter.hit('other', 10_000, 4_000)).toEqual({ hits: 1, msLeft: 10_000 });
    expect(await counter.hit('w', 10_000, 11_000)).toEqual({ hits: 1, msLeft: 10_000 });
  });

  it('keeps no ended window, and at most maxWindows windows however many trackers there are', async () => {
    const counter = new MemoryWindowCounter(100);
    for (let i = 0; i < 1_000; i++) await counter.hit(`address:${i}`, 10_000, 0);
    expect(counter.size).toBe(100);
    await counter.hit('late', 10_000, 20_000);
    expect(counter.size).toBe(1);
  });
});
