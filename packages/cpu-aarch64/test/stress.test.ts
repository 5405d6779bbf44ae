// Extra random seeds on demand: A64_STRESS=1 SEED=n npx vitest run packages/cpu-aarch64/test/stress.test.ts
// (skipped in the normal run; every mismatch it found so far became a fix).
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { runDiff } from './diff.js';
import * as I from './gen/int.js';
import * as F from './gen/fp.js';
import * as S from './gen/simd.js';
const seed = Number(process.env.SEED ?? 100);
const on = HAVE_CROSS && !!process.env.A64_STRESS;
describe.skipIf(!on)('stress', () => {
  it('int', () => { expect(runDiff([...I.gen(1500, I.dataProc), ...I.gen(500, I.branches), ...I.gen(800, I.memOps), ...I.gen(300, I.crc), ...I.gen(600, I.atomics)], seed).mismatches).toEqual([]); });
  it('fp', () => { expect(runDiff([...F.gen(1500, F.arith), ...F.gen(1000, F.conv)], seed + 1).mismatches).toEqual([]); });
  it('simd', () => { expect(runDiff([...S.gen(1500, S.intOps), ...S.gen(500, S.scalarOps), ...S.gen(800, S.fpVec), ...S.gen(500, S.recip), ...S.gen(400, S.dmulh)], seed + 2, { ignoreFpsr: true }).mismatches).toEqual([]); });
  it('ldst', () => { expect(runDiff(S.gen(1000, S.ldst), seed + 3, { ignoreFpsr: true }).mismatches).toEqual([]); });
});
describe.skipIf(!on)('stress-modes', () => {
  for (const m of [1, 2, 3]) it(`mode ${m}`, () => {
    expect(runDiff([...F.gen(800, F.arith), ...F.gen(500, F.conv), ...S.gen(500, S.fpVec), ...S.gen(300, S.scalarOps)], seed + 10 + m, { ignoreFpsr: true, fpcr: m << 22 }).mismatches).toEqual([]);
  });
});
