// Differential tests of the integer instruction set against qemu-aarch64 (random operands).
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { dataProc, branches, memOps, gen } from './gen/int.js';
import { runDiff } from './diff.js';

describe.skipIf(!HAVE_CROSS)('integer instructions vs qemu-aarch64', () => {
  it('data processing (1500 random cases)', () => {
    const res = runDiff(gen(1500, dataProc), 11);
    expect(res.mismatches).toEqual([]);
  });
  it('branches and conditions (600 cases)', () => {
    const res = runDiff(gen(600, branches), 12);
    expect(res.mismatches).toEqual([]);
  });
  it('loads and stores in every addressing mode (1200 cases)', () => {
    const res = runDiff(gen(1200, memOps), 13);
    expect(res.mismatches).toEqual([]);
  });
});
