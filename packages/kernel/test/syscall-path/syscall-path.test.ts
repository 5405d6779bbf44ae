// The syscall path's number accessors (Cpu.getRegLo32 / getRegHi32 / setRegNum) on every backend,
// the lazy argument decoders of Call against the BigInt formulas they replace, and a program of
// raw system calls with edge-case arguments compared against native x86-64 and qemu-aarch64.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AddressSpace, type Arch, type Cpu, type CpuBackend, type SyscallEntry } from '@elfbox/cpu';
import { registerBackend, run } from '../../src/api.js';
import { archAdapter } from '../../src/arch.js';
import type { Kernel } from '../../src/kernel.js';
import { Call } from '../../src/syscalls/types.js';
import type { Task } from '../../src/task.js';

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** 64-bit register values around every boundary the decoders have (2^31, 2^32, 2^53, 2^63, -2^53). */
const VALUES: bigint[] = [
  0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000003n, 0x7fff_ffff_f000n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 0x001f_ffff_0000_0000n, 0x0020_0000_0000_0000n,
  2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 0xdead_beef_cafe_baben, 0xffff_ffff_0000_0005n,
  u64(-1n), u64(-4095n), u64(-(2n ** 31n)), u64(-(2n ** 32n)), u64(-(2n ** 53n) + 1n), u64(-(2n ** 53n)),
  u64(-(2n ** 53n) - 1n), 0xffe0_0000_0000_0001n, 0xffe0_0000_0000_0000n, 0xffdf_ffff_ffff_ffffn,
];

/** Results a handler returns as numbers: -errno, small values, addresses, the safe-integer limits. */
const NUMS = [0, 1, -1, -4, -22, -4095, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, -(2 ** 32) - 7, 0x7fff_ffff_f000, 2 ** 53 - 1, -(2 ** 53 - 1)];

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
/** What Call's decoders returned when they worked on BigInt arguments (the reference). */
const ref = {
  i32: (v: bigint) => Number(BigInt.asIntN(32, v)),
  u32: (v: bigint) => Number(BigInt.asUintN(32, v)),
  i64: (v: bigint) => BigInt.asIntN(64, v),
  u64: (v: bigint) => v,
  num: (v: bigint) => (v > MAX ? Infinity : Number(v)),
  snum: (v: bigint) => { const s = BigInt.asIntN(64, v); return s > MAX ? Infinity : s < -MAX ? -Infinity : Number(s); },
};

const NO_ENTRY: SyscallEntry = { syscall: () => false };

interface Maker { name: string; arch: Arch; make(): Promise<Cpu | undefined> }
const makers: Maker[] = [];
for (const arch of ['x86_64', 'aarch64'] as const) {
  makers.push({
    name: `TypeScript ${arch}`, arch,
    make: async () => (await import(arch === 'x86_64' ? '@elfbox/cpu-x86_64' : '@elfbox/cpu-aarch64')).backend.create(arch, new AddressSpace(), NO_ENTRY),
  });
  makers.push({
    name: `Unicorn ${arch}`, arch,
    make: async () => {
      const u = await import('@elfbox/cpu-unicorn');
      return u.isUnicornAvailable() ? u.backend.create(arch, new AddressSpace(), NO_ENTRY) : undefined;
    },
  });
}

/** Every register index the kernel touches: x86-64 all 16 GPRs; aarch64 X0-X30 and SP (31). */
const regsOf = (arch: Arch): number[] => Array.from({ length: arch === 'x86_64' ? 16 : 32 }, (_, i) => i);

describe('number register accessors, every backend', () => {
  for (const m of makers) {
    it(`${m.name}: getRegLo32/getRegHi32 are the halves of getReg, setRegNum writes two's complement`, async (ctx) => {
      const cpu = await m.make();
      if (!cpu) return ctx.skip();
      try {
        for (const r of regsOf(m.arch)) {
          for (const v of VALUES) {
            cpu.setReg(r, v);
            expect([cpu.getRegLo32(r), cpu.getRegHi32(r)], `reg ${r} = ${v.toString(16)}`).toEqual([Number(v & 0xffffffffn), Number(v >> 32n)]);
          }
          for (const n of NUMS) {
            cpu.setRegNum(r, n);
            expect(cpu.getReg(r), `reg ${r} <- ${n}`).toBe(u64(BigInt(n)));
          }
        }
      } finally {
        cpu.destroy();
      }
    });
  }
});

describe('Call reads its arguments lazily, with the results of the BigInt decoders', () => {
  for (const m of makers) {
    it(`${m.name}: i32 u32 i64 u64 num snum, before and after args is built`, async (ctx) => {
      const cpu = await m.make();
      if (!cpu) return ctx.skip();
      try {
        const regs = archAdapter(m.arch).argRegs;
        for (let k = 0; k < VALUES.length; k++) {
          const vals = regs.map((_, i) => VALUES[(k + 5 * i) % VALUES.length]);
          regs.forEach((r, i) => cpu.setReg(r, vals[i]));
          const c = new Call({} as Kernel, {} as Task, cpu, 0, undefined, regs);
          const lazy = vals.map((_, i) => [c.i32(i), c.u32(i), c.i64(i), c.u64(i), c.num(i), c.snum(i)]);
          const want = vals.map((v) => [ref.i32(v), ref.u32(v), ref.i64(v), ref.u64(v), ref.num(v), ref.snum(v)]);
          expect(lazy, vals.map((v) => v.toString(16)).join(' ')).toEqual(want);
          // args: the raw registers; from then on the decoders read it, not the (changed) registers
          expect(c.args).toEqual(vals);
          regs.forEach((r) => cpu.setReg(r, 0x1234n));
          expect(vals.map((_, i) => [c.i32(i), c.u32(i), c.i64(i), c.u64(i), c.num(i), c.snum(i)])).toEqual(want);
        }
      } finally {
        cpu.destroy();
      }
    });
  }
});

// ---- whole programs ---------------------------------------------------------------------------

const SRC = fileURLToPath(new URL('./args.c', import.meta.url));
const dec = new TextDecoder();

function build(cc: string, tag: string): string | undefined {
  if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const h = createHash('sha256').update(readFileSync(SRC)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `elfbox-syscall-path-${h}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `args-${tag}`);
  if (!existsSync(out)) {
    const r = spawnSync(cc, ['-static', '-O1', '-o', out + '.tmp', SRC], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cc} args.c: ${r.stderr}`);
    renameSync(out + '.tmp', out);
  }
  return out;
}

const scratch = (tag: string): string => join(tmpdir(), `elfbox-syscall-path-${process.pid}-${tag}`);
const bins: Partial<Record<Arch, string>> = {};
const expected: Partial<Record<Arch, string>> = {};

beforeAll(async () => {
  bins.x86_64 = build('gcc', 'x86_64');
  bins.aarch64 = build('aarch64-linux-gnu-gcc', 'aarch64');
  if (bins.x86_64) {
    const r = spawnSync(bins.x86_64, [scratch('native')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expected.x86_64 = r.stdout;
  }
  if (bins.aarch64 && spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0) {
    const r = spawnSync('qemu-aarch64', [bins.aarch64, scratch('qemu')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expected.aarch64 = r.stdout;
  }
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
}, 60_000);

describe('raw system calls with edge-case arguments: elfbox == native x86-64 / qemu-aarch64', () => {
  for (const arch of ['x86_64', 'aarch64'] as const) {
    for (const cpu of ['ts', 'unicorn'] as const) {
      it(`${arch} on ${cpu === 'ts' ? 'the TypeScript CPU' : 'Unicorn'}`, async (ctx) => {
        const bin = bins[arch], want = expected[arch];
        if (!bin || !want) return ctx.skip();
        let backend: CpuBackend | undefined;
        if (cpu === 'unicorn') {
          const u = await import('@elfbox/cpu-unicorn');
          if (!u.isUnicornAvailable()) return ctx.skip();
          backend = u.backend;
        }
        const path = scratch(`${arch}-${cpu}`);
        const opts = { path: bin, argv: [bin, path], stdout: 'capture' as const, stderr: 'capture' as const };
        const r = await run(backend ? ({ ...opts, backend } as Parameters<typeof run>[0]) : { ...opts, cpu: 'ts' });
        expect(dec.decode(r.stderr)).toBe('');
        expect(dec.decode(r.stdout)).toBe(want);
        expect(r.status).toBe(0);
      }, 60_000);
    }
  }
});
