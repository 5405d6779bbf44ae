// Signal state and the decision what a pending signal does. Dispositions (rt_sigaction) and the
// mask (rt_sigprocmask) are stored; a signal whose action is the default ends the process with
// the right wait status, or is ignored. Running a guest handler (building the signal frame,
// rt_sigreturn) is the signals issue's work: it plugs in as a SignalDelivery.
import { Sig, SIGNAL_NAMES, sigDefaultAction } from '@elfbox/abi';
import { WaitQueue } from './files/waitqueue.js';
import type { SigAction, SigInfo, Task, ThreadGroup } from './task.js';

export const SIGKILL = 9;
export const SIGSTOP = 19;

export const sigBit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** Signals that can never be blocked, caught or ignored. */
export const UNBLOCKABLE = sigBit(SIGKILL) | sigBit(SIGSTOP);

export function signalName(sig: number): string {
  return (SIGNAL_NAMES as Record<number, string>)[sig] ?? (sig >= 32 && sig <= 64 ? `SIGRT_${sig - 32}` : `${sig}`);
}

export { Sig };

/** si_code values the kernel fills for synchronous faults. */
export const SI = {
  SI_USER: 0, SI_KERNEL: 0x80, SI_TKILL: -6,
  SEGV_MAPERR: 1, SEGV_ACCERR: 2, ILL_ILLOPC: 1, FPE_INTDIV: 1, TRAP_BRKPT: 1,
} as const;

/**
 * Runs a guest signal handler: builds the frame on the task's stack and points the pc at the
 * handler. Returns false when it cannot (then the kernel applies the default action).
 */
export interface SignalDelivery {
  deliver(task: Task, info: SigInfo, action: SigAction): boolean;
}

/** The delivery used until the signals issue lands: it cannot run handlers. */
export const NO_HANDLER_DELIVERY: SignalDelivery = { deliver: () => false };

export type SignalOutcome = { kind: 'ignore' } | { kind: 'kill'; core: boolean } | { kind: 'handler'; action: SigAction };

/** What a signal does to a process given its disposition. forced: a synchronous fault that is blocked or ignored kills anyway. */
export function decide(sig: number, action: SigAction, forced: boolean): SignalOutcome {
  const dflt = (): SignalOutcome => {
    const a = sigDefaultAction(sig);
    if (a === 'term') return { kind: 'kill', core: false };
    if (a === 'core') return { kind: 'kill', core: true };
    // 'stop' and 'cont': job control is not modelled yet; treated as ignored.
    return { kind: 'ignore' };
  };
  if (sig === SIGKILL) return { kind: 'kill', core: false };
  if (action.handler === 0n) return dflt();
  if (action.handler === 1n) return forced ? dflt() : { kind: 'ignore' };
  return { kind: 'handler', action };
}

/** rt_sigtimedwait waiters: the set each waits for and its Block, woken when such a signal is sent. */
export const sigWaiters = new WeakMap<Task, { set: bigint; wake: () => void }>();

/** Per process: signalfd readers and pollers waiting for a signal to become pending (signalfd.ts). */
const signalQueues = new WeakMap<ThreadGroup, WaitQueue>();

export function signalQueue(tg: ThreadGroup): WaitQueue {
  let q = signalQueues.get(tg);
  if (!q) signalQueues.set(tg, (q = new WaitQueue()));
  return q;
}

/** Called by Kernel.sendSignal: wakes signalfd watchers of the process and a task in rt_sigtimedwait for this signal. */
export function noteSignalSent(tasks: Iterable<Task>, signo: number): void {
  for (const t of tasks) { signalQueues.get(t.tg)?.notify(); break; }
  for (const t of tasks) {
    const w = sigWaiters.get(t);
    if (w && (w.set & sigBit(signo))) { w.wake(); return; }
  }
}
