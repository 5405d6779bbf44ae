// Differential tests of AdvSIMD against qemu-aarch64 (random lanes). FPSR flags are not compared.
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { intOps, scalarOps, fpVec, ldst, gen } from './gen/simd.js';
import { runDiff } from './diff.js';

describe.skipIf(!HAVE_CROSS)('AdvSIMD vs qemu-aarch64', () => {
  it('integer vector operations (1800 cases)', () => {
    expect(runDiff(gen(1800, intOps), 31, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('scalar AdvSIMD forms (800 cases)', () => {
    expect(runDiff(gen(800, scalarOps), 32, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('floating-point vector operations (1200 cases)', () => {
    expect(runDiff(gen(1200, fpVec), 33, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('floating-point vector operations under FPCR rounding modes (3 x 200 cases)', () => {
    for (const mode of [1, 2, 3]) expect(runDiff(gen(200, fpVec), 35 + mode, { ignoreFpsr: true, fpcr: mode << 22 }).mismatches).toEqual([]);
  });
  it('structure and register loads/stores (1000 cases)', () => {
    expect(runDiff(gen(1000, ldst), 34, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
});
