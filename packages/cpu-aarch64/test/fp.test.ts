// Differential tests of scalar floating point against qemu-aarch64 (random and edge operands).
// FPSR cumulative exception flags are not modelled (see README), so they are not compared.
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { arith, conv, gen } from './gen/fp.js';
import { runDiff } from './diff.js';

describe.skipIf(!HAVE_CROSS)('scalar floating point vs qemu-aarch64', () => {
  it('arithmetic, fused multiply-add, compares, selects (1500 cases)', () => {
    expect(runDiff(gen(1500, arith), 21, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('conversions with saturation and rounding modes (1200 cases)', () => {
    expect(runDiff(gen(1200, conv), 22, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  for (const [mode, name] of [[1, 'toward +inf'], [2, 'toward -inf'], [3, 'toward zero']] as const) {
    it(`FPCR rounding mode ${name} (500 cases)`, () => {
      const cases = [...gen(300, arith), ...gen(200, conv)];
      expect(runDiff(cases, 24 + mode, { ignoreFpsr: true, fpcr: mode << 22 }).mismatches).toEqual([]);
    });
  }
  it('default-NaN mode (FPCR.DN)', () => {
    expect(runDiff(gen(400, arith), 23, { ignoreFpsr: true, fpcr: 1 << 25 }).mismatches).toEqual([]);
  });
});
