// The same random snippets, with the Unicorn engine (packages/cpu-unicorn, Debian libunicorn2) as
// the oracle instead of qemu-aarch64. Skipped when the native library is not available.
import { describe, expect, it } from 'vitest';
import { backend as unicorn, isUnicornAvailable } from '@elfbox/cpu-unicorn';
import { HAVE_CROSS, type CpuFactory } from './harness.js';
import { runDiff } from './diff.js';
import * as I from './gen/int.js';
import * as F from './gen/fp.js';
import * as S from './gen/simd.js';

const oracle: CpuFactory = (mem, entry) => unicorn.create('aarch64', mem, entry);
let available = false;
try { available = HAVE_CROSS && isUnicornAvailable(); } catch { available = false; }

describe.skipIf(!available)('differential vs Unicorn', () => {
  it('integer data processing, branches, loads/stores (1000 cases)', () => {
    const cases = [...I.gen(500, I.dataProc), ...I.gen(200, I.branches), ...I.gen(300, I.memOps)];
    expect(runDiff(cases, 41, { oracle }).mismatches).toEqual([]);
  });
  it('scalar floating point incl. FPSR (600 cases)', () => {
    expect(runDiff([...F.gen(400, F.arith), ...F.gen(200, F.conv)], 42, { oracle }).mismatches).toEqual([]);
  });
  it('AdvSIMD incl. FPSR (1000 cases)', () => {
    const cases = [...S.gen(450, S.intOps), ...S.gen(150, S.scalarOps), ...S.gen(200, S.fpVec), ...S.gen(200, S.ldst)];
    expect(runDiff(cases, 43, { oracle }).mismatches).toEqual([]);
  });
  it('AdvSIMD FP flags on edge values, half-precision FCVTL/FCVTN, FRECPE.../FMULX/FCVTXN (FPSR compared; 800 cases)', () => {
    const cases = [...S.gen(300, S.fpFlags), ...S.gen(200, S.halfCvt), ...S.gen(100, S.recip), ...S.gen(100, S.fmulx), ...S.gen(100, S.recpxCvtxn)];
    expect(runDiff(cases, 44, { oracle }).mismatches).toEqual([]);
  });
  it('flush-to-zero (FPCR.FZ), scalar and AdvSIMD, nearest and toward zero (FPSR compared; 800 cases)', () => {
    // one program (each run here keeps a Unicorn instance's memory until GC, and a later gcc spawn
    // can fail with ENOMEM): each case sets FPCR itself, FZ alone or FZ with round toward zero
    const FZ = 1 << 24;
    const set = (k: number) => `mov x9, #${k % 2 ? FZ | (3 << 22) : FZ}\nmsr fpcr, x9\n`;
    const cases = [...F.gen(400, F.fzScalar), ...S.gen(400, S.fzVec)].map((c, k) => set(k) + c);
    expect(runDiff(cases, 45, { oracle, fpcr: FZ }).mismatches).toEqual([]);
  });
});
