// The committed vDSO images (src/vdso/image.gen.ts) are what scripts/build-vdso.sh builds from
// src/vdso/vdso.c with the compilers recorded in the file, and export what libcs look up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VDSO_BUILT_WITH } from '../../src/vdso/image.gen.js';
import { dynamicSymbols, vdsoImage } from '../../src/vdso/image.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-vdso.sh', import.meta.url));
const GEN = fileURLToPath(new URL('../../src/vdso/image.gen.ts', import.meta.url));
const version = (cc: string) => spawnSync(cc, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0];

describe('vDSO image', () => {
  it('exports the symbols glibc and musl look up, with Linux versions', () => {
    expect([...vdsoImage('x86_64').symbols.keys()].sort()).toEqual(['__vdso_clock_getres', '__vdso_clock_gettime', '__vdso_getcpu', '__vdso_gettimeofday',
      '__vdso_time', 'clock_getres', 'clock_gettime', 'getcpu', 'gettimeofday', 'time']);
    expect([...vdsoImage('aarch64').symbols.keys()].sort()).toEqual(['__kernel_clock_getres', '__kernel_clock_gettime', '__kernel_gettimeofday', '__kernel_rt_sigreturn']);
    const dec = new TextDecoder('latin1');
    expect(dec.decode(vdsoImage('x86_64').bytes)).toContain('LINUX_2.6\0');
    expect(dec.decode(vdsoImage('aarch64').bytes)).toContain('LINUX_2.6.39\0');
    // the aarch64 signal trampoline is exactly mov x8, #139; svc #0 (unwinders match these words)
    const a = vdsoImage('aarch64');
    const dv = new DataView(a.bytes.buffer);
    const at = a.symbols.get('__kernel_rt_sigreturn')!;
    expect([dv.getUint32(at, true), dv.getUint32(at + 4, true)]).toEqual([0xd2801168, 0xd4000001]);
  });

  it('is what scripts/build-vdso.sh builds from the sources', (ctx) => {
    const have = version('gcc') && version('aarch64-linux-gnu-gcc');
    if (!have) return ctx.skip();
    const out = join(mkdtempSync(join(tmpdir(), 'elfbox-vdso-')), 'image.gen.ts');
    const r = spawnSync('sh', [SCRIPT, out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rebuilt = readFileSync(out, 'utf8');
    if (version('gcc') === VDSO_BUILT_WITH.x86_64 && version('aarch64-linux-gnu-gcc') === VDSO_BUILT_WITH.aarch64) {
      expect(rebuilt).toBe(readFileSync(GEN, 'utf8'));
    } else {
      // other compilers give other bytes: the same exports at least
      const img = (arch: 'x86_64' | 'aarch64') => new Uint8Array(Buffer.from(new RegExp(`  ${arch}: '([^']+)'`).exec(rebuilt.split('VDSO_BASE64')[1])![1], 'base64'));
      expect([...dynamicSymbols(img('x86_64')).keys()].sort()).toEqual([...vdsoImage('x86_64').symbols.keys()].sort());
      expect([...dynamicSymbols(img('aarch64')).keys()].sort()).toEqual([...vdsoImage('aarch64').symbols.keys()].sort());
    }
  });
});
