// Pieces both arches' signal frames share: siginfo encoding, the saved alternate stack, the
// mask a handler runs with, and where the frame goes (the current stack or the sigaltstack).
import type { SigAction, SigInfo, Task } from '../task.js';
import { sigBit, UNBLOCKABLE } from '../signals.js';

export const SA_NODEFER = 0x40000000n;
export const SA_ONSTACK = 0x08000000n;
export const SA_RESTORER = 0x04000000n;
export const SA_SIGINFO = 0x4n;
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 0x80000000;
export const SIGINFO_SIZE = 128;

/** Signals whose siginfo carries a fault address (the _sigfault union member). */
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);

/** The 128-byte siginfo as the kernel writes it. */
export function encodeSiginfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, info.errno ?? 0, true);
  dv.setInt32(8, info.code, true);
  if (FAULT_SIGNALS.has(info.signo) && info.code > 0) {
    dv.setBigUint64(16, BigInt.asUintN(64, BigInt(info.addr ?? 0)), true);
  } else if (info.timerId !== undefined) {
    dv.setInt32(16, info.timerId, true); // si_tid
    dv.setInt32(20, info.overrun ?? 0, true);
    dv.setBigUint64(24, info.value ?? 0n, true);
  } else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setUint32(20, info.uid ?? 0, true);
    if (info.status !== undefined) dv.setInt32(24, info.status, true);
    else if (info.value !== undefined) dv.setBigUint64(24, info.value, true);
  }
  return b;
}

/** sas_ss_flags(sp): SS_DISABLE with no alternate stack, SS_ONSTACK when sp is on it. */
export function altstackFlags(t: Task, sp: bigint): number {
  const a = t.altstack;
  if (!a) return SS_DISABLE;
  return onAltstack(t, sp) ? SS_ONSTACK : 0;
}

export function onAltstack(t: Task, sp: bigint): boolean {
  const a = t.altstack;
  if (!a) return false;
  return sp > a.sp && sp - a.sp <= a.size;
}

/** The uc_stack a frame saves: the task's sigaltstack settings as seen from sp. */
export function savedAltstack(t: Task, sp: bigint): { sp: bigint; flags: number; size: bigint } {
  const a = t.altstack;
  if (!a) return { sp: 0n, flags: SS_DISABLE, size: 0n };
  return { sp: a.sp, flags: altstackFlags(t, sp) | a.flags, size: a.size };
}

/** The stack top the frame is built below: the altstack top under SA_ONSTACK when not already on it. */
export function frameTop(t: Task, action: SigAction, sp: bigint): { top: bigint; switched: boolean } {
  if ((action.flags & SA_ONSTACK) && t.altstack && altstackFlags(t, sp) === 0) {
    return { top: t.altstack.sp + t.altstack.size, switched: true };
  }
  return { top: sp, switched: false };
}

/** After the frame is written: SS_AUTODISARM clears the alt stack; the handler's mask is applied. */
export function enterHandler(t: Task, info: SigInfo, action: SigAction, switched: boolean): void {
  if (switched && t.altstack && (t.altstack.flags & SS_AUTODISARM)) t.altstack = undefined;
  let m = t.sigmask | action.mask;
  if (!(action.flags & SA_NODEFER)) m |= sigBit(info.signo);
  t.sigmask = m & ~UNBLOCKABLE;
}

/** rt_sigreturn's restore of uc_stack (errors are ignored, as restore_altstack does). */
export function restoreAltstack(t: Task, ss: { sp: bigint; flags: number; size: bigint }, curSp: bigint): void {
  if (onAltstack(t, curSp)) return; // cannot change it while on it (EPERM, ignored)
  if (ss.flags & SS_DISABLE) { t.altstack = undefined; return; }
  if (ss.flags & ~(SS_AUTODISARM | SS_ONSTACK)) return;
  t.altstack = { sp: ss.sp, flags: ss.flags & SS_AUTODISARM, size: ss.size };
}

export const alignDown = (v: bigint, a: bigint): bigint => v & ~(a - 1n);
