// Differential tests of AdvSIMD against qemu-aarch64 (random lanes). FPSR flags are not compared.
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { intOps, scalarOps, fpVec, fmlaSingles, regShifts, satScalar, ldst, recip, dmulh, gen } from './gen/simd.js';
import { runDiff } from './diff.js';

describe.skipIf(!HAVE_CROSS)('AdvSIMD vs qemu-aarch64', () => {
  it('integer vector operations (1000 cases)', () => {
    expect(runDiff(gen(1000, intOps), 31, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('scalar AdvSIMD forms (500 cases)', () => {
    expect(runDiff(gen(500, scalarOps), 32, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('floating-point vector operations (800 cases)', () => {
    expect(runDiff(gen(800, fpVec), 33, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('floating-point vector operations under FPCR rounding modes (3 x 150 cases)', () => {
    for (const mode of [1, 2, 3]) expect(runDiff(gen(150, fpVec), 35 + mode, { ignoreFpsr: true, fpcr: mode << 22 }).mismatches).toEqual([]);
  });
  it('FMLA/FMLS .2d on lanes widened from singles (exact products; 200 cases)', () => {
    expect(runDiff(gen(200, fmlaSingles), 47, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('saturating and rounding shifts by register: SQSHL UQSHL SRSHL URSHL SQRSHL UQRSHL (400 cases)', () => {
    expect(runDiff(gen(400, regShifts), 48, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('FPSR.QC after saturating integer operations (FPSR compared; 600 + 200 + 200 + 200 cases)', () => {
    const cases = [...gen(600, intOps), ...gen(200, regShifts), ...gen(200, dmulh), ...gen(200, satScalar)];
    expect(runDiff(cases, 50, {}).mismatches).toEqual([]);
  });
  it('structure and register loads/stores (600 cases)', () => {
    expect(runDiff(gen(600, ldst), 34, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
  it('FRECPE/FRSQRTE/FRECPS/FRSQRTS (500 cases, plus 3 x 100 under the rounding modes)', () => {
    expect(runDiff(gen(500, recip), 39, { ignoreFpsr: true }).mismatches).toEqual([]);
    for (const mode of [1, 2, 3]) expect(runDiff(gen(100, recip), 39 + mode, { ignoreFpsr: true, fpcr: mode << 22 }).mismatches).toEqual([]);
  });
  it('SQDMULH/SQRDMULH vector, scalar, by element (400 cases)', () => {
    expect(runDiff(gen(400, dmulh), 45, { ignoreFpsr: true }).mismatches).toEqual([]);
  });
});
