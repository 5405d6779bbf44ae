// The Cpu contract: syscalls (bound handlers), illegal instructions, breakpoints, exact faults,
// self-modifying code, loops compiled as one block, budgets, state round trips, system registers.
import { describe, expect, it } from 'vitest';
import { AddressSpace, PERM_R, PERM_W, PERM_X, initialState, type A64State, type Cpu, type SyscallEntry } from '@elfbox/cpu';
import { createA64Cpu, backend, disasm, A64Cpu } from '../src/index.js';
import { asmBytes as asm, HAVE_CROSS } from './harness.js';

const CODE = 0x10000, DATA = 0x40000;
function setup(src: string, entry: SyscallEntry = { syscall: () => false }): { cpu: Cpu; mem: AddressSpace } {
  const mem = new AddressSpace();
  mem.map(CODE, 0x10000, PERM_R | PERM_X);
  mem.map(DATA, 0x10000, PERM_R | PERM_W);
  mem.poke(CODE, asm(src));
  const cpu = createA64Cpu(mem, entry);
  cpu.setPc(CODE);
  cpu.setReg(31, BigInt(DATA + 0x8000));
  return { cpu, mem };
}

describe.skipIf(!HAVE_CROSS)('aarch64 Cpu', () => {
  it('advertises exactly FP and ASIMD', () => {
    expect(backend.hwcap('aarch64')).toEqual({ hwcap: 3n | (1n << 7n) | (1n << 8n), hwcap2: 0n, platform: 'aarch64' });
    expect(backend.name).toBe('aarch64');
    expect(backend.arches).toEqual(['aarch64']);
  });

  it('binds svc to handlerFor(nr) when x8 is a constant in the block, else calls syscall()', () => {
    const bound: number[] = [], generic: number[] = [];
    const entry: SyscallEntry = {
      syscall(c) { generic.push(Number(c.getReg(8))); c.setReg(0, 7n); return generic.length < 2; },
      handlerFor(nr) { return nr === 64 ? (c) => { bound.push(Number(c.getReg(0))); c.setReg(0, 99n); return true; } : undefined; },
    };
    const { cpu } = setup('mov x0, #5\nmovz x8, #64\nsvc #0\nadd x1, x0, #1\nmov x8, x1\nsvc #0\nmovz w8, #93\nsvc #0', entry);
    const r = cpu.run(1000);
    expect(r).toEqual({ kind: 'yield' });
    expect(bound).toEqual([5]);
    expect(generic).toEqual([100, 93]);
    expect(cpu.getReg(1)).toBe(100n);
    expect(cpu.getPc()).toBe(CODE + 32);
  });

  it('stops with illegal at the exact pc, with state committed up to it', () => {
    const { cpu } = setup('add x0, x0, #3\nadd x1, x0, #1\n.inst 0x00000000\nadd x0, x0, #1');
    const r = cpu.run(100);
    expect(r).toMatchObject({ kind: 'illegal', pc: CODE + 8 });
    expect(cpu.getReg(1)).toBe(4n);
    expect(cpu.getPc()).toBe(CODE + 8);
    const { cpu: c2 } = setup('mrs x0, midr_el1');
    expect(c2.run(10)).toMatchObject({ kind: 'illegal', pc: CODE });
  });

  it('stops at brk with the brk pc', () => {
    const { cpu } = setup('mov x0, #1\nbrk #0x3e8\nmov x0, #2');
    expect(cpu.run(100)).toEqual({ kind: 'breakpoint', pc: CODE + 4 });
    expect(cpu.getReg(0)).toBe(1n);
  });

  it('reports exact faults: pc, address, access, mapped; no partial writeback', () => {
    const { cpu } = setup('mov x1, #5\ncmp x1, #9\nldr x2, [x3, #8]!\nmov x1, #6');
    cpu.setReg(3, 0x900000n);
    expect(cpu.run(100)).toEqual({ kind: 'fault', pc: CODE + 8, addr: 0x900008, access: 'r', mapped: false });
    const st = cpu.getState();
    expect(st.arch === 'aarch64' && st.x[3]).toBe(0x900000n);
    expect(cpu.getReg(1)).toBe(5n);
    expect(st.arch === 'aarch64' && st.nzcv).toBe(0x80000000); // 5 - 9: N
    const { cpu: c2 } = setup('mov x0, #1\nstr x0, [x1]');
    c2.setReg(1, BigInt(CODE + 0x100));
    expect(c2.run(10)).toEqual({ kind: 'fault', pc: CODE + 4, addr: CODE + 0x100, access: 'w', mapped: true });
    const { cpu: c3 } = setup('ldp q0, q1, [x1]');
    c3.setReg(1, BigInt(DATA + 0x10000 - 16));
    expect(c3.run(10)).toEqual({ kind: 'fault', pc: CODE, addr: DATA + 0x10000, access: 'r', mapped: false });
    const { cpu: c4 } = setup('br x1');
    c4.setReg(1, 0x500000n);
    expect(c4.run(10)).toEqual({ kind: 'fault', pc: 0x500000, addr: 0x500000, access: 'x', mapped: false });
  });

  it('faults (align) on misaligned exclusives, acquire/release and atomics, before any access or register change', () => {
    // x1 = DATA + 4 (4-aligned, not 8-aligned), x2 = DATA + 1, x5 = DATA + 8 (8-aligned, not 16)
    const cases: Array<[string, string, number]> = [
      ['ldxr x0, [x1]', 'r', 4], ['ldaxr w0, [x2]', 'r', 1], ['stxr w3, x0, [x1]', 'w', 4], ['stlxr w3, w0, [x2]', 'w', 1],
      ['ldar x0, [x1]', 'r', 4], ['stlr w0, [x2]', 'w', 1], ['ldarh w0, [x2]', 'r', 1], ['ldxp x6, x7, [x5]', 'r', 8],
      ['stxp w3, x6, x7, [x5]', 'w', 8], ['ldadd x0, x3, [x1]', 'w', 4], ['swpal w0, w3, [x2]', 'w', 1],
      ['cas x0, x3, [x1]', 'w', 4], ['casp x6, x7, x8, x9, [x5]', 'w', 8], ['ldseth w0, w3, [x2]', 'w', 1],
    ];
    for (const [insn, access, off] of cases) {
      const { cpu } = setup(`.arch armv8.1-a\nmov x0, #7\nmov x3, #9\nmovz x1, #${DATA >>> 16}, lsl #16\nadd x5, x1, #8\nadd x2, x1, #1\nadd x1, x1, #4\ncmp x0, x3\n${insn}\nmov x0, #1`);
      const r = cpu.run(100);
      expect(r, insn).toEqual({ kind: 'fault', pc: CODE + 28, addr: DATA + off, access, mapped: true, align: true });
      expect(cpu.getReg(0), insn).toBe(7n);
      expect(cpu.getReg(3), insn).toBe(9n);
      expect((cpu.getState() as A64State).nzcv >>> 28, insn).toBe(0b1000); // 7 - 9: N set, flags exact at the fault
    }
    // aligned ones run (the pair forms at 16)
    const { cpu } = setup('.arch armv8.1-a\nmovz x5, #4, lsl #16\nmov x6, #1\nmov x7, #2\nldxp x8, x9, [x5]\nstxp w3, x6, x7, [x5]\nldadd x6, x0, [x5]\nldar x1, [x5]\nbrk #0');
    expect(cpu.run(100)).toEqual({ kind: 'breakpoint', pc: CODE + 28 });
    expect(cpu.getReg(3)).toBe(0n);
    expect(cpu.getReg(1)).toBe(2n);
  });

  it('keeps the flags of a loop\'s last compare exact on the fall-through of its back-edge (superblocks)', () => {
    // cmp x0, x1 is pending at b.ne; the fall-through (cset, csel, the exit) reads it after the
    // back-edge path, which copies the registers for the next iteration, was not taken.
    const was = A64Cpu.tiered;
    A64Cpu.tiered = false;
    try {
      const { cpu } = setup('mov x0, #0\nmov x1, #5\n1: add x0, x0, #1\ncmp x0, x1\nb.ne 1b\ncset x2, hs\ncsel x3, x0, x1, ls\nbrk #0');
      expect(cpu.run(1000)).toEqual({ kind: 'breakpoint', pc: CODE + 28 });
      expect([cpu.getReg(0), cpu.getReg(2), cpu.getReg(3)]).toEqual([5n, 1n, 5n]);
      expect((cpu.getState() as A64State).nzcv >>> 28).toBe(0b0110); // equal: Z and C
    } finally { A64Cpu.tiered = was; }
  });

  it('ends a loop block at its back-edge: the code after the loop is a block of its own', () => {
    const was = A64Cpu.tiered;
    A64Cpu.tiered = false;
    try {
      const { cpu } = setup('mov x0, #0\n1: add x0, x0, #1\ncmp x0, #100\nb.ne 1b\nadd x2, x0, #7\nmov x3, #1\nbrk #0');
      (cpu as A64Cpu).keepSource = true;
      expect(cpu.run(10000)).toEqual({ kind: 'breakpoint', pc: CODE + 24 });
      expect([cpu.getReg(0), cpu.getReg(2), cpu.getReg(3)]).toEqual([100n, 107n, 1n]);
      expect(cpu.instructions).toBe(1 + 300 + 2);
      // blocks at the entry, the loop start and the loop's fall-through (before: the loop block
      // went on past its back-edge and the fall-through was never a block start)
      expect((cpu as A64Cpu).blockSource(CODE + 16)).toBeDefined();
    } finally { A64Cpu.tiered = was; }
  });

  it('stores 8- and 16-byte vector registers bit-exactly, NaN payloads included (float64 store path)', () => {
    const was = A64Cpu.tiered;
    A64Cpu.tiered = false;
    try {
      const { cpu, mem } = setup('movz x1, #4, lsl #16\nldp q0, q1, [x1]\nldr q2, [x1, #32]\nfadd v3.2d, v2.2d, v2.2d\n'
        + 'str q0, [x1, #64]\nstr q1, [x1, #80]\nstr d0, [x1, #96]\nstr d1, [x1, #104]\nstp q2, q3, [x1, #112]\nstr d3, [x1, #144]\nbrk #0');
      // q0: signalling NaN with payload | 1.5; q1: -0.0 | negative quiet NaN with payload; q2: two normal doubles
      const words = [0x7ff0000000000001n, 0x3ff8000000000000n, 0x8000000000000000n, 0xfff8000000000123n, 0x4000000000000000n, 0x0000000000000001n];
      words.forEach((w, i) => mem.writeU64(DATA + i * 8, w));
      expect(cpu.run(100)).toEqual({ kind: 'breakpoint', pc: CODE + 40 });
      const at = (off: number) => mem.readU64(DATA + off);
      expect([at(64), at(72), at(80), at(88)]).toEqual(words.slice(0, 4));
      expect([at(96), at(104)]).toEqual([words[0], words[2]]);
      expect([at(112), at(120)]).toEqual(words.slice(4, 6));
      expect([at(128), at(136), at(144)]).toEqual([0x4010000000000000n, 0x0000000000000002n, 0x4010000000000000n]);
    } finally { A64Cpu.tiered = was; }
  });

  it('drops translations when guest code is written (self-modifying code)', () => {
    const { cpu, mem } = setup('f: mov x0, #1\nret');
    mem.protect(CODE, 0x10000, PERM_R | PERM_W | PERM_X);
    cpu.setReg(30, 0n);
    const call = () => { cpu.setPc(CODE); cpu.setReg(30, BigInt(CODE + 0x800)); mem.poke(CODE + 0x800, asm('brk #0')); return cpu.run(100); };
    expect(call()).toMatchObject({ kind: 'breakpoint' });
    expect(cpu.getReg(0)).toBe(1n);
    // the guest patches its own instruction: movz x0, #2 = 0xd2800040
    const patch = setup('movz w2, #0x40\nmovk w2, #0xd280, lsl #16\nstr w2, [x1]\nbrk #0');
    void patch;
    mem.writeU32(CODE, 0xd2800040);
    expect(call()).toMatchObject({ kind: 'breakpoint' });
    expect(cpu.getReg(0)).toBe(2n);
    // a store by the guest itself
    mem.poke(CODE + 0x400, asm('movz w2, #0x60\nmovk w2, #0xd280, lsl #16\nstr w2, [x1]\nbrk #0'));
    cpu.setReg(1, BigInt(CODE)); cpu.setPc(CODE + 0x400);
    expect(cpu.run(100)).toMatchObject({ kind: 'breakpoint' });
    expect(call()).toMatchObject({ kind: 'breakpoint' });
    expect(cpu.getReg(0)).toBe(3n);
  });

  it('counts instructions and keeps NZCV exact at every budget stop of a loop block with an if-then body', () => {
    // per iteration: add tst b.ne [add add] cmp b.ne (7 instructions when x0 is odd, else 5)
    const src = 'mov x0, #0\nmov x1, #0\nmov x5, #0\n1: add x0, x0, #1\ntst x0, #1\nb.eq 2f\nadd x1, x1, x0\nadd x5, x5, #1\n2: cmp x0, #1000\nb.ne 1b\nsubs x3, x0, x1\nbrk #0';
    const count = (i: number) => 3 + 5 * i + 2 * Math.ceil(i / 2);
    for (const budget of [1, 5, 37, 1000, 1e6]) {
      const { cpu } = setup(src);
      let r;
      while ((r = cpu.run(budget)).kind === 'budget') {
        const i = Number(cpu.getReg(0));
        if (cpu.getPc() !== CODE + 12) continue;
        expect(cpu.instructions).toBe(count(i));
        expect(cpu.getReg(5)).toBe(BigInt(Math.ceil(i / 2)));
        if (i > 0) expect((cpu.getState() as A64State).nzcv >>> 28).toBe(0b1000); // x0 - 1000 < 0
      }
      expect(r).toEqual({ kind: 'breakpoint', pc: CODE + 44 });
      expect(cpu.instructions).toBe(count(1000) + 1);
      expect(cpu.getReg(1)).toBe(250000n);
      expect((cpu.getState() as A64State).nzcv >>> 28).toBe(0b1000); // 1000 - 250000: negative, borrow
    }
  });

  it('keeps NZCV of the previous iteration for an exit before the first flag setter of a loop block', () => {
    // the cbz exit comes before the cmp: NZCV is the last iteration's cmp (36 - 1000: N)
    const src = 'b 0f\n3: mrs x4, nzcv\nbrk #0\n0: mov x0, #0\nmov x2, #37\n1: sub x2, x2, #1\ncbz x2, 3b\nadd x0, x0, #1\ncmp x0, #1000\nb.ne 1b\nbrk #0';
    for (const budget of [1, 3, 50, 1e6]) {
      const { cpu } = setup(src);
      let r;
      while ((r = cpu.run(budget)).kind === 'budget');
      expect(r).toEqual({ kind: 'breakpoint', pc: CODE + 8 });
      expect([cpu.getReg(0), cpu.getReg(4)]).toEqual([36n, 0x80000000n]);
      expect(cpu.instructions).toBe(1 + 2 + 36 * 5 + 2 + 1);
    }
  });

  it('gives a fault in a loop block, before its first flag setter, the previous iteration\'s NZCV', () => {
    // Faults in the 3rd iteration (x2 reaches the unmapped 0x50000); NZCV must be the 2nd
    // iteration's subs (9 - 1: C), not the 0b1111 set before the loop. Loop 1: a load in an
    // if-body first (NZCV is then made exact at every back-edge); loop 2: two loads, the fault in
    // the second (NZCV is computed from the back-edge's operands before the first load only).
    const loops = [
      { src: 'msr nzcv, x9\n1: cbz x5, 2f\nldr x6, [x1]\n2: ldr x7, [x2]\nadd x2, x2, x3\nsubs x4, x4, #1\nb.ne 1b\nbrk #0', pc: CODE + 12, x5: [0n, 1n] },
      { src: 'msr nzcv, x9\n1: ldr x6, [x1]\nldr x7, [x2]\nadd x2, x2, x3\nsubs x4, x4, #1\nb.ne 1b\nbrk #0', pc: CODE + 8, x5: [0n] },
    ];
    // translated hot at once: each loop with its if-body is one JS loop
    const was = A64Cpu.tiered;
    A64Cpu.tiered = false;
    try {
      for (const l of loops) {
        for (const x5 of l.x5) {
          for (const budget of [1, 4, 1e6]) {
            const { cpu } = setup(l.src);
            cpu.setReg(9, 0xf0000000n); cpu.setReg(5, x5); cpu.setReg(1, BigInt(DATA)); cpu.setReg(2, BigInt(DATA + 0x10000 - 16));
            cpu.setReg(3, 8n); cpu.setReg(4, 10n);
            let r;
            while ((r = cpu.run(budget)).kind === 'budget');
            expect(r).toEqual({ kind: 'fault', pc: l.pc, addr: DATA + 0x10000, access: 'r', mapped: false });
            expect(cpu.getReg(4)).toBe(8n);
            expect((cpu.getState() as A64State).nzcv >>> 28).toBe(0b0010);
          }
        }
      }
    } finally { A64Cpu.tiered = was; }
  });

  it('runs a loop that stays in one block as a JS loop, counting instructions and honouring the budget', () => {
    const { cpu } = setup('mov x0, #0\nmov x1, #0\n1: add x0, x0, #1\nadd x1, x1, x0\ncmp x0, #1000\nb.ne 1b\nbrk #0');
    expect(cpu.run(1e6)).toMatchObject({ kind: 'breakpoint' });
    expect(cpu.getReg(0)).toBe(1000n);
    expect(cpu.getReg(1)).toBe(500500n);
    expect(cpu.instructions).toBeGreaterThanOrEqual(4000);
    expect(cpu.instructions).toBeLessThan(4100);
    const { cpu: c2 } = setup('1: add x0, x0, #1\nb 1b');
    expect(c2.run(5000)).toEqual({ kind: 'budget' });
    expect(c2.instructions).toBeGreaterThanOrEqual(5000);
    expect(c2.instructions).toBeLessThan(5200);
    expect(Number(c2.getReg(0))).toBe(Math.floor(c2.instructions! / 2));
  });

  it('executes and accesses memory above 4 GiB through the slow path', () => {
    const mem = new AddressSpace();
    const hi = 0x7f0000000000;
    mem.map(hi, 0x2000, PERM_R | PERM_W | PERM_X);
    mem.poke(hi, asm('ldr x1, [x0]\nadd x1, x1, #1\nstr x1, [x0, #8]\nstp x1, x1, [x0, #16]\nldxr x2, [x0]\nstxr w3, x1, [x0]\nbrk #0'));
    const cpu = createA64Cpu(mem, { syscall: () => false });
    cpu.setPc(hi);
    cpu.setReg(0, BigInt(hi + 0x1000));
    mem.writeU64(hi + 0x1000, 41n);
    expect(cpu.run(100)).toEqual({ kind: 'breakpoint', pc: hi + 24 });
    expect(mem.readU64(hi + 0x1008)).toBe(42n);
    expect(mem.readU64(hi + 0x1018)).toBe(42n);
    expect(cpu.getReg(3)).toBe(0n);
    expect(mem.readU64(hi + 0x1000)).toBe(42n);
  });

  it('round-trips state and reads/writes system registers', () => {
    const { cpu, mem } = setup('mrs x0, tpidr_el0\nmsr tpidr_el0, x1\nmrs x2, dczid_el0\nmrs x3, cntfrq_el0\nmrs x4, cntvct_el0\nmrs x5, cntvct_el0\ndc zva, x6\nmrs x7, fpcr\nstxr w9, x1, [x6]\nbrk #0');
    cpu.setTls(0x1234n);
    cpu.setReg(1, 0xabcdef0123456789n);
    cpu.setReg(6, BigInt(DATA + 0x150));
    for (let i = 0; i < 256; i++) mem.writeU8(DATA + 0x100 + i, 0xee);
    const s0 = cpu.getState();
    const c2 = createA64Cpu(mem, { syscall: () => false });
    c2.setState(s0);
    expect(c2.getState()).toEqual(s0);
    expect(cpu.run(100)).toMatchObject({ kind: 'breakpoint' });
    expect(cpu.getReg(0)).toBe(0x1234n);
    expect(cpu.getTls()).toBe(0xabcdef0123456789n);
    expect(cpu.getReg(2)).toBe(4n);
    expect(cpu.getReg(3)).toBe(62500000n);
    expect(cpu.getReg(5)).toBeGreaterThanOrEqual(cpu.getReg(4));
    expect(mem.readU8(DATA + 0x13f)).toBe(0xee);
    expect(mem.readU8(DATA + 0x140)).toBe(0);
    expect(mem.readU8(DATA + 0x17f)).toBe(0);
    expect(mem.readU8(DATA + 0x180)).toBe(0xee);
    expect(cpu.getReg(9)).toBe(1n); // no exclusive monitor armed
    const fresh = initialState('aarch64');
    c2.setState(fresh);
    expect(c2.getReg(1)).toBe(0n);
  });

  it('disassembles common instructions for the lockstep checker', () => {
    expect(disasm(0xd503201f, 0)).toBe('nop');
    expect(disasm(0xd65f03c0, 0)).toBe('ret');
    expect(disasm(0xd4000001, 0)).toBe('svc #0x0');
    expect(disasm(0x91000420, 0)).toBe('add x0, x1, #0x1');
    expect(disasm(0x14000002, 0x1000)).toBe('b 0x1008');
    expect(disasm(0x00000000, 0)).toMatch(/^udf|^\.inst/);
  });
});
