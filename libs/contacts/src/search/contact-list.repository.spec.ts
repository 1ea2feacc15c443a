import { describe, expect, it } from 'vitest';
import { SIZES_KEPT, WALK_LIMIT, WorkspaceSizes } from './contact-list.repository.js';

describe('the workspace sizes a search plans by', () => {
  it('keeps at most SIZES_KEPT workspaces, the one learnt longest ago dropped first', () => {
    const sizes = new WorkspaceSizes();
    for (let n = 0; n <= SIZES_KEPT; n++) sizes.learn(`w${n}`, WALK_LIMIT + 1);
    expect(sizes.largerThanWalk('w0')).toBe(false);
    expect(sizes.largerThanWalk('w1')).toBe(true);
    expect(sizes.largerThanWalk(`w${SIZES_KEPT}`)).toBe(true);
  });

  it('takes a walk past its marker as larger than a walk, and a later count as the size', () => {
    const sizes = new WorkspaceSizes();
    sizes.walkedPast('w');
    expect(sizes.largerThanWalk('w')).toBe(true);
    sizes.learn('w', WALK_LIMIT);
    expect(sizes.largerThanWalk('w')).toBe(false);
  });
});
