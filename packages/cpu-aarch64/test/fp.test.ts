// Differential tests of scalar floating point against qemu-aarch64 (random and edge operands).
// FPSR is compared too: the cumulative exception flags of scalar FP are computed (see README).
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { arith, conv, fmaSingles, gen, halfConv, fzScalar } from './gen/fp.js';
import { runDiff } from './diff.js';

describe.skipIf(!HAVE_CROSS)('scalar floating point vs qemu-aarch64', () => {
  it('arithmetic, fused multiply-add, compares, selects (1000 cases)', () => {
    expect(runDiff(gen(1000, arith), 21, {}).mismatches).toEqual([]);
  });
  it('conversions with saturation and rounding modes (800 cases)', () => {
    expect(runDiff(gen(800, conv), 22, {}).mismatches).toEqual([]);
  });
  for (const [mode, name] of [[1, 'toward +inf'], [2, 'toward -inf'], [3, 'toward zero']] as const) {
    it(`FPCR rounding mode ${name} (300 cases)`, () => {
      const cases = [...gen(200, arith), ...gen(100, conv)];
      expect(runDiff(cases, 24 + mode, { fpcr: mode << 22 }).mismatches).toEqual([]);
    });
  }
  it('fused multiply-add of doubles that are singles (exact products; 300 cases, 100 toward +inf)', () => {
    expect(runDiff(gen(300, fmaSingles), 29, {}).mismatches).toEqual([]);
    expect(runDiff(gen(100, fmaSingles), 30, { fpcr: 1 << 22 }).mismatches).toEqual([]);
  });
  it('default-NaN mode (FPCR.DN)', () => {
    expect(runDiff(gen(300, arith), 23, { fpcr: 1 << 25 }).mismatches).toEqual([]);
  });
  it('FCVT between half and single/double on edge values, IEEE and alternative (FPCR.AHP) half format (4 x 200 cases)', () => {
    expect(runDiff(gen(200, halfConv), 80, {}).mismatches).toEqual([]);
    expect(runDiff(gen(200, halfConv), 81, { fpcr: 1 << 26 }).mismatches).toEqual([]);
    expect(runDiff(gen(200, halfConv), 82, { fpcr: (1 << 26) | (3 << 22) }).mismatches).toEqual([]);
    expect(runDiff(gen(200, halfConv), 83, { fpcr: (1 << 26) | (1 << 25) | (2 << 22) }).mismatches).toEqual([]);
  });
  it('flush-to-zero (FPCR.FZ): denormal operands, results near the denormal boundary (600 + 3 x 200 rounding modes + 200 DN cases)', () => {
    const FZ = 1 << 24;
    expect(runDiff(gen(600, fzScalar), 90, { fpcr: FZ }).mismatches).toEqual([]);
    for (const mode of [1, 2, 3]) expect(runDiff(gen(200, fzScalar), 90 + mode, { fpcr: FZ | (mode << 22) }).mismatches).toEqual([]);
    expect(runDiff(gen(200, fzScalar), 94, { fpcr: FZ | (1 << 25) }).mismatches).toEqual([]);
  });
  it('the FZ cases without FZ (the same operands, IEEE denormals; 300 cases)', () => {
    expect(runDiff(gen(300, fzScalar), 95, {}).mismatches).toEqual([]);
  });
});
