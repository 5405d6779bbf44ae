// Bad input never crashes the host: every syscall number of both arches, called with hostile
// arguments (NULL, unmapped and kernel-half pointers, -1, huge sizes, odd flags), must come back
// as a return value or a clean stop, never as a JS exception or a "kernel bug".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from '@elfbox/abi';
import { SCRATCH, harness } from './harness.js';

/** Temp directories made by these tests, removed afterwards. */
const temps: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); temps.push(d); return d; };
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

/** xorshift32: the same "random" arguments on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

const NASTY: bigint[] = [0n, 1n, 0xffffffffffffffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x1000n, 0xffff800000000000n,
  BigInt(SCRATCH), BigInt(SCRATCH + 0xfff9), BigInt(SCRATCH + 0x10000 - 1), 0x7fffffffffffn, 4096n, 64n, 2n ** 62n];

describe.each(['x86_64', 'aarch64'] as const)('hostile arguments on %s', (arch) => {
  it('every syscall returns or stops cleanly', () => {
    const root = tempDir('elfbox-fuzz-');
    const nums: Record<string, number> = arch === 'x86_64' ? SYSCALLS_X86_64 : SYSCALLS_AARCH64;
    const next = rng(arch === 'x86_64' ? 12345 : 67890);
    let calls = 0;
    const fresh = () => {
      const h = harness({ arch, root }); // strace on: the formatter sees the same hostile arguments
      // a writable string at the scratch start so path arguments are sometimes valid
      h.tg.mm.mem.write(SCRATCH, new TextEncoder().encode('fuzz-file\0'));
      return h;
    };
    let h = fresh();
    for (const [name, nr] of Object.entries(nums)) {
      for (let round = 0; round < 12; round++) {
        // a process that exited, blocked or has a signal pending is replaced (the call stopped cleanly)
        if (!h.tg.alive || !h.tg.leader?.runnable || h.kernel.hasDeliverable(h.tg.leader)) h = fresh();
        const args = Array.from({ length: 6 }, () => (next() % 3 === 0 ? BigInt(next()) : NASTY[next() % NASTY.length]));
        let threw: unknown;
        let cont = false;
        try {
          h.cpu.setReg(arch === 'x86_64' ? 0 : 8, BigInt(nr));
          const regs = arch === 'x86_64' ? [7, 6, 2, 10, 8, 9] : [0, 1, 2, 3, 4, 5];
          args.forEach((a, i) => h.cpu.setReg(regs[i], a));
          cont = h.cpu.entry.syscall(h.cpu);
        } catch (e) {
          threw = e;
        }
        calls++;
        expect(threw, `${name}(${args.map((a) => '0x' + a.toString(16)).join(', ')})`).toBeUndefined();
        expect(h.err(), `${name}(${args.map((a) => '0x' + a.toString(16)).join(', ')})`).not.toContain('kernel bug');
        const r = h.cpu.ret;
        if (cont && r < 0n && !['mmap', 'mremap', 'brk', 'lseek', 'time'].includes(name)) expect(r >= -4095n, `${name} returned ${r}`).toBe(true);
      }
    }
    expect(calls).toBeGreaterThan(3000);
  });
});
