// Signal delivery with real Linux frames (the kernel's SignalDelivery): build the arch's
// rt_sigframe on the task's stack (or sigaltstack), point the pc at the handler; rt_sigreturn
// reads it back. A frame that cannot be written (stack overflow without an alternate stack) or
// read back ends the process with SIGSEGV, as Linux's force_sigsegv does.
import { PERM_R, PERM_X, type A64State, type CpuState, type X86State } from '@elfbox/cpu';
import type { Kernel } from '../kernel.js';
import type { MM } from '../mm.js';
import type { SignalDelivery } from '../signals.js';
import type { SigAction, SigInfo, Task } from '../task.js';
import { buildA64Frame, restoreA64Frame } from './aarch64.js';
import { SA_RESTORER } from './common.js';
import { buildX86Frame, restoreX86Frame } from './x86_64.js';
import { vdsoImage } from '../vdso/image.js';

export * from './common.js';
export * from './x86_64.js';
export * from './aarch64.js';

/**
 * The mask to save in the next frame instead of the current one: rt_sigsuspend and
 * rt_sigtimedwait run with a temporary mask and the handler must return to the old one.
 */
export const savedSigmask = new WeakMap<Task, bigint>();

/** The aarch64 sigreturn trampoline page of each address space ("mov x8, #139; svc #0"). */
const trampolines = new WeakMap<MM, number>();

function a64Trampoline(mm: MM): number {
  // as Linux: the vDSO's __kernel_rt_sigreturn when the process has the vDSO (mm.ts mapVdso)
  const vdso = mm.vmas.find((v) => v.name === '[vdso]');
  const off = vdsoImage('aarch64').symbols.get('__kernel_rt_sigreturn');
  if (vdso && off !== undefined) return vdso.start + off;
  let a = trampolines.get(mm);
  if (a !== undefined && mm.find(a)) return a;
  a = mm.findFree(4096);
  mm.mapFixed(a, 4096, PERM_R | PERM_X, '[sigpage]');
  const code = new Uint8Array(8);
  const dv = new DataView(code.buffer);
  dv.setUint32(0, 0xd2801168, true); // mov x8, #139 (rt_sigreturn)
  dv.setUint32(4, 0xd4000001, true); // svc #0
  mm.mem.poke(a, code);
  trampolines.set(mm, a);
  return a;
}

function stateOf(t: Task): CpuState {
  const mm = t.tg.mm;
  if (mm.onCpu === t || !t.state) return mm.cpu!.getState();
  return t.state;
}

function setStateOf(t: Task, s: CpuState): void {
  const mm = t.tg.mm;
  if (mm.onCpu === t || !t.state) mm.cpu!.setState(s);
  else t.state = s;
}

/** Linux's force_sigsegv: SIGSEGV with its default action (a handler could not run). */
function forceSegv(kernel: Kernel, t: Task): void {
  t.tg.sighand.actions[11] = { handler: 0n, flags: 0n, restorer: 0n, mask: 0n };
  kernel.forceSignal(t, { signo: 11, code: 0x80 /* SI_KERNEL */ });
}

export function frameDelivery(kernel: Kernel): SignalDelivery {
  return {
    deliver(t: Task, info: SigInfo, action: SigAction): boolean {
      const mem = t.tg.mm.mem;
      const saved = savedSigmask.get(t);
      savedSigmask.delete(t);
      const mask = saved ?? t.sigmask;
      const s = stateOf(t);
      try {
        if (s.arch === 'x86_64') {
          const n = buildX86Frame(mem, t, s, info, action, mask);
          if (n === 'no-restorer') { forceSegv(kernel, t); return true; }
          setStateOf(t, n);
        } else {
          const restorer = action.flags & SA_RESTORER ? action.restorer : BigInt(a64Trampoline(t.tg.mm));
          setStateOf(t, buildA64Frame(mem, t, s, info, action, mask, restorer));
        }
      } catch {
        if (saved !== undefined) t.sigmask = saved;
        forceSegv(kernel, t);
      }
      return true;
    },
  };
}

/**
 * rt_sigreturn in the calling task's context (its registers are on the Cpu): restores the
 * registers, FP state, mask and alternate stack from the frame. Returns the restored return
 * register (rax / x0), which the dispatcher writes back unchanged; undefined: a bad frame, the
 * process was killed with SIGSEGV.
 */
export function sigreturn(kernel: Kernel, t: Task): bigint | undefined {
  const cpu = t.tg.cpu;
  const s = cpu.getState();
  try {
    if (s.arch === 'x86_64') {
      const n: X86State = restoreX86Frame(cpu.mem, t, s);
      cpu.setState(n);
      return n.gpr[0];
    }
    const n: A64State | null = restoreA64Frame(cpu.mem, t, s);
    if (!n) { forceSegv(kernel, t); return undefined; }
    cpu.setState(n);
    return n.x[0];
  } catch {
    forceSegv(kernel, t);
    return undefined;
  }
}
