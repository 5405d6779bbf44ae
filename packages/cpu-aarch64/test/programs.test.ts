// Whole static glibc programs built from our own C sources: output byte-identical to qemu-aarch64.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAVE_CROSS, buildC, runElf, runQemu } from './harness.js';

const dir = join(import.meta.dirname, 'programs');
const PROGRAMS = ['hello', 'printf', 'sort', 'strings', 'jmpmath', 'vector', 'fenv', 'flush'];

describe.skipIf(!HAVE_CROSS)('static glibc programs vs qemu-aarch64', () => {
  for (const name of PROGRAMS) {
    for (const opt of name === 'vector' ? ['-O3', '-O2'] : name === 'fenv' ? ['-O2 -march=armv8.1-a+crc', '-O2 -march=armv8-a+crc'] : name === 'flush' ? ['-Ofast', '-O2'] : ['-O2', '-O0']) {
      it(`${name}.c ${opt}`, () => {
        const exe = buildC(readFileSync(join(dir, `${name}.c`), 'utf8'), opt.split(' '));
        const ref = runQemu(exe, ['a1', 'b2']);
        const ours = runElf(exe, ['a1', 'b2']);
        expect(ours.stop).toBeUndefined();
        expect(ours.stdout.toString()).toBe(ref.stdout.toString());
        expect(ours.status).toBe(ref.status);
      });
    }
  }
});
