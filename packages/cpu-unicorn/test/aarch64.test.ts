import { describe, expect, it } from 'vitest';
import { AddressSpace, type A64State, A64_SP, type Cpu, type SyscallEntry, PERM_R, PERM_W, PERM_X } from '@elfbox/cpu';
import { backend, isUnicornAvailable, unicornUnavailableReason, UnicornCpu } from '../src/index.js';
import { asm, hasAs } from './asm.js';

const ok = isUnicornAvailable() && hasAs.aarch64;
if (!ok) console.warn(`[cpu-unicorn] aarch64 tests skipped: ${unicornUnavailableReason() ?? 'no aarch64-linux-gnu-as'}`);

const CODE = 0x401000;
const DATA = 0x600000;

function setup(src: string, handler?: (cpu: Cpu, nr: number) => boolean): { mem: AddressSpace; cpu: Cpu; calls: number[] } {
  const mem = new AddressSpace();
  mem.map(CODE, 0x2000, PERM_R | PERM_X);
  mem.poke(CODE, asm('aarch64', src));
  mem.map(DATA, 0x4000, PERM_R | PERM_W);
  const calls: number[] = [];
  const entry: SyscallEntry = {
    syscall(cpu) {
      const nr = Number(cpu.getReg(8));
      calls.push(nr);
      return handler ? handler(cpu, nr) : false;
    },
  };
  const cpu = new UnicornCpu('aarch64', mem, entry);
  cpu.setPc(CODE);
  cpu.setReg(A64_SP, BigInt(DATA + 0x4000));
  return { mem, cpu, calls };
}

describe.skipIf(!ok)('unicorn aarch64', () => {
  it('advertises FP and ASIMD (and what the A72 model implements)', () => {
    const h = backend.hwcap('aarch64');
    expect(h.platform).toBe('aarch64');
    expect(h.hwcap & 3n).toBe(3n);
    // the engine's own ID register agrees: FP and AdvSIMD fields are 0 (implemented)
    const { cpu } = setup('mrs x0, id_aa64pfr0_el1\nmrs x1, id_aa64isar0_el1\nbrk #0');
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect((cpu.getReg(0) >> 16n) & 0xffn).toBe(0n);
    const isar0 = cpu.getReg(1);
    expect((isar0 >> 4n) & 0xfn).toBe(2n); // AES + PMULL
    expect((isar0 >> 16n) & 0xfn).toBe(1n); // CRC32
    expect((isar0 >> 20n) & 0xfn).toBe(0n); // no LSE atomics: HWCAP_ATOMICS must stay clear
    expect(h.hwcap & (1n << 8n)).toBe(0n);
    cpu.destroy();
  });

  it('svc: number in x8, pc already past the svc, result in x0, yield on false', () => {
    const pcs: number[] = [];
    const { cpu, calls } = setup('mov x8, #172\nsvc #0\nmov x1, x0\nmov x8, #93\nsvc #0\nbrk #0', (c, nr) => {
      pcs.push(c.getPc());
      if (nr === 172) { c.setReg(0, 777n); return true; }
      return false;
    });
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(calls).toEqual([172, 93]);
    expect(pcs).toEqual([CODE + 8, CODE + 20]);
    expect(cpu.getReg(1)).toBe(777n);
    expect(cpu.getPc()).toBe(CODE + 20);
    expect(cpu.run(Infinity)).toEqual({ kind: 'breakpoint', pc: CODE + 20 });
    cpu.destroy();
  });

  it('brk reports its own pc, udf is illegal, hvc is illegal', () => {
    const { cpu } = setup('brk #1\nudf #0\nhvc #0');
    expect(cpu.run(Infinity)).toEqual({ kind: 'breakpoint', pc: CODE });
    cpu.setPc(CODE + 4);
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'illegal', pc: CODE + 4 });
    cpu.setPc(CODE + 8);
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'illegal', pc: CODE + 8 });
    cpu.destroy();
  });

  it('FP/SIMD is enabled and V registers, FPCR, NZCV round-trip through getState/setState', () => {
    const { cpu } = setup('fmov d0, #1.5\nfadd d1, d0, d0\nfmov x2, d1\ncmp x2, #0\nmovi v3.16b, #0x5a\nbrk #0');
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(cpu.getReg(2)).toBe(0x4008000000000000n); // 3.0
    const s = cpu.getState() as A64State;
    expect(s.nzcv).toBe(0x20000000); // C set (x2 >= 0), not zero, not negative
    expect([...s.v.subarray(48, 64)]).toEqual(new Array(16).fill(0x5a));
    expect(s.pc).toBe(BigInt(CODE + 20));
    s.fpcr = 0x00c00000; // round toward zero
    s.fpsr = 0x10;
    s.tpidr = 0x1234n;
    s.x[30] = 0xdeadn;
    const { cpu: other } = setup('brk #0');
    other.setState(s);
    expect(other.getState()).toEqual(s);
    expect(other.getTls()).toBe(0x1234n);
    other.destroy();
    cpu.destroy();
  });

  it('TPIDR_EL0 is the TLS register', () => {
    const { cpu } = setup('mrs x0, tpidr_el0\nadd x0, x0, #1\nmsr tpidr_el0, x0\nbrk #0');
    cpu.setTls(0x7000n);
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(cpu.getReg(0)).toBe(0x7001n);
    expect(cpu.getTls()).toBe(0x7001n);
    cpu.destroy();
  });

  it('faults: unmapped read, write to read-only, fetch from non-executable', () => {
    const cases: Array<[string, number, 'r' | 'w' | 'x', boolean, number]> = [
      ['movz x1, #0x1234, lsl #16\nldr x0, [x1]', 0x12340000, 'r', false, CODE + 4],
      ['movz x1, #0x40, lsl #16\nmovk x1, #0x1800\nstr x0, [x1]', 0x401800, 'w', true, CODE + 8],
      ['movz x1, #0x60, lsl #16\nbr x1', 0x600000, 'x', true, 0x600000],
      ['movz x1, #0x60, lsl #16\nmovk x1, #0x3ffc\nldr x0, [x1]', 0x604000, 'r', false, CODE + 8],
      ['mov x0, #1\nadd x0, x0, #2\nmovz x1, #0x1234, lsl #16\nldr x2, [x1]\nbrk #0', 0x12340000, 'r', false, CODE + 12],
    ];
    for (const [src, addr, access, mapped, pc] of cases) {
      const { cpu } = setup(src);
      expect(cpu.run(Infinity), src).toEqual({ kind: 'fault', pc, addr, access, mapped });
      cpu.destroy();
    }
  });

  it('shares memory both ways and follows mprotect', () => {
    const { mem, cpu } = setup('movz x1, #0x60, lsl #16\nldr x0, [x1]\nadd x0, x0, #1\nstr x0, [x1, #8]\nsvc #0\nbrk #0');
    mem.writeU64(DATA, 41n);
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(mem.readU64(DATA + 8)).toBe(42n);
    mem.protect(DATA, 0x1000, PERM_R);
    cpu.setPc(CODE);
    expect(cpu.run(Infinity)).toEqual({ kind: 'fault', pc: CODE + 12, addr: DATA + 8, access: 'w', mapped: true });
    cpu.destroy();
  });
});

describe.skipIf(!ok)('runOracle (for the TypeScript CPUs\' differential tests)', () => {
  it('runs a snippet on a copy of memory and returns state, memory and the syscall', async () => {
    const { runOracle } = await import('../src/index.js');
    const { initialState } = await import('@elfbox/cpu');
    const mem = new AddressSpace();
    mem.map(CODE, 0x1000, PERM_R | PERM_X);
    mem.map(DATA, 0x1000, PERM_R | PERM_W);
    mem.poke(CODE, asm('aarch64', 'mov x0, #5\nmovz x1, #0x60, lsl #16\nstr x0, [x1]\nmov x8, #93\nsvc #0'));
    const s = initialState('aarch64') as A64State;
    s.pc = BigInt(CODE);
    const r = runOracle('aarch64', mem, s, 100);
    expect(r.stop).toEqual({ kind: 'yield' });
    expect(r.syscalls).toEqual([93]);
    expect((r.state as A64State).x[0]).toBe(5n);
    expect(r.mem.readU64(DATA)).toBe(5n);
    expect(mem.readU64(DATA)).toBe(0n); // the caller's memory is untouched
    // exact counts: 1 instruction
    expect((runOracle('aarch64', mem, s, 1).state as A64State).pc).toBe(BigInt(CODE + 4));
  });
});
