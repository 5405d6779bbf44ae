// The x86-64 rt_sigframe as Linux builds it (arch/x86/kernel/signal_64.c):
//
//   sp - 128 (red zone), or the sigaltstack top under SA_ONSTACK
//   fpstate: the 512-byte FXSAVE image, 64-byte aligned, below that
//   frame (16-byte aligned minus 8, as if a call pushed the return address):
//     +0    pretcode   sa_restorer (x86-64 requires SA_RESTORER, else SIGSEGV)
//     +8    ucontext   uc_flags, uc_link, uc_stack, uc_mcontext (sigcontext), uc_sigmask (304 bytes)
//     +312  siginfo    128 bytes
//
// The FPU state is plain FXSAVE (no xsave header, no FP_XSTATE_MAGIC): uc_flags has
// UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS but not UC_FP_XSTATE, as on a CPU without xsave.
// The handler runs with rdi = signo, rsi = &siginfo, rdx = &ucontext, rax = 0, the FPU reset.
import { cloneState, initialState, type X86State } from '@elfbox/cpu';
import type { AddressSpace } from '@elfbox/cpu';
import type { SigAction, SigInfo, Task } from '../task.js';
import { UNBLOCKABLE } from '../signals.js';
import { alignDown, encodeSiginfo, enterHandler, frameTop, restoreAltstack, SA_RESTORER, savedAltstack } from './common.js';

export const X86_UC_OFF = 8;
export const X86_UC_SIZE = 304;
export const X86_INFO_OFF = X86_UC_OFF + X86_UC_SIZE; // 312
export const X86_FRAME_SIZE = X86_INFO_OFF + 128; // 440
const MC = X86_UC_OFF + 40; // uc_mcontext
const SIGMASK = X86_UC_OFF + 296;
const FXSAVE_SIZE = 512;
const UC_SIGCONTEXT_SS = 2n, UC_STRICT_RESTORE_SS = 4n;
/** sigcontext slots in order r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp -> index into gpr. */
const SC_ORDER = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];
/** Flags rt_sigreturn takes from the frame (FIX_EFLAGS): AC OF DF TF SF ZF AF PF CF RF. */
const FIX_EFLAGS = 0x50dd5n;
/** Flags cleared on handler entry: TF, DF, RF, AC. */
const ENTRY_CLEAR = 0x100n | 0x400n | 0x10000n | 0x40000n;

function trapOf(info: SigInfo): { trapno: bigint; err: bigint; cr2: bigint } {
  if (info.code <= 0) return { trapno: 0n, err: 0n, cr2: 0n };
  switch (info.signo) {
    case 11: return { trapno: 14n, err: 4n | (info.code === 2 ? 1n : 0n), cr2: BigInt(info.addr ?? 0) };
    case 7: return { trapno: 17n, err: 0n, cr2: 0n };
    case 8: return { trapno: 0n, err: 0n, cr2: 0n };
    case 4: return { trapno: 6n, err: 0n, cr2: 0n };
    case 5: return { trapno: 3n, err: 0n, cr2: 0n };
    default: return { trapno: 0n, err: 0n, cr2: 0n };
  }
}

/** Writes the frame for s (the interrupted registers) and returns the handler's registers. Throws MemoryFault. */
export function buildX86Frame(mem: AddressSpace, t: Task, s: X86State, info: SigInfo, action: SigAction, savedMask: bigint): X86State | 'no-restorer' {
  if (!(action.flags & SA_RESTORER)) return 'no-restorer';
  const rsp = s.gpr[4];
  const { top, switched } = frameTop(t, action, BigInt.asUintN(64, rsp - 128n));
  const fx = alignDown(top - BigInt(FXSAVE_SIZE), 64n);
  const frame = alignDown(fx - BigInt(X86_FRAME_SIZE), 16n) - 8n;
  const buf = new Uint8Array(X86_FRAME_SIZE);
  const dv = new DataView(buf.buffer);
  const u64 = (off: number, v: bigint) => dv.setBigUint64(off, BigInt.asUintN(64, v), true);
  u64(0, action.restorer);
  u64(X86_UC_OFF, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
  u64(X86_UC_OFF + 8, 0n);
  const alt = savedAltstack(t, rsp);
  u64(X86_UC_OFF + 16, alt.sp);
  dv.setInt32(X86_UC_OFF + 24, alt.flags, true);
  u64(X86_UC_OFF + 32, alt.size);
  SC_ORDER.forEach((g, i) => u64(MC + 8 * i, s.gpr[g]));
  u64(MC + 128, s.rip);
  u64(MC + 136, s.rflags);
  dv.setUint16(MC + 144, 0x33, true); // cs
  dv.setUint16(MC + 150, 0x2b, true); // ss
  const tr = trapOf(info);
  u64(MC + 152, tr.err);
  u64(MC + 160, tr.trapno);
  u64(MC + 168, savedMask & 0xffffffffn); // oldmask
  u64(MC + 176, tr.cr2);
  u64(MC + 184, fx);
  u64(SIGMASK, savedMask);
  buf.set(encodeSiginfo(info), X86_INFO_OFF);
  mem.write(Number(fx), s.fx.subarray(0, FXSAVE_SIZE));
  mem.write(Number(frame), buf);
  enterHandler(t, info, action, switched);
  const n = cloneState(s) as X86State;
  n.gpr[7] = BigInt(info.signo); // rdi
  n.gpr[6] = frame + BigInt(X86_INFO_OFF); // rsi
  n.gpr[2] = frame + BigInt(X86_UC_OFF); // rdx
  n.gpr[0] = 0n;
  n.gpr[4] = frame;
  n.rip = action.handler;
  n.rflags = s.rflags & ~ENTRY_CLEAR;
  n.fx = (initialState('x86_64') as X86State).fx;
  return n;
}

/** rt_sigreturn: the frame is at rsp - 8 (the handler's ret popped pretcode). Throws MemoryFault. */
export function restoreX86Frame(mem: AddressSpace, t: Task, s: X86State): X86State {
  const frame = s.gpr[4] - 8n;
  const buf = mem.read(Number(frame), X86_FRAME_SIZE);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u64 = (off: number) => dv.getBigUint64(off, true);
  const n = cloneState(s) as X86State;
  SC_ORDER.forEach((g, i) => { n.gpr[g] = u64(MC + 8 * i); });
  n.rip = u64(MC + 128);
  n.rflags = (s.rflags & ~FIX_EFLAGS) | (u64(MC + 136) & FIX_EFLAGS) | 0x2n;
  const fp = u64(MC + 184);
  if (fp !== 0n) {
    const fx = mem.read(Number(fp), FXSAVE_SIZE).slice();
    // MXCSR reserved bits would #GP in fxrstor: Linux rejects the frame; keep the defined bits.
    const fdv = new DataView(fx.buffer);
    fdv.setUint32(24, fdv.getUint32(24, true) & 0xffff, true);
    n.fx = fx;
  } else {
    n.fx = (initialState('x86_64') as X86State).fx;
  }
  t.sigmask = u64(SIGMASK) & ~UNBLOCKABLE;
  restoreAltstack(t, { sp: u64(X86_UC_OFF + 16), flags: dv.getInt32(X86_UC_OFF + 24, true), size: u64(X86_UC_OFF + 32) }, s.gpr[4]);
  return n;
}
