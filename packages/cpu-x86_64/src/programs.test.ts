// Whole programs: our own C test programs built static with musl and glibc, run natively and on
// this CPU (through the small loader/syscall shim in test-util/shim.ts); output must be identical.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildC, runStatic } from './test-util/shim.js';
import type { X86Cpu } from './cpu.js';

const dir = fileURLToPath(new URL('./programs/', import.meta.url));
const PROGRAMS = ['hello', 'strings', 'algo', 'fp'];
const COMPILERS = ['musl-gcc', 'gcc'] as const;

describe('static programs give native output', () => {
  for (const cc of COMPILERS) {
    for (const name of PROGRAMS) {
      it(`${name} (${cc})`, () => {
        const exe = buildC(`${name}`, readFileSync(dir + name + '.c', 'utf8'), cc);
        const native = execFileSync(exe, ['a1', 'b2'], { encoding: 'utf8' });
        const r = runStatic(exe, [exe, 'a1', 'b2']);
        expect(r.stop).toBeNull();
        expect(r.stdout).toBe(native);
        expect(r.status).toBe(0);
      });
    }
  }
  // MMX: __m64 intrinsics built without SSE2, so GCC emits the MMX instructions themselves (with
  // SSE2 it computes __m64 values in XMM registers); the test checks that it did.
  const MMX_FLAGS = ['-mmmx', '-msse', '-mno-sse2'];
  for (const cc of COMPILERS) {
    for (const hot of [undefined, 2]) {
      it(`mmx (${cc}${hot ? ', regions after 2 dispatches' : ''})`, () => {
        const exe = buildC('mmx', readFileSync(dir + 'mmx.c', 'utf8'), cc, MMX_FLAGS);
        const dis = execFileSync('objdump', ['-d', '--no-show-raw-insn', exe], { encoding: 'utf8', maxBuffer: 1 << 28 });
        expect(dis).toMatch(/\bpmaddwd\s+%mm/);
        expect(dis).toMatch(/\bemms\b/);
        const native = execFileSync(exe, ['a1', 'b2'], { encoding: 'utf8' });
        const r = runStatic(exe, [exe, 'a1', 'b2'], 2e9, hot ? { hot } : {});
        expect(r.stop).toBeNull();
        expect(r.stdout).toBe(native);
        expect(r.status).toBe(0);
      });
    }
  }
  // gcc -Ofast links crtfastmath.o, whose start-up sets MXCSR.FTZ and DAZ: the program computes
  // on denormals (see fastmath.c) and prints bit patterns that differ without FTZ/DAZ.
  for (const hot of [undefined, 2]) {
    it(`fastmath (gcc -Ofast: FTZ and DAZ set by crtfastmath${hot ? ', regions after 2 dispatches' : ''})`, () => {
      const exe = buildC('fastmath', readFileSync(dir + 'fastmath.c', 'utf8'), 'gcc', ['-Ofast']);
      const native = execFileSync(exe, ['a1', 'b2'], { encoding: 'utf8' });
      expect(native).toMatch(/^mxcsr ftz=1 daz=1\nhalvings 1023 127\n/);
      const r = runStatic(exe, [exe, 'a1', 'b2'], 2e9, hot ? { hot } : {});
      expect(r.stop).toBeNull();
      expect(r.stdout).toBe(native);
      expect(r.status).toBe(0);
    });
  }
  // Regions (hot blocks retranslated together with their successors, off by default) on every
  // block that runs twice: the same programs must still give native output.
  for (const name of PROGRAMS) {
    it(`${name} (gcc) with regions after 2 dispatches`, () => {
      const exe = buildC(`${name}`, readFileSync(dir + name + '.c', 'utf8'), 'gcc');
      const native = execFileSync(exe, ['a1', 'b2'], { encoding: 'utf8' });
      const r = runStatic(exe, [exe, 'a1', 'b2'], 2e9, { hot: 2 });
      expect(r.stop).toBeNull();
      expect(r.stdout).toBe(native);
      expect(r.status).toBe(0);
      expect((r.cpu as X86Cpu).regions).toBeGreaterThan(10);
    });
  }
});
