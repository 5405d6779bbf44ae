// clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep, times, getrusage.
// Clocks read the host's: CLOCK_REALTIME the wall clock, CLOCK_MONOTONIC / BOOTTIME the host's
// monotonic clock. The CPU-time clocks, times() and getrusage's ru_utime count guest CPU time
// (itimer.ts: instructions retired -> ns), the same time ITIMER_VIRTUAL / ITIMER_PROF count.
import { CLOCK } from '@elfbox/abi';
import { Block, type SyscallResult } from '../block.js';
import { groupCpuNs, taskCpuNs } from '../itimer.js';
import { childrenCpuNs } from '../process.js';
import { Errno, SysError } from '../errors.js';
import type { Call } from './types.js';
import { getStruct, putStruct } from './util.js';

const NS = 1_000_000_000n;

export function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

/**
 * A CPU-time clock (itimer.ts: guest instructions -> ns): the calling thread's or its process's,
 * or those of the pid/tid a CPUCLOCK id names (clock_getcpuclockid, pthread_getcpuclockid:
 * id = ~pid << 3 | type, bit 2 = per thread; pid 0 = the caller). EINVAL for no such process.
 */
function cpuClockNs(c: Call, id: number): bigint {
  let thread = id === CLOCK.CLOCK_THREAD_CPUTIME_ID;
  let task = c.task;
  if (id < 0) {
    const pid = ~(id >> 3);
    thread = (id & 4) !== 0;
    if ((id & 3) === 3) throw new SysError(Errno.EINVAL); // CPUCLOCK_MAX
    if (pid !== 0) {
      const t = c.kernel.tasks.get(pid);
      if (!t || t.exited || (!thread && t.tg.pid !== pid) || (thread && t.tg !== c.tg)) throw new SysError(Errno.EINVAL);
      task = t;
    }
  }
  return BigInt(Math.round(thread ? taskCpuNs(task) : groupCpuNs(task.tg)));
}

export function clockNs(id: number, c?: Call): bigint {
  if (id < 0 || id === CLOCK.CLOCK_PROCESS_CPUTIME_ID || id === CLOCK.CLOCK_THREAD_CPUTIME_ID) {
    if (!c) throw new SysError(Errno.EINVAL);
    return cpuClockNs(c, id);
  }
  switch (id) {
    // the guest clock the vDSO reads too (vdso/clock.ts): monotonic across both paths
    case CLOCK.CLOCK_REALTIME: case CLOCK.CLOCK_REALTIME_ALARM: case CLOCK.CLOCK_TAI:
      return c ? c.kernel.clock.realtime(c.mm) : realtimeNs();
    case CLOCK.CLOCK_REALTIME_COARSE:
      return c ? c.kernel.clock.coarseRealtime(c.mm) : realtimeNs();
    case CLOCK.CLOCK_MONOTONIC: case CLOCK.CLOCK_MONOTONIC_RAW:
    case CLOCK.CLOCK_BOOTTIME: case CLOCK.CLOCK_BOOTTIME_ALARM:
      return c ? c.kernel.clock.monotonic(c.mm) : monotonicNs();
    case CLOCK.CLOCK_MONOTONIC_COARSE:
      return c ? c.kernel.clock.coarseMonotonic(c.mm) : monotonicNs();
    default:
      throw new SysError(Errno.EINVAL);
  }
}

function putTimespec(c: Call, addr: number, ns: bigint): void {
  putStruct(c, 'timespec', addr, { tv_sec: ns / NS, tv_nsec: ns % NS });
}

function readTimespecNs(c: Call, addr: number): bigint {
  const v = getStruct(c, 'timespec', addr);
  const sec = v.tv_sec as bigint, nsec = v.tv_nsec as bigint;
  if (sec < 0n || nsec < 0n || nsec >= NS) throw new SysError(Errno.EINVAL);
  return sec * NS + nsec;
}

/** A host deadline (performance.now() ms) from a guest timespec: relative, or absolute on a clock. */
export function deadlineFromTimespec(c: Call, addr: number, absolute: boolean, realtime: boolean): number {
  const ns = readTimespecNs(c, addr);
  const rel = absolute ? ns - (realtime ? realtimeNs() : monotonicNs()) : ns;
  return performance.now() + Number(rel > 0n ? rel : 0n) / 1e6;
}

export function sys_clock_gettime(c: Call): SyscallResult {
  putTimespec(c, c.num(1), clockNs(c.i32(0), c));
  return 0;
}

export function sys_clock_getres(c: Call): SyscallResult {
  const id = c.i32(0);
  clockNs(id, c);
  const coarse = id === CLOCK.CLOCK_REALTIME_COARSE || id === CLOCK.CLOCK_MONOTONIC_COARSE;
  if (c.num(1)) putTimespec(c, c.num(1), coarse ? 4_000_000n : 1n);
  return 0;
}

export function sys_gettimeofday(c: Call): SyscallResult {
  const tv = c.num(0), tz = c.num(1);
  const ns = c.kernel.clock.realtime(c.mm);
  if (tv) putStruct(c, 'timeval', tv, { tv_sec: ns / NS, tv_usec: (ns % NS) / 1000n });
  if (tz) putStruct(c, 'timezone', tz, { tz_minuteswest: 0, tz_dsttime: 0 });
  return 0;
}

export function sys_time(c: Call): SyscallResult {
  const s = c.kernel.clock.coarseRealtime(c.mm) / NS; // as Linux: the last tick's seconds (what the vDSO's time() reads)
  if (c.num(0)) c.mem.writeU64(c.num(0), s);
  return s;
}

/** Sleeps until the deadline; interrupted by a signal, writes the remaining time to rem (if given). */
function sleepUntil(deadline: number, c?: Call, rem?: number): SyscallResult {
  if (performance.now() >= deadline) return 0;
  const onEintr = c && rem ? () => putTimespec(c, rem, BigInt(Math.max(0, Math.round((deadline - performance.now()) * 1e6)))) : undefined;
  return new Block(() => 0, { deadline, restart: 'eintr', what: 'nanosleep', onEintr });
}

export function sys_nanosleep(c: Call): SyscallResult {
  const deadline = deadlineFromTimespec(c, c.num(0), false, false);
  return sleepUntil(deadline, c, c.num(1));
}

export function sys_clock_nanosleep(c: Call): SyscallResult {
  const id = c.i32(0), flags = c.i32(1);
  if (id === CLOCK.CLOCK_THREAD_CPUTIME_ID) throw new SysError(Errno.EINVAL);
  clockNs(id, c);
  const abs = (flags & 1) !== 0; // TIMER_ABSTIME
  const deadline = deadlineFromTimespec(c, c.num(2), abs, id === CLOCK.CLOCK_REALTIME || id === CLOCK.CLOCK_TAI);
  return sleepUntil(deadline, c, abs ? 0 : c.num(3));
}

/** times: the process's and its waited-for children's CPU time in clock ticks (100 Hz; no kernel time); returns ticks since boot. */
export function sys_times(c: Call): SyscallResult {
  const ticks = BigInt(Math.floor(groupCpuNs(c.tg) / 10_000_000));
  const cticks = BigInt(Math.floor(childrenCpuNs(c.tg) / 10_000_000));
  if (c.num(0)) putStruct(c, 'tms', c.num(0), { tms_utime: ticks, tms_stime: 0n, tms_cutime: cticks, tms_cstime: 0n });
  return monotonicNs() / 10_000_000n;
}

/** getrusage: ru_utime is the guest CPU time of the process (RUSAGE_SELF), thread (RUSAGE_THREAD) or waited-for children (RUSAGE_CHILDREN). */
export function sys_getrusage(c: Call): SyscallResult {
  const who = c.i32(0);
  if (who !== 0 && who !== -1 && who !== 1) throw new SysError(Errno.EINVAL);
  const ns = BigInt(Math.round(who === -1 ? childrenCpuNs(c.tg) : who === 1 ? taskCpuNs(c.task) : groupCpuNs(c.tg)));
  putStruct(c, 'rusage', c.num(1), {
    'ru_utime.tv_sec': ns / NS, 'ru_utime.tv_usec': (ns % NS) / 1000n,
    ru_maxrss: BigInt(Math.round(process.memoryUsage().rss / 1024)),
  });
  return 0;
}
