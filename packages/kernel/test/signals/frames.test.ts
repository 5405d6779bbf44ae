// The signal frames without a CPU: offsets agree with @elfbox/abi's layouts (themselves checked
// against gcc's offsetof), a frame built and then restored gives back exactly the interrupted
// state and mask, SA_ONSTACK moves the frame to the alternate stack, and bad frames are refused.
import { describe, expect, it } from 'vitest';
import { structLayouts } from '@elfbox/abi';
import { AddressSpace, PERM_R, PERM_W, initialState, type A64State, type X86State } from '@elfbox/cpu';
import { MM } from '../../src/mm.js';
import { Task, ThreadGroup, FsContext, SignalHandlers, type SigAction } from '../../src/task.js';
import { FdTable } from '../../src/files/fdtable.js';
import { archAdapter } from '../../src/arch.js';
import { A64_FRAME_SIZE, A64_MC_OFF, A64_UC_OFF, FPSIMD_MAGIC, X86_FRAME_SIZE, X86_INFO_OFF, X86_UC_SIZE, buildA64Frame, buildX86Frame, restoreA64Frame, restoreX86Frame } from '../../src/sigframe/index.js';

function task(arch: 'x86_64' | 'aarch64') {
  const mm = new MM(new AddressSpace());
  mm.mapFixed(0x100000, 0x100000, PERM_R | PERM_W, '');
  const tg = new ThreadGroup(1, undefined, mm, archAdapter(arch), new FdTable(), new FsContext(), new SignalHandlers());
  const t = new Task(1, tg);
  tg.tasks.add(t);
  return { t, mem: mm.mem };
}

const act = (o: Partial<SigAction> = {}): SigAction => ({ handler: 0x401000n, flags: 0x04000000n | 4n, restorer: 0x402000n, mask: 1n << 14n, ...o });

describe('layouts', () => {
  it('x86-64 ucontext and aarch64 sigcontext sizes match the abi package', () => {
    expect(structLayouts('x86_64').ucontext.size).toBe(X86_UC_SIZE);
    expect(X86_INFO_OFF).toBe(8 + X86_UC_SIZE);
    expect(X86_FRAME_SIZE).toBe(8 + X86_UC_SIZE + structLayouts('x86_64').siginfo.size);
    const a = structLayouts('aarch64');
    expect(A64_FRAME_SIZE).toBe(128 + a.ucontext.size);
    expect(A64_MC_OFF - A64_UC_OFF).toBe(a.ucontext.size - a.sigcontext.size);
  });
});

describe('x86-64 frame', () => {
  it('builds the handler registers and restores the interrupted state exactly', () => {
    const { t, mem } = task('x86_64');
    const s = initialState('x86_64') as X86State;
    s.gpr = s.gpr.map((_, i) => BigInt(i + 1) * 0x1111n);
    s.gpr[4] = 0x1ff000n + 0x123n; // rsp, unaligned
    s.rip = 0x40abcdn;
    s.rflags = 0x246n | 0x400n; // DF set
    s.fx[160] = 0xab; // xmm0 byte
    t.sigmask = 1n << 1n;
    const h = buildX86Frame(mem, t, s, { signo: 11, code: 1, addr: 0x10 }, act(), t.sigmask);
    if (h === 'no-restorer') throw new Error('restorer');
    expect(h.rip).toBe(0x401000n);
    expect(h.gpr[7]).toBe(11n);
    expect((h.gpr[4] + 8n) % 16n).toBe(0n); // as after a call
    expect(h.gpr[4]).toBeLessThan(s.gpr[4] - 128n - 512n);
    expect(mem.readU64(Number(h.gpr[4]))).toBe(0x402000n); // pretcode
    expect(mem.readU32(Number(h.gpr[6]))).toBe(11); // si_signo
    expect(mem.readU64(Number(h.gpr[6]) + 16)).toBe(0x10n); // si_addr
    const uc = Number(h.gpr[2]);
    expect(mem.readU64(uc + 40 + 128)).toBe(0x40abcdn); // uc_mcontext.rip
    expect(mem.readU64(uc + 40 + 160)).toBe(14n); // trapno: page fault
    expect(mem.readU64(uc + 40 + 176)).toBe(0x10n); // cr2
    const fp = Number(mem.readU64(uc + 40 + 184));
    expect(fp % 64).toBe(0);
    expect(mem.read(fp + 160, 1)[0]).toBe(0xab);
    expect(h.rflags & 0x400n).toBe(0n);
    expect(t.sigmask).toBe((1n << 1n) | (1n << 14n) | (1n << 10n));
    // the handler's ret pops pretcode: rt_sigreturn sees rsp + 8
    const back = restoreX86Frame(mem, t, { ...h, gpr: h.gpr.map((v, i) => (i === 4 ? v + 8n : v)) });
    expect(back.gpr).toEqual(s.gpr);
    expect(back.rip).toBe(s.rip);
    expect(back.rflags).toBe(s.rflags);
    expect(back.fx).toEqual(s.fx);
    expect(t.sigmask).toBe(1n << 1n);
  });

  it('no SA_RESTORER: the delivery cannot return (Linux sends SIGSEGV)', () => {
    const { t, mem } = task('x86_64');
    const s = initialState('x86_64') as X86State;
    s.gpr[4] = 0x1ff000n;
    expect(buildX86Frame(mem, t, s, { signo: 10, code: 0 }, act({ flags: 4n }), 0n)).toBe('no-restorer');
  });

  it('SA_ONSTACK puts the frame on the alternate stack once; uc_stack reports it', () => {
    const { t, mem } = task('x86_64');
    t.altstack = { sp: 0x150000n, size: 0x8000n, flags: 0 };
    const s = initialState('x86_64') as X86State;
    s.gpr[4] = 0x1ff000n;
    const h = buildX86Frame(mem, t, s, { signo: 11, code: 1, addr: 0 }, act({ flags: 0x04000000n | 0x08000000n }), 0n) as X86State;
    expect(h.gpr[4] > 0x150000n && h.gpr[4] < 0x158000n).toBe(true);
    expect(mem.readU64(Number(h.gpr[2]) + 16)).toBe(0x150000n);
    expect(mem.readU32(Number(h.gpr[2]) + 24)).toBe(0); // ss_flags: not on it when interrupted
    // a nested signal while on the alternate stack stays on it (below the current sp)
    const h2 = buildX86Frame(mem, t, h, { signo: 10, code: 0 }, act({ flags: 0x04000000n | 0x08000000n }), 0n) as X86State;
    expect(h2.gpr[4] < h.gpr[4] && h2.gpr[4] > 0x150000n).toBe(true);
    expect(mem.readU32(Number(h2.gpr[2]) + 24)).toBe(1); // SS_ONSTACK
  });
});

describe('aarch64 frame', () => {
  it('builds the fpsimd record and the frame record; restores exactly', () => {
    const { t, mem } = task('aarch64');
    const s = initialState('aarch64') as A64State;
    s.x = s.x.map((_, i) => BigInt(i) * 0x10001n);
    s.sp = 0x1ff008n;
    s.pc = 0x400100n;
    s.nzcv = 0x60000000;
    s.fpsr = 0x10; s.fpcr = 0x400000;
    s.v[17] = 0x5a;
    const h = buildA64Frame(mem, t, s, { signo: 10, code: -6, pid: 1, uid: 0 }, act({ flags: 4n }), 0n, 0x7000n);
    expect(h.sp % 16n).toBe(0n);
    expect(h.x[30]).toBe(0x7000n);
    expect(h.x[1]).toBe(h.sp);
    expect(h.x[2]).toBe(h.sp + 128n);
    expect(mem.readU64(Number(h.x[29]))).toBe(s.x[29]);
    expect(mem.readU64(Number(h.x[29]) + 8)).toBe(s.x[30]);
    const mc = Number(h.sp) + A64_MC_OFF;
    expect(mem.readU64(mc + 264)).toBe(0x400100n);
    expect(mem.readU32(mc + 288)).toBe(FPSIMD_MAGIC);
    expect(mem.readU32(mc + 292)).toBe(528);
    expect(mem.readU32(mc + 288 + 528)).toBe(0); // terminator
    const back = restoreA64Frame(mem, t, h);
    expect(back).not.toBeNull();
    expect(back!.x).toEqual(s.x);
    expect(back!.sp).toBe(s.sp);
    expect(back!.pc).toBe(s.pc);
    expect(back!.nzcv).toBe(s.nzcv);
    expect(back!.fpsr).toBe(0x10);
    expect(back!.fpcr).toBe(0x400000);
    expect(back!.v).toEqual(s.v);
  });

  it('refuses a frame without the fpsimd record, or a misaligned sp', () => {
    const { t, mem } = task('aarch64');
    const s = initialState('aarch64') as A64State;
    s.sp = 0x1ff000n;
    const h = buildA64Frame(mem, t, s, { signo: 10, code: 0 }, act({ flags: 4n }), 0n, 0x7000n);
    expect(restoreA64Frame(mem, t, { ...h, sp: h.sp + 8n })).toBeNull();
    mem.writeU32(Number(h.sp) + A64_MC_OFF + 288, 0x12345678);
    expect(restoreA64Frame(mem, t, h)).toBeNull();
  });
});
