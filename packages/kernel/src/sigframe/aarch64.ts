// The aarch64 rt_sigframe as Linux builds it (arch/arm64/kernel/signal.c):
//
//   sp, or the sigaltstack top under SA_ONSTACK
//   frame_record { fp, lr }   16 bytes, 16-aligned: x29 points here in the handler
//   rt_sigframe (4688 bytes, 16-aligned, sp in the handler):
//     +0    siginfo (128)
//     +128  ucontext: uc_flags, uc_link, uc_stack, uc_sigmask (+ 120 bytes pad),
//           uc_mcontext at +176: fault_address, regs[31], sp, pc, pstate,
//           __reserved[4096] at +288 holding the records: fpsimd_context (FPSIMD_MAGIC,
//           528 bytes: fpsr, fpcr, V0-V31), then the terminating null record.
//
// The handler runs with x0 = signo, x1 = &siginfo, x2 = &ucontext, x29 = &frame_record,
// x30 = the return address: sa_restorer under SA_RESTORER, else the sigreturn trampoline
// (Linux's vDSO __kernel_rt_sigreturn; glibc does not set SA_RESTORER on aarch64).
import { cloneState, type A64State, type AddressSpace } from '@elfbox/cpu';
import type { SigAction, SigInfo, Task } from '../task.js';
import { UNBLOCKABLE } from '../signals.js';
import { alignDown, encodeSiginfo, enterHandler, frameTop, restoreAltstack, savedAltstack } from './common.js';

export const A64_UC_OFF = 128;
export const A64_MC_OFF = A64_UC_OFF + 176; // 304
export const A64_RESERVED_OFF = A64_MC_OFF + 288; // 592
export const A64_FRAME_SIZE = A64_UC_OFF + 176 + 288 + 4096; // 4688
export const FPSIMD_MAGIC = 0x46508001;
const FPSIMD_SIZE = 528;
const ESR_MAGIC = 0x45535201;
const EXTRA_MAGIC = 0x45585401;

/** Writes the frame; returns the handler's registers. restorer: the address x30 returns to. Throws MemoryFault. */
export function buildA64Frame(mem: AddressSpace, t: Task, s: A64State, info: SigInfo, action: SigAction, savedMask: bigint, restorer: bigint): A64State {
  const { top, switched } = frameTop(t, action, s.sp);
  const record = alignDown(top - 16n, 16n);
  const frame = record - BigInt(A64_FRAME_SIZE);
  const buf = new Uint8Array(A64_FRAME_SIZE);
  const dv = new DataView(buf.buffer);
  const u64 = (off: number, v: bigint) => dv.setBigUint64(off, BigInt.asUintN(64, v), true);
  buf.set(encodeSiginfo(info), 0);
  const alt = savedAltstack(t, s.sp);
  u64(A64_UC_OFF + 16, alt.sp);
  dv.setInt32(A64_UC_OFF + 24, alt.flags, true);
  u64(A64_UC_OFF + 32, alt.size);
  u64(A64_UC_OFF + 40, savedMask);
  const isFault = info.code > 0 && [4, 5, 7, 8, 11].includes(info.signo);
  u64(A64_MC_OFF, isFault ? BigInt(info.addr ?? 0) : 0n);
  for (let i = 0; i < 31; i++) u64(A64_MC_OFF + 8 + 8 * i, s.x[i]);
  u64(A64_MC_OFF + 256, s.sp);
  u64(A64_MC_OFF + 264, s.pc);
  u64(A64_MC_OFF + 272, BigInt(s.nzcv >>> 0));
  const r = A64_RESERVED_OFF;
  dv.setUint32(r, FPSIMD_MAGIC, true);
  dv.setUint32(r + 4, FPSIMD_SIZE, true);
  dv.setUint32(r + 8, s.fpsr >>> 0, true);
  dv.setUint32(r + 12, s.fpcr >>> 0, true);
  buf.set(s.v.subarray(0, 512), r + 16);
  // the null terminator record follows at r + 528 (already zero)
  const rec = new Uint8Array(16);
  const rdv = new DataView(rec.buffer);
  rdv.setBigUint64(0, s.x[29], true);
  rdv.setBigUint64(8, s.x[30], true);
  mem.write(Number(record), rec);
  mem.write(Number(frame), buf);
  enterHandler(t, info, action, switched);
  const n = cloneState(s) as A64State;
  n.x[0] = BigInt(info.signo);
  n.x[1] = frame;
  n.x[2] = frame + BigInt(A64_UC_OFF);
  n.x[29] = record;
  n.x[30] = restorer;
  n.sp = frame;
  n.pc = action.handler;
  return n;
}

/** rt_sigreturn: the frame is at sp. null: a bad frame (the caller sends SIGSEGV). Throws MemoryFault. */
export function restoreA64Frame(mem: AddressSpace, t: Task, s: A64State): A64State | null {
  if (s.sp & 15n) return null;
  const frame = s.sp;
  const buf = mem.read(Number(frame), A64_FRAME_SIZE);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u64 = (off: number) => dv.getBigUint64(off, true);
  const n = cloneState(s) as A64State;
  for (let i = 0; i < 31; i++) n.x[i] = u64(A64_MC_OFF + 8 + 8 * i);
  n.sp = u64(A64_MC_OFF + 256);
  n.pc = u64(A64_MC_OFF + 264);
  const pstate = u64(A64_MC_OFF + 272);
  // Only EL0 AArch64 states are valid (mode bits 0, no A32); NZCV is what we keep.
  if (pstate & 0x1fn) return null;
  n.nzcv = Number(pstate & 0xf0000000n) | 0;
  // Walk the records: fpsimd_context is required; esr is ignored; anything unknown is a bad frame.
  let off = A64_RESERVED_OFF;
  let fpsimd = false;
  while (off + 8 <= A64_RESERVED_OFF + 4096) {
    const magic = dv.getUint32(off, true), size = dv.getUint32(off + 4, true);
    if (magic === 0) break;
    if (size < 8 || size % 16 !== 0 && magic !== 0 || off + size > A64_RESERVED_OFF + 4096) return null;
    if (magic === FPSIMD_MAGIC) {
      if (size !== FPSIMD_SIZE) return null;
      n.fpsr = dv.getUint32(off + 8, true);
      n.fpcr = dv.getUint32(off + 12, true);
      n.v = buf.slice(off + 16, off + 16 + 512);
      fpsimd = true;
    } else if (magic !== ESR_MAGIC && magic !== EXTRA_MAGIC) {
      return null;
    }
    off += size;
  }
  if (!fpsimd) return null;
  t.sigmask = u64(A64_UC_OFF + 40) & ~UNBLOCKABLE;
  restoreAltstack(t, { sp: u64(A64_UC_OFF + 16), flags: dv.getInt32(A64_UC_OFF + 24, true), size: u64(A64_UC_OFF + 32) }, s.sp);
  return n;
}
