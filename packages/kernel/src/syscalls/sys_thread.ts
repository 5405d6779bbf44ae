// clone (threads) and clone3, exit, exit_group, set_tid_address, robust lists, ids of the task,
// arch_prctl, futex, scheduling, priorities, resource limits, prctl.
import { ARCH_PRCTL, CLONE, FUTEX, PR, RLIMIT } from '@elfbox/abi';
import { cloneState } from '@elfbox/cpu';
import { Block, NO_RETURN, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { Task } from '../task.js';
import type { Call } from './types.js';
import { getStruct, putStruct } from './util.js';
import { deadlineFromTimespec } from './sys_time.js';

export function sys_exit(c: Call): SyscallResult {
  c.kernel.exitTask(c.task, c.i32(0) & 0xff);
  return NO_RETURN;
}

export function sys_exit_group(c: Call): SyscallResult {
  c.kernel.exitGroup(c.tg, { code: c.i32(0) & 0xff });
  return NO_RETURN;
}

export function sys_set_tid_address(c: Call): SyscallResult {
  c.task.clearChildTid = c.u64(0);
  return c.task.tid;
}

export function sys_set_robust_list(c: Call): SyscallResult {
  const len = c.num(1);
  if (len !== 24) throw new SysError(Errno.EINVAL); // sizeof(struct robust_list_head)
  c.task.robustList = c.u64(0);
  c.task.robustListLen = len;
  return 0;
}

export function sys_get_robust_list(c: Call): SyscallResult {
  const pid = c.i32(0);
  const t = pid === 0 ? c.task : c.kernel.tasks.get(pid);
  if (!t) throw new SysError(Errno.ESRCH);
  c.mem.writeU64(c.num(1), t.robustList);
  c.mem.writeU64(c.num(2), BigInt(t.robustListLen || 24));
  return 0;
}

export const sys_getpid = (c: Call): SyscallResult => c.tg.pid;
export const sys_gettid = (c: Call): SyscallResult => c.task.tid;
/** The first process's parent is a virtual init (pid 1). */
export const sys_getppid = (c: Call): SyscallResult => c.tg.parent?.pid ?? 1;
export const sys_getpgid = (c: Call): SyscallResult => c.tg.pid;
export const sys_getsid = (c: Call): SyscallResult => c.tg.pid;
export const sys_setpgid = (): SyscallResult => 0;

export function sys_arch_prctl(c: Call): SyscallResult {
  const code = c.i32(0);
  const addr = c.u64(1);
  const cpu = c.cpu;
  switch (code) {
    case ARCH_PRCTL.ARCH_SET_FS:
      if (addr >= 1n << 47n) throw new SysError(Errno.EPERM);
      cpu.setTls(addr);
      return 0;
    case ARCH_PRCTL.ARCH_GET_FS:
      c.mem.writeU64(Number(addr), cpu.getTls());
      return 0;
    case ARCH_PRCTL.ARCH_SET_GS: {
      if (addr >= 1n << 47n) throw new SysError(Errno.EPERM);
      const s = cpu.getState();
      if (s.arch === 'x86_64') { s.gsBase = addr; cpu.setState(s); }
      return 0;
    }
    case ARCH_PRCTL.ARCH_GET_GS: {
      const s = cpu.getState();
      c.mem.writeU64(Number(addr), s.arch === 'x86_64' ? s.gsBase : 0n);
      return 0;
    }
    case ARCH_PRCTL.ARCH_GET_CPUID:
      return 1;
    default:
      throw new SysError(Errno.EINVAL);
  }
}

/** futex: WAIT/WAKE, their BITSET forms, REQUEUE/CMP_REQUEUE, WAKE_OP, LOCK_PI/LOCK_PI2/TRYLOCK_PI/UNLOCK_PI; private and shared alike. */
export function sys_futex(c: Call): SyscallResult {
  const op = c.i32(1);
  const cmd = op & FUTEX.FUTEX_CMD_MASK;
  const addr = c.num(0);
  const val = c.u32(2);
  const f = c.kernel.futexes;
  const realtime = (op & FUTEX.FUTEX_CLOCK_REALTIME) !== 0;
  if (realtime && cmd !== FUTEX.FUTEX_WAIT_BITSET && cmd !== FUTEX.FUTEX_WAIT && cmd !== FUTEX.FUTEX_LOCK_PI2) throw new SysError(Errno.ENOSYS);
  switch (cmd) {
    case FUTEX.FUTEX_WAIT:
    case FUTEX.FUTEX_WAIT_BITSET: {
      const ts = c.num(3);
      const bitset = cmd === FUTEX.FUTEX_WAIT ? 0xffffffff : c.u32(5);
      // FUTEX_WAIT's timeout is relative (CLOCK_MONOTONIC); WAIT_BITSET's is absolute on the chosen clock.
      const abs = cmd === FUTEX.FUTEX_WAIT_BITSET;
      const deadline = ts ? deadlineFromTimespec(c, ts, abs, realtime) : undefined;
      return f.wait(c.mm, addr, val, bitset, deadline, c.task);
    }
    case FUTEX.FUTEX_WAKE:
      return f.wake(c.mm, addr, val);
    case FUTEX.FUTEX_WAKE_BITSET:
      return f.wake(c.mm, addr, val, c.u32(5));
    case FUTEX.FUTEX_REQUEUE:
      return f.requeue(c.mm, addr, val, c.num(4), c.u32(3));
    case FUTEX.FUTEX_CMP_REQUEUE:
      return f.requeue(c.mm, addr, val, c.num(4), c.u32(3), c.u32(5));
    case FUTEX.FUTEX_WAKE_OP:
      return f.wakeOp(c.mm, addr, val, c.num(4), c.u32(3), c.u32(5));
    case FUTEX.FUTEX_LOCK_PI:
    case FUTEX.FUTEX_LOCK_PI2:
    case FUTEX.FUTEX_TRYLOCK_PI: {
      // LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
      const ts = cmd === FUTEX.FUTEX_TRYLOCK_PI ? 0 : c.num(3);
      const deadline = ts ? deadlineFromTimespec(c, ts, true, cmd === FUTEX.FUTEX_LOCK_PI || realtime) : undefined;
      const tg = c.tg;
      const ownerAlive = (tid: number): boolean => { const o = c.kernel.tasks.get(tid); return !!o && !o.exited && o.tg.mm === tg.mm; };
      return f.lockPi(c.mm, addr, c.task, { trylock: cmd === FUTEX.FUTEX_TRYLOCK_PI, deadline, ownerAlive });
    }
    case FUTEX.FUTEX_UNLOCK_PI:
      return f.unlockPi(c.mm, addr, c.task.tid);
    default:
      throw new SysError(Errno.ENOSYS);
  }
}

/** sched_yield: the task gives up the rest of its slice (a Block that is already woken). */
export function sys_sched_yield(): SyscallResult {
  const b = new Block(() => 0, { what: 'sched_yield' });
  b.wake();
  return b;
}

/** One CPU: elfbox runs one guest instruction stream at a time. */
export function sys_sched_getaffinity(c: Call): SyscallResult {
  const pid = c.i32(0), len = c.num(1);
  if (pid !== 0 && !c.kernel.tasks.has(pid)) throw new SysError(Errno.ESRCH);
  if (len < 8 || len % 8 !== 0) throw new SysError(Errno.EINVAL);
  c.mem.writeU64(c.num(2), 1n);
  return 8;
}

export function sys_sched_setaffinity(c: Call): SyscallResult {
  const pid = c.i32(0);
  if (pid !== 0 && !c.kernel.tasks.has(pid)) throw new SysError(Errno.ESRCH);
  if (c.num(1) < 8) throw new SysError(Errno.EINVAL);
  if ((c.mem.readU64(c.num(2)) & 1n) === 0n) throw new SysError(Errno.EINVAL); // no CPU of the set exists
  return 0;
}

// ---- clone -------------------------------------------------------------------------------------

/** clone's and clone3's arguments, decoded the same way for both. */
export interface CloneArgs {
  flags: bigint;
  /** The child's stack pointer (0: the parent's). */
  stack: bigint;
  parentTid: bigint;
  childTid: bigint;
  tls: bigint;
  exitSignal: number;
  pidfd: bigint;
}

/**
 * Process-creating clones (no CLONE_THREAD: fork, vfork, posix_spawn's CLONE_VM|CLONE_VFORK)
 * belong to the processes code, which installs its implementation here.
 */
export const processClone: { impl?: (c: Call, a: CloneArgs) => SyscallResult } = {};

function cloneAny(c: Call, a: CloneArgs): SyscallResult {
  const f = a.flags;
  const has = (x: number) => (f & BigInt(x)) !== 0n;
  if (has(CLONE.CLONE_THREAD) && !has(CLONE.CLONE_SIGHAND)) throw new SysError(Errno.EINVAL);
  if (has(CLONE.CLONE_SIGHAND) && !has(CLONE.CLONE_VM)) throw new SysError(Errno.EINVAL);
  if (!has(CLONE.CLONE_THREAD)) {
    if (processClone.impl) return processClone.impl(c, a);
    c.kernel.warnOnce('clone:process', 'elfbox: clone without CLONE_THREAD (fork) is not supported yet: ENOSYS');
    throw new SysError(Errno.ENOSYS);
  }
  return cloneThread(c, a);
}

/** A new task in the caller's thread group, sharing its mm, files, fs and handlers. */
export function cloneThread(c: Call, a: CloneArgs): SyscallResult {
  const has = (x: number) => (a.flags & BigInt(x)) !== 0n;
  const parent = c.task;
  const st = cloneState(c.cpu.getState());
  if (st.arch === 'x86_64') {
    st.gpr[0] = 0n;
    if (a.stack) st.gpr[4] = a.stack;
    if (has(CLONE.CLONE_SETTLS)) st.fsBase = a.tls;
  } else {
    st.x[0] = 0n;
    if (a.stack) st.sp = a.stack;
    if (has(CLONE.CLONE_SETTLS)) st.tpidr = a.tls;
  }
  // The tid is written before the child exists so a failed write leaves no task behind.
  const t = c.kernel.addTask(c.tg, st);
  try {
    if (has(CLONE.CLONE_PARENT_SETTID)) c.mem.writeU32(Number(a.parentTid), t.tid);
    if (has(CLONE.CLONE_CHILD_SETTID)) c.mem.writeU32(Number(a.childTid), t.tid);
  } catch (e) {
    t.exited = true;
    c.tg.tasks.delete(t);
    c.kernel.tasks.delete(t.tid);
    throw e;
  }
  if (has(CLONE.CLONE_CHILD_CLEARTID)) t.clearChildTid = a.childTid;
  t.sigmask = parent.sigmask;
  return t.tid;
}

/** clone: x86-64 (flags, stack, parent_tid, child_tid, tls); aarch64 (flags, stack, parent_tid, tls, child_tid). */
export function sys_clone(c: Call): SyscallResult {
  const x86 = c.tg.arch.arch === 'x86_64';
  const flags = BigInt.asUintN(32, c.u64(0));
  return cloneAny(c, {
    flags: flags & ~0xffn,
    exitSignal: Number(flags & 0xffn),
    stack: c.u64(1),
    parentTid: c.u64(2),
    childTid: x86 ? c.u64(3) : c.u64(4),
    tls: x86 ? c.u64(4) : c.u64(3),
    pidfd: c.u64(2),
  });
}

/** clone3(struct clone_args *, size). */
export function sys_clone3(c: Call): SyscallResult {
  const addr = c.num(0), size = c.num(1);
  if (size < 64) throw new SysError(Errno.EINVAL);
  if (size > 4096) throw new SysError(Errno.E2BIG);
  const b = c.read(addr, size);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 88; i < size; i++) if (b[i] !== 0) throw new SysError(Errno.E2BIG);
  const u = (o: number) => (o + 8 <= size ? dv.getBigUint64(o, true) : 0n);
  const flags = u(0), exitSignal = u(32), stack = u(40), stackSize = u(48);
  if (exitSignal > 64n || (flags & 0xffn) !== 0n) throw new SysError(Errno.EINVAL);
  if ((stack === 0n) !== (stackSize === 0n)) throw new SysError(Errno.EINVAL);
  if (u(72) !== 0n) throw new SysError(Errno.EINVAL); // set_tid needs privileges we do not model
  return cloneAny(c, {
    flags, exitSignal: Number(exitSignal), stack: stack ? stack + stackSize : 0n,
    pidfd: u(8), childTid: u(16), parentTid: u(24), tls: u(56),
  });
}

// ---- scheduling policy and priorities ----------------------------------------------------------

const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;
const SCHED_RESET_ON_FORK = 0x40000000;

function targetTask(c: Call, pid: number): Task {
  if (pid < 0) throw new SysError(Errno.EINVAL);
  const t = pid === 0 ? c.task : c.kernel.tasks.get(pid);
  if (!t) throw new SysError(Errno.ESRCH);
  return t;
}

const policies = new WeakMap<Task, number>();
const nices = new WeakMap<Task, number>();

export function sys_sched_getscheduler(c: Call): SyscallResult {
  return policies.get(targetTask(c, c.i32(0))) ?? SCHED_OTHER;
}

function checkPolicy(c: Call, policy: number, prio: number): void {
  if (policy === SCHED_FIFO || policy === SCHED_RR) {
    if (prio < 1 || prio > 99) throw new SysError(Errno.EINVAL);
    if (c.kernel.creds.uid !== 0) throw new SysError(Errno.EPERM); // RLIMIT_RTPRIO is 0
  } else if (policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE) {
    if (prio !== 0) throw new SysError(Errno.EINVAL);
  } else throw new SysError(Errno.EINVAL);
}

export function sys_sched_setscheduler(c: Call): SyscallResult {
  const t = targetTask(c, c.i32(0));
  const policy = c.i32(1) & ~SCHED_RESET_ON_FORK;
  if (!c.num(2)) throw new SysError(Errno.EINVAL);
  const prio = c.mem.readU32(c.num(2)) | 0;
  checkPolicy(c, policy, prio);
  policies.set(t, policy);
  return 0;
}

export function sys_sched_getparam(c: Call): SyscallResult {
  targetTask(c, c.i32(0));
  if (!c.num(1)) throw new SysError(Errno.EINVAL);
  c.mem.writeU32(c.num(1), 0);
  return 0;
}

export function sys_sched_setparam(c: Call): SyscallResult {
  const t = targetTask(c, c.i32(0));
  if (!c.num(1)) throw new SysError(Errno.EINVAL);
  checkPolicy(c, policies.get(t) ?? SCHED_OTHER, c.mem.readU32(c.num(1)) | 0);
  return 0;
}

export function sys_sched_get_priority_max(c: Call): SyscallResult {
  const p = c.i32(0);
  if (p === SCHED_FIFO || p === SCHED_RR) return 99;
  if (p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE) return 0;
  throw new SysError(Errno.EINVAL);
}

export function sys_sched_get_priority_min(c: Call): SyscallResult {
  const p = c.i32(0);
  if (p === SCHED_FIFO || p === SCHED_RR) return 1;
  if (p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE) return 0;
  throw new SysError(Errno.EINVAL);
}

/** Tasks getpriority/setpriority address: PRIO_PROCESS (a tid or 0), PRIO_PGRP and PRIO_USER (every task here). */
function prioTargets(c: Call): Task[] {
  const which = c.i32(0), who = c.i32(1);
  let ts: Task[];
  if (which === 0) ts = who === 0 ? [c.task] : [c.kernel.tasks.get(who)].filter((t): t is Task => t !== undefined);
  else if (which === 1) ts = who === 0 ? [...c.tg.tasks] : [...(c.kernel.groups.get(who)?.tasks ?? [])];
  else if (which === 2) ts = who === 0 || who === c.kernel.creds.uid ? [...c.kernel.tasks.values()] : [];
  else throw new SysError(Errno.EINVAL);
  ts = ts.filter((t) => !t.exited);
  if (!ts.length) throw new SysError(Errno.ESRCH);
  return ts;
}

/** getpriority returns 20 - nice (1..40), the raw syscall's convention. */
export function sys_getpriority(c: Call): SyscallResult {
  return 20 - Math.min(...prioTargets(c).map((t) => nices.get(t) ?? 0));
}

export function sys_setpriority(c: Call): SyscallResult {
  const nice = Math.max(-20, Math.min(19, c.i32(2)));
  for (const t of prioTargets(c)) {
    if (nice < (nices.get(t) ?? 0) && c.kernel.creds.uid !== 0) throw new SysError(Errno.EACCES); // RLIMIT_NICE is 0
    nices.set(t, nice);
  }
  return 0;
}

/** getcpu: always CPU 0, node 0. */
export function sys_getcpu(c: Call): SyscallResult {
  if (c.num(0)) c.mem.writeU32(c.num(0), 0);
  if (c.num(1)) c.mem.writeU32(c.num(1), 0);
  return 0;
}

const INF = RLIMIT.RLIM_INFINITY;
/** Linux's defaults for a fresh login process (soft, hard). */
function defaultRlimit(res: number): [bigint, bigint] {
  switch (res) {
    case RLIMIT.RLIMIT_STACK: return [8n * 1024n * 1024n, INF];
    case RLIMIT.RLIMIT_CORE: return [0n, INF];
    case RLIMIT.RLIMIT_NOFILE: return [1024n, 4096n];
    case RLIMIT.RLIMIT_NPROC: return [63_000n, 63_000n];
    case RLIMIT.RLIMIT_MEMLOCK: return [8n * 1024n * 1024n, 8n * 1024n * 1024n];
    case RLIMIT.RLIMIT_SIGPENDING: return [63_000n, 63_000n];
    case RLIMIT.RLIMIT_MSGQUEUE: return [819_200n, 819_200n];
    case RLIMIT.RLIMIT_NICE: case RLIMIT.RLIMIT_RTPRIO: return [0n, 0n];
    default: return [INF, INF];
  }
}

function rlimitOf(c: Call, res: number): [bigint, bigint] {
  return c.tg.rlimits.get(res) ?? defaultRlimit(res);
}

export function sys_prlimit64(c: Call): SyscallResult {
  const pid = c.i32(0), res = c.i32(1), nw = c.num(2), old = c.num(3);
  if (res < 0 || res >= RLIMIT.RLIM_NLIMITS) throw new SysError(Errno.EINVAL);
  const tg = pid === 0 ? c.tg : c.kernel.groups.get(pid);
  if (!tg) throw new SysError(Errno.ESRCH);
  const cur = tg.rlimits.get(res) ?? defaultRlimit(res);
  let next: [bigint, bigint] | undefined;
  if (nw) {
    const v = getStruct(c, 'rlimit', nw);
    next = [v.rlim_cur as bigint, v.rlim_max as bigint];
    if (next[0] > next[1]) throw new SysError(Errno.EINVAL);
    if (next[1] > cur[1]) throw new SysError(Errno.EPERM);
  }
  if (old) putStruct(c, 'rlimit', old, { rlim_cur: cur[0], rlim_max: cur[1] });
  if (next) {
    tg.rlimits.set(res, next);
    if (res === RLIMIT.RLIMIT_NOFILE) tg.fds.limit = Number(next[0] > 1048576n ? 1048576n : next[0]);
  }
  return 0;
}

export function sys_getrlimit(c: Call): SyscallResult {
  const res = c.i32(0);
  if (res < 0 || res >= RLIMIT.RLIM_NLIMITS) throw new SysError(Errno.EINVAL);
  const [cur, max] = rlimitOf(c, res);
  putStruct(c, 'rlimit', c.num(1), { rlim_cur: cur, rlim_max: max });
  return 0;
}

export function sys_setrlimit(c: Call): SyscallResult {
  const res = c.i32(0);
  if (res < 0 || res >= RLIMIT.RLIM_NLIMITS) throw new SysError(Errno.EINVAL);
  const v = getStruct(c, 'rlimit', c.num(1));
  const cur = rlimitOf(c, res);
  const next: [bigint, bigint] = [v.rlim_cur as bigint, v.rlim_max as bigint];
  if (next[0] > next[1]) throw new SysError(Errno.EINVAL);
  if (next[1] > cur[1]) throw new SysError(Errno.EPERM);
  c.tg.rlimits.set(res, next);
  return 0;
}

/** prctl: the thread name and a few queries; the rest is EINVAL as on a kernel without them. */
export function sys_prctl(c: Call): SyscallResult {
  const opt = c.i32(0);
  const t = c.task;
  switch (opt) {
    case PR.PR_SET_NAME: {
      const b = c.cstring(c.num(1), 4096);
      t.comm = b.slice(0, 15);
      return 0;
    }
    case PR.PR_GET_NAME: {
      const name = t.comm ?? new TextEncoder().encode((c.tg.exePath.split('/').pop() ?? '').slice(0, 15));
      const out = new Uint8Array(16);
      out.set(name.subarray(0, 15));
      c.write(c.num(1), out);
      return 0;
    }
    case PR.PR_GET_DUMPABLE: return 1;
    case PR.PR_SET_DUMPABLE: return 0;
    case PR.PR_SET_NO_NEW_PRIVS: return 0;
    case PR.PR_GET_NO_NEW_PRIVS: return 0;
    case PR.PR_SET_PDEATHSIG: return 0;
    case PR.PR_CAPBSET_READ: return 0;
    case PR.PR_GET_TID_ADDRESS: c.mem.writeU64(c.num(1), t.clearChildTid); return 0;
    case PR.PR_SET_VMA: return 0;
    default: throw new SysError(Errno.EINVAL);
  }
}
