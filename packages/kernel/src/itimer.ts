// Interval timers (setitimer/getitimer/alarm) of each thread group. They are deadlines the run
// loop checks, not host timers: the loop fires the expired ones before it picks a task and
// includes the earliest one in its host wait, so a process blocked in pause() wakes for its
// SIGALRM, and nothing is left ticking after the run ends. ITIMER_VIRTUAL and ITIMER_PROF
// count wall time as well (partial: elfbox does not account guest CPU time per process).
import type { Kernel } from './kernel.js';
import type { ThreadGroup } from './task.js';

export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const TIMER_SIGNAL = [14 /* SIGALRM */, 26 /* SIGVTALRM */, 27 /* SIGPROF */];

export interface ITimer {
  /** performance.now() ms when it next fires; undefined when disarmed. */
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
      if (t.deadline === undefined || t.deadline > now) return;
      if (t.interval > 0) {
        t.deadline += t.interval;
        if (t.deadline <= now) t.deadline = now + t.interval; // missed periods collapse into one signal
      } else {
        t.deadline = undefined;
      }
      kernel.sendSignal(tg, { signo: TIMER_SIGNAL[which], code: 0x80 /* SI_KERNEL */ });
    });
  }
}

/** The earliest armed timer of any live process (Infinity when none). */
export function nextTimerDeadline(kernel: Kernel): number {
  let d = Infinity;
  for (const tg of kernel.groups.values()) {
    const ts = timers.get(tg);
    if (!ts || !tg.alive) continue;
    for (const t of ts) if (t.deadline !== undefined && t.deadline < d) d = t.deadline;
  }
  return d;
}
