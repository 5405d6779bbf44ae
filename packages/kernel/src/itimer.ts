// Interval timers (setitimer/getitimer/alarm) of each thread group, and the guest CPU time they
// and the CPU-time clocks count. Timers are deadlines the run loop checks, not host timers: the
// loop fires the expired ones before it picks a task and includes the earliest ITIMER_REAL one in
// its host wait, so a process blocked in pause() wakes for its SIGALRM, and nothing is left
// ticking after the run ends.
//
// Guest CPU time: each slice a task runs is charged to it (and to its process) by chargeCpu:
// the instructions it retired times NS_PER_INSTRUCTION (a nominal 1 GHz CPU retiring one
// instruction per cycle) when the backend counts instructions (the TypeScript CPUs), else the
// host time spent in cpu.run (Unicorn). Time blocked in the kernel is not CPU time, so
// ITIMER_VIRTUAL and ITIMER_PROF (SIGVTALRM / SIGPROF) advance only while the process runs,
// and with a seed they fire at the same instruction on every run. Kernel time is not modelled
// (stime is 0; ITIMER_PROF counts the same time as ITIMER_VIRTUAL).
import type { Kernel } from './kernel.js';
import type { Task, ThreadGroup } from './task.js';

export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const TIMER_SIGNAL = [14 /* SIGALRM */, 26 /* SIGVTALRM */, 27 /* SIGPROF */];

/** Guest nanoseconds per retired instruction (a nominal 1 GHz, one instruction per cycle). */
export const NS_PER_INSTRUCTION = 1;

const taskCpu = new WeakMap<Task, number>();
const groupCpu = new WeakMap<ThreadGroup, number>();

/** Charges one slice to t: n instructions retired (undefined when the backend does not count), hostMs spent in cpu.run. */
export function chargeCpu(t: Task, n: number | undefined, hostMs: number): void {
  const ns = n !== undefined ? n * NS_PER_INSTRUCTION : hostMs * 1e6;
  if (!(ns > 0)) return;
  taskCpu.set(t, (taskCpu.get(t) ?? 0) + ns);
  groupCpu.set(t.tg, (groupCpu.get(t.tg) ?? 0) + ns);
}

/** CPU time of one thread (CLOCK_THREAD_CPUTIME_ID, RUSAGE_THREAD), ns. */
export const taskCpuNs = (t: Task): number => taskCpu.get(t) ?? 0;
/** CPU time of a process, its exited threads included (CLOCK_PROCESS_CPUTIME_ID, times, RUSAGE_SELF), ns. */
export const groupCpuNs = (tg: ThreadGroup): number => groupCpu.get(tg) ?? 0;

/** The clock a timer counts on, in ms: host monotonic for ITIMER_REAL, the process's CPU time for the others. */
export function timerNow(tg: ThreadGroup, which: number): number {
  return which === ITIMER_REAL ? performance.now() : groupCpuNs(tg) / 1e6;
}

export interface ITimer {
  /** When it next fires, in ms on its clock (timerNow); undefined when disarmed. */
  deadline?: number;
  /** Reload interval in ms (0: one-shot). */
  interval: number;
}

const timers = new WeakMap<ThreadGroup, ITimer[]>();

export function itimers(tg: ThreadGroup): ITimer[] {
  let t = timers.get(tg);
  if (!t) timers.set(tg, (t = [{ interval: 0 }, { interval: 0 }, { interval: 0 }]));
  return t;
}

/** Sends the signal of every expired timer of every live process; reloads interval timers. */
export function fireTimers(kernel: Kernel, now = performance.now()): void {
  for (const tg of kernel.groups.values()) {
    const ts = timers.get(tg);
    if (!ts || !tg.alive) continue;
    ts.forEach((t, which) => {
      const clock = which === ITIMER_REAL ? now : timerNow(tg, which);
      if (t.deadline === undefined || t.deadline > clock) return;
      if (t.interval > 0) {
        t.deadline += t.interval;
        if (t.deadline <= clock) t.deadline = clock + t.interval; // missed periods collapse into one signal
      } else {
        t.deadline = undefined;
      }
      kernel.sendSignal(tg, { signo: TIMER_SIGNAL[which], code: 0x80 /* SI_KERNEL */ });
    });
  }
}

/** The earliest armed ITIMER_REAL of any live process (Infinity when none): CPU-time timers do not advance while every task waits. */
export function nextTimerDeadline(kernel: Kernel): number {
  let d = Infinity;
  for (const tg of kernel.groups.values()) {
    const ts = timers.get(tg);
    if (!ts || !tg.alive) continue;
    const t = ts[ITIMER_REAL];
    if (t.deadline !== undefined && t.deadline < d) d = t.deadline;
  }
  return d;
}
