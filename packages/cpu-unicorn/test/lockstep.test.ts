import { describe, expect, it } from 'vitest';
import { AddressSpace, A64_SP, type Arch, type Cpu, type CpuBackend, type SyscallEntry, PERM_R, PERM_W, PERM_X, X86, initialState } from '@elfbox/cpu';
import { backend as x86Backend, disasm as x86Disasm } from '@elfbox/cpu-x86_64';
import { backend as a64Backend, disasm as a64Disasm } from '@elfbox/cpu-aarch64';
import { createRequire } from 'node:module';
import { isUnicornAvailable, LockstepCpu, LockstepDivergence, makeIcedDisasm, unicornUnavailableReason, type LockstepOptions } from '../src/index.js';
import { asm, hasAs } from './asm.js';

const avail = isUnicornAvailable();
if (!avail) console.warn(`[cpu-unicorn] lockstep tests skipped: ${unicornUnavailableReason()}`);

const CODE = 0x401000;
const DATA = 0x600000;

const X86_PROG = `
  mov rbx, 0x600000
  mov ecx, 100
  xor eax, eax
l:
  add rax, rcx
  imul rdx, rax, 3
  mov [rbx + rcx*8], rdx
  dec ecx
  jnz l
  mov r12, rax
  xor eax, eax
  xor edi, edi
  lea rsi, [rbx + 0x1000]
  mov edx, 16
  syscall
  mov r13, [rbx + 0x1000]
  add r13, r12
  movq xmm0, r13
  addsd xmm0, xmm0
  mov eax, 60
  syscall
`;

const A64_PROG = `
  movz x1, #0x60, lsl #16
  mov x2, #100
  mov x0, #0
l:
  add x0, x0, x2
  b 1f
1:
  add x3, x0, x0, lsl #1
  str x3, [x1, x2, lsl #3]
  subs x2, x2, #1
  b.ne l
  mov x12, x0
  mov x8, #63
  mov x0, #0
  add x1, x1, #0x1000
  mov x2, #16
  svc #0
  ldr x13, [x1]
  add x13, x13, x12
  fmov d0, x13
  fadd d0, d0, d0
  mov x8, #93
  svc #0
`;

/** A toy kernel: read (x86 0 / arm64 63) fills the buffer with 1..16; exit (60 / 93) yields. */
function toyKernel(arch: Arch): { entry: SyscallEntry; calls: number[] } {
  const calls: number[] = [];
  const entry: SyscallEntry = {
    syscall(cpu: Cpu) {
      const nr = Number(cpu.getReg(arch === 'x86_64' ? X86.rax : 8));
      calls.push(nr);
      if (nr === 0 || nr === 63) {
        const buf = Number(cpu.getReg(arch === 'x86_64' ? X86.rsi : 1));
        cpu.mem.write(buf, Uint8Array.from({ length: 16 }, (_, i) => i + 1));
        cpu.setReg(arch === 'x86_64' ? X86.rax : 0, 16n);
        return true;
      }
      return false;
    },
  };
  return { entry, calls };
}

function load(arch: Arch, src: string): AddressSpace {
  const mem = new AddressSpace();
  mem.map(CODE, 0x1000, PERM_R | PERM_X);
  mem.poke(CODE, asm(arch, src));
  mem.map(DATA, 0x3000, PERM_R | PERM_W);
  return mem;
}

/**
 * Wraps a backend so that, once, after the first run(budget) for which `when(pc0, pc1)` holds
 * (pc before and after the run), `plant(cpu, mem)` corrupts the result.
 */
function plantOnce(inner: CpuBackend, when: (pc0: number, pc1: number) => boolean, plant: (cpu: Cpu, mem: AddressSpace) => void): (mem: AddressSpace, entry: SyscallEntry) => Cpu {
  return (mem, entry) => {
    const cpu = inner.create(inner.arches[0], mem, entry);
    let planted = false;
    return new Proxy(cpu, {
      get(target, prop) {
        if (prop === 'run') {
          return (budget: number) => {
            const pc0 = target.getPc();
            const r = target.run(budget);
            if (!planted && when(pc0, target.getPc())) {
              planted = true;
              plant(target, mem);
            }
            return r;
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  };
}

/**
 * Whether a run that started at pc0 and stopped at pc1 went through the instruction at `at`: it
 * started at or before it and either ended past it or branched back to (or before) its start, as
 * a loop compiled into one block does. (Block boundaries are the CPU's business; the tests only
 * need to know the instruction ran.)
 */
function ranThrough(pc0: number, pc1: number, at: number): boolean {
  return pc0 <= at && (at < pc1 || pc1 <= pc0);
}

/** After the first block that ran the instruction at `at`, register `reg` is off by one. */
const plantedBug = (inner: CpuBackend, at: number, reg: number) =>
  plantOnce(inner, (pc0, pc1) => ranThrough(pc0, pc1, at), (cpu) => cpu.setReg(reg, cpu.getReg(reg) + 1n));

/** The first block starting at `blockPc` leaves one byte at `addr` flipped. */
const plantedStore = (inner: CpuBackend, blockPc: number, addr: number) =>
  plantOnce(inner, (pc0) => pc0 === blockPc, (_cpu, mem) => { mem.u8[addr] ^= 0x40; });

function runToYield(cpu: Cpu): void {
  for (let i = 0; i < 100; i++) {
    const r = cpu.run(1_000_000);
    if (r.kind === 'yield') return;
    if (r.kind !== 'budget') throw new Error(`unexpected stop ${JSON.stringify(r)}`);
  }
  throw new Error('did not yield');
}

const cases = [
  { arch: 'x86_64' as const, backend: x86Backend, prog: X86_PROG, ok: hasAs.x86_64, disasm: (b: Uint8Array, pc: number) => x86Disasm(b, pc) },
  { arch: 'aarch64' as const, backend: a64Backend, prog: A64_PROG, ok: hasAs.aarch64, disasm: (b: Uint8Array, pc: number) => a64Disasm(new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true), pc) },
];

for (const c of cases) {
  describe.skipIf(!avail || !c.ok)(`lockstep ${c.arch}`, () => {
    const opts: LockstepOptions = { disasm: c.disasm };
    const start = (cpu: Cpu) => {
      const s = initialState(c.arch);
      if (s.arch === 'x86_64') { s.rip = BigInt(CODE); s.gpr[X86.rsp] = BigInt(DATA + 0x3000); }
      else { s.pc = BigInt(CODE); s.sp = BigInt(DATA + 0x3000); }
      cpu.setState(s);
    };

    it('runs a loop, memory stores, FP and two syscalls with no divergence', () => {
      const mem = load(c.arch, c.prog);
      const { entry, calls } = toyKernel(c.arch);
      const cpu = new LockstepCpu(c.arch, mem, entry, c.backend, opts);
      start(cpu);
      runToYield(cpu);
      expect(calls).toEqual(c.arch === 'x86_64' ? [0, 60] : [63, 93]);
      // sum 1..100 = 5050; the kernel wrote bytes 1..16, the first 8 as a little-endian u64
      const r13 = c.arch === 'x86_64' ? cpu.getReg(X86.r13) : cpu.getReg(13);
      expect(r13).toBe(0x0807060504030201n + 5050n);
      expect(mem.readU64(DATA + 8 * 100)).toBe(3n * 100n);
      expect(cpu.checked).toBeGreaterThan(500);
      // the shadow saw the same memory, including what the kernel wrote
      expect(cpu.shadowMem.readU64(DATA + 0x1000)).toBe(0x0807060504030201n);
      cpu.destroy();
    });

    it('names the exact instruction when one result is planted wrong', () => {
      const mem = load(c.arch, c.prog);
      const { entry } = toyKernel(c.arch);
      // The multiply-by-3 instruction: x86 `imul rdx, rax, 3` at +17, aarch64 `add x3, x0, x0, lsl #1` at +20.
      const target = c.arch === 'x86_64' ? CODE + 17 : CODE + 20;
      const reg = c.arch === 'x86_64' ? X86.rdx : 3;
      const cpu = new LockstepCpu(c.arch, mem, entry, plantedBug(c.backend, target, reg), { ...opts, primaryName: 'ts' });
      start(cpu);
      let err: unknown;
      try {
        runToYield(cpu);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LockstepDivergence);
      const d = err as LockstepDivergence;
      expect(d.pc).toBe(target);
      const want = c.disasm(mem.read(target, c.arch === 'x86_64' ? 4 : 4), target);
      expect(d.instruction).toBe(want);
      const name = c.arch === 'x86_64' ? 'rdx' : 'x3';
      expect(d.differences.some((x) => x.startsWith(name + ':'))).toBe(true);
      expect(d.message).toContain(`at pc 0x${target.toString(16)}: ${want}`);
      expect(d.message).toMatch(new RegExp(`\\* ${name} `));
      cpu.destroy();
    });

    it('names the store when a block leaves a wrong byte in memory', () => {
      const mem = load(c.arch, c.prog);
      const { entry } = toyKernel(c.arch);
      // The loop's first store writes DATA + 8*100; x86: `mov [rbx+rcx*8], rdx` at +21, in the
      // loop's own block at +14 (the x86 translator ends a block where a branch back into it
      // lands); aarch64: `str x3, [x1, x2, lsl #3]` at +24, in the first block, at CODE.
      const [blockPc, storePc] = c.arch === 'x86_64' ? [CODE + 14, CODE + 21] : [CODE, CODE + 24];
      const cpu = new LockstepCpu(c.arch, mem, entry, plantedStore(c.backend, blockPc, DATA + 800), opts);
      start(cpu);
      let err: unknown;
      try {
        runToYield(cpu);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LockstepDivergence);
      const d = err as LockstepDivergence;
      expect(d.pc).toBe(storePc);
      expect(d.differences[0]).toMatch(/^memory 0x600320:/);
      expect(d.message).toContain('last instruction to write memory 0x600320');
      cpu.destroy();
    });
  });
}

describe('iced-x86 formatting for reports', () => {
  // iced-x86 is a devDependency of cpu-x86_64; this test borrows it from there.
  let iced: unknown;
  try {
    iced = createRequire(new URL('../../cpu-x86_64/package.json', import.meta.url))('iced-x86');
  } catch {
    iced = undefined;
  }
  it.skipIf(!iced)('formats an instruction in Intel syntax at its pc', () => {
    const dis = makeIcedDisasm(iced);
    expect(dis(Uint8Array.of(0x48, 0x6b, 0xd0, 0x03, 0x90), 0x401011)).toBe('imul rdx, rax, 3');
    expect(dis(Uint8Array.of(0xeb, 0xfe), 0x401000)).toBe('jmp 0x401000');
  });
});
