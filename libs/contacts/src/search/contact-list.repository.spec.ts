import { describe, expect, it } from 'vitest';
import { WALK_LIMIT, WorkspaceSizes } from './contact-list.repository.js';

describe('the workspace sizes a search plans by', () => {
  it('keeps what its byte budget holds, the workspace used longest ago dropped first', () => {
    const sizes = new WorkspaceSizes();
    // 100,000 workspaces of 36-character ids are about 8.4 MB: far over the budget of 1 MiB.
    const id = (n: number) => `w${String(n).padStart(35, '0')}`;
    for (let n = 0; n < 100_000; n++) sizes.learn(id(n), WALK_LIMIT + 1);
    expect(sizes.largerThanWalk(id(0))).toBe(false);
    expect(sizes.largerThanWalk(id(99_999))).toBe(true);
  });

  it('takes a walk past its marker as larger than a walk, and a later count as the size', () => {
    const sizes = new WorkspaceSizes();
    sizes.walkedPast('w');
    expect(sizes.largerThanWalk('w')).toBe(true);
    sizes.learn('w', WALK_LIMIT);
    expect(sizes.largerThanWalk('w')).toBe(false);
  });
});
