// Differential tests of the integer instruction set against qemu-aarch64 (random operands).
import { describe, expect, it } from 'vitest';
import { HAVE_CROSS } from './harness.js';
import { dataProc, branches, memOps, crc, atomics, gen } from './gen/int.js';
import { runDiff } from './diff.js';
import { A64Cpu } from '../src/cpu.js';

describe.skipIf(!HAVE_CROSS)('integer instructions vs qemu-aarch64', () => {
  it('data processing (1000 random cases)', () => {
    const res = runDiff(gen(1000, dataProc), 11);
    expect(res.mismatches).toEqual([]);
  });
  it('branches and conditions (400 cases)', () => {
    const res = runDiff(gen(400, branches), 12);
    expect(res.mismatches).toEqual([]);
  });
  it('loads and stores in every addressing mode (800 cases)', () => {
    const res = runDiff(gen(800, memOps), 13);
    expect(res.mismatches).toEqual([]);
  });
  it('branches, conditions, loads and stores translated as superblocks from the start (400 + 300 cases)', () => {
    // Each snippet runs once, so blocks stay cold (basic blocks); this run translates superblocks
    // (skips, side exits) right away, as hot code gets them.
    const was = A64Cpu.tiered;
    A64Cpu.tiered = false;
    try {
      expect(runDiff([...gen(400, branches), ...gen(300, memOps)], 16).mismatches).toEqual([]);
    } finally { A64Cpu.tiered = was; }
  });
  it('CRC32/CRC32C (300 cases)', () => {
    expect(runDiff(gen(300, crc), 14).mismatches).toEqual([]);
  });
  it('LSE atomics: LD<op>, ST<op>, SWP, CAS, CASP (400 cases)', () => {
    expect(runDiff(gen(400, atomics), 15).mismatches).toEqual([]);
  });
});
