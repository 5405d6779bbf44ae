// Processes: fork, vfork, clone/clone3 without CLONE_THREAD, execve, execveat, wait4, waitid,
// process groups and sessions, kill to a pid / a group / everyone, getppid, the prctl options of
// the process tree. The tree itself (zombies, reparenting, SIGCHLD) is in ../process.ts.
import { AT, CLONE, PR, RLIMIT } from '@elfbox/abi';
import { cloneState } from '@elfbox/cpu';
import { Block, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { ARG_MAX, MAX_ARG_STRLEN, execImage, resolveImage } from '../exec.js';
import { CLD, SIGCHLD, addChildTimes, addChildWaiter, childrenCpuNs, exitCode, groupMembers, reapGroup, setVforkWait } from '../process.js';
import { groupCpuNs } from '../itimer.js';
import { SI, UNBLOCKABLE } from '../signals.js';
import { waitStatusOf, type SigInfo, type ThreadGroup } from '../task.js';
import { PIDFD_NONBLOCK, PidFd } from '../pidfd.js';
import { dropCtty, inheritCtty } from '../files/tty.js';
import { processClone, sys_prctl as threadPrctl, type CloneArgs } from './sys_thread.js';
import type { Call } from './types.js';
import { dirStart, putStruct } from './util.js';

const has = (a: CloneArgs, f: number) => (a.flags & BigInt(f)) !== 0n;
/** However high RLIMIT_NPROC is, the host keeps at most this many guest processes. */
export const MAX_PROCESSES = 2048;

// ---- fork, vfork, clone ------------------------------------------------------------------------

/**
 * A new process: a copy of the caller's address space (or the same one with CLONE_VM), a copy of
 * its fd table sharing the descriptions (or the same table with CLONE_FILES), of its cwd/umask
 * (CLONE_FS shares), of its dispositions (CLONE_SIGHAND shares) and of the calling thread's mask.
 */
export function forkProcess(c: Call, a: CloneArgs): SyscallResult {
  const k = c.kernel, parent = c.tg;
  const unsupported = CLONE.CLONE_NEWNS | CLONE.CLONE_NEWPID | CLONE.CLONE_NEWUSER | CLONE.CLONE_NEWNET | CLONE.CLONE_NEWUTS | CLONE.CLONE_NEWIPC | CLONE.CLONE_NEWCGROUP;
  if ((a.flags & BigInt(unsupported)) !== 0n) throw new SysError(Errno.EINVAL);
  // CLONE_PIDFD: not with CLONE_DETACHED, nor with CLONE_PARENT_SETTID at the same address (clone's shared slot)
  if (has(a, CLONE.CLONE_PIDFD) && (has(a, CLONE.CLONE_DETACHED) || (has(a, CLONE.CLONE_PARENT_SETTID) && a.pidfd === a.parentTid))) throw new SysError(Errno.EINVAL);
  const nproc = parent.rlimits.get(RLIMIT.RLIMIT_NPROC)?.[0];
  const count = [...k.groups.values()].length;
  // Unlike Linux, root is bound as well: every guest user is unprivileged towards the host.
  if ((nproc !== undefined && BigInt(count) >= nproc) || count >= MAX_PROCESSES) throw new SysError(Errno.EAGAIN);
  const backend = k.backends.get(parent.arch.arch) ?? [...k.backends.values()].find((b) => b.arches.includes(parent.arch.arch));
  if (!backend) throw new SysError(Errno.ENOSYS);
  const st = cloneState(c.cpu.getState());
  if (st.arch === 'x86_64') {
    st.gpr[0] = 0n;
    if (a.stack) st.gpr[4] = a.stack;
    if (has(a, CLONE.CLONE_SETTLS)) st.fsBase = a.tls;
  } else {
    st.x[0] = 0n;
    if (a.stack) st.sp = a.stack;
    if (has(a, CLONE.CLONE_SETTLS)) st.tpidr = a.tls;
  }
  const mm = has(a, CLONE.CLONE_VM) ? parent.mm : parent.mm.clone();
  const realParent = has(a, CLONE.CLONE_PARENT) ? parent.parent : parent;
  const child = k.createProcess(parent.arch.arch, mm, backend, realParent);
  if (has(a, CLONE.CLONE_PARENT) && !realParent) { child.pgid = parent.pgid; child.sid = parent.sid; }
  const t = child.leader!;
  t.state = st;
  t.sigmask = c.task.sigmask;
  t.comm = c.task.comm;
  child.exitSignal = a.exitSignal;
  child.fds = has(a, CLONE.CLONE_FILES) ? parent.fds : parent.fds.clone();
  child.fs = has(a, CLONE.CLONE_FS) ? parent.fs : parent.fs.clone();
  inheritCtty(parent, child);
  child.sighand = has(a, CLONE.CLONE_SIGHAND) ? parent.sighand : parent.sighand.clone();
  if ((a.flags & CLONE.CLONE_CLEAR_SIGHAND) !== 0n) {
    for (const s of child.sighand.actions) if (s.handler > 1n) { s.handler = 0n; s.flags = 0n; s.mask = 0n; s.restorer = 0n; }
  }
  for (const [r, v] of parent.rlimits) child.rlimits.set(r, [v[0], v[1]]);
  child.exePath = parent.exePath;
  child.auxv = parent.auxv;
  child.argv = parent.argv;
  child.envp = parent.envp;
  t.altstack = has(a, CLONE.CLONE_VM) && !has(a, CLONE.CLONE_VFORK) ? undefined : c.task.altstack && { ...c.task.altstack };
  let pidfd = -1;
  try {
    if (has(a, CLONE.CLONE_PIDFD)) {
      pidfd = parent.fds.add(new PidFd(k, child, 0), true);
      c.mem.writeU32(Number(a.pidfd), pidfd);
    }
    if (has(a, CLONE.CLONE_PARENT_SETTID)) c.mem.writeU32(Number(a.parentTid), child.pid);
    if (has(a, CLONE.CLONE_CHILD_SETTID)) mm.mem.writeU32(Number(a.childTid), child.pid);
  } catch (e) {
    if (pidfd >= 0) parent.fds.close(pidfd);
    child.exitSignal = 0;
    k.exitGroup(child, { code: 0 });
    reapGroup(k, child);
    throw e;
  }
  if (has(a, CLONE.CLONE_CHILD_CLEARTID)) t.clearChildTid = a.childTid;
  if (!has(a, CLONE.CLONE_VFORK)) return child.pid;
  // vfork: the parent sleeps until the child execs or exits; signals wait until then (Linux's
  // wait is killable only).
  const saved = c.task.sigmask;
  c.task.sigmask = ~UNBLOCKABLE & ((1n << 64n) - 1n);
  const pid = child.pid, task = c.task;
  const b = new Block(() => { task.sigmask = saved; return pid; }, { what: `vfork ${pid}`, restart: 'restart-if-sa' });
  setVforkWait(child, b);
  if (!child.alive || child.execed) b.wake();
  return b;
}
processClone.impl = forkProcess;

export const sys_fork = (c: Call): SyscallResult => forkProcess(c, { flags: 0n, exitSignal: SIGCHLD, stack: 0n, parentTid: 0n, childTid: 0n, tls: 0n, pidfd: 0n });
export const sys_vfork = (c: Call): SyscallResult => forkProcess(c, { flags: BigInt(CLONE.CLONE_VM | CLONE.CLONE_VFORK), exitSignal: SIGCHLD, stack: 0n, parentTid: 0n, childTid: 0n, tls: 0n, pidfd: 0n });

// ---- execve ------------------------------------------------------------------------------------

/** A NULL-terminated array of string pointers (argv, envp); E2BIG past Linux's limits. */
function readStrings(c: Call, addr: number, budget: { left: number }): string[] {
  const out: string[] = [];
  if (!addr) return out;
  const dec = new TextDecoder();
  for (let i = 0; ; i++) {
    if (i > 0x7fffffff / 8) throw new SysError(Errno.E2BIG);
    const p = c.mem.readU64Num(addr + 8 * i);
    if (!p) return out;
    const b = c.mem.readCString(p, MAX_ARG_STRLEN);
    if (b === null) throw new SysError(Errno.E2BIG);
    budget.left -= b.length + 1 + 8;
    if (budget.left < 0) throw new SysError(Errno.E2BIG);
    out.push(dec.decode(b));
  }
}

function execCommon(c: Call, start: string, path: string, argvAddr: number, envpAddr: number, flags: number, pathArg = 0): SyscallResult {
  const budget = { left: ARG_MAX };
  const argv = readStrings(c, argvAddr, budget);
  const envp = readStrings(c, envpAddr, budget);
  const img = resolveImage(c.kernel, start, path, argv, (flags & AT.AT_SYMLINK_NOFOLLOW) === 0);
  // strace formats the call after the switch: point its path argument at AT_EXECFN's copy
  return execImage(c.kernel, c.task, img, envp, (a) => { c.args[pathArg] = BigInt(a); });
}

export function sys_execve(c: Call): SyscallResult {
  const path = c.str(0);
  return execCommon(c, c.tg.fs.cwd, path, c.num(1), c.num(2), 0);
}

/** execveat(dirfd, path, argv, envp, flags): AT_EMPTY_PATH runs the dirfd's file itself. */
export function sys_execveat(c: Call): SyscallResult {
  const flags = c.i32(4);
  if (flags & ~(AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH)) throw new SysError(Errno.EINVAL);
  let path = c.str(1);
  if (path === '') {
    if (!(flags & AT.AT_EMPTY_PATH)) throw new SysError(Errno.ENOENT);
    path = c.tg.fds.get(c.i32(0)).path;
    return execCommon(c, '/', path, c.num(2), c.num(3), flags, 1);
  }
  return execCommon(c, dirStart(c, 0, path), path, c.num(2), c.num(3), flags, 1);
}

// ---- wait --------------------------------------------------------------------------------------

const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
const WNOTHREAD = 0x20000000, WALL = 0x40000000, WCLONE = 0x80000000 | 0;

type Selector = { kind: 'any' } | { kind: 'pid'; pid: number } | { kind: 'pgid'; pgid: number } | { kind: 'pidfd'; tg: ThreadGroup };

interface Found {
  child: ThreadGroup;
  kind: 'exited' | 'stopped' | 'continued';
}

/** One look at the caller's children: a reportable state change, 'none' (children exist, none ready), or ECHILD. */
function findChild(tg: ThreadGroup, sel: Selector, opts: number): Found | 'none' {
  let any = false;
  for (const ch of tg.children) {
    if (sel.kind === 'pid' && ch.pid !== sel.pid) continue;
    if (sel.kind === 'pgid' && ch.pgid !== sel.pgid) continue;
    if (sel.kind === 'pidfd' && ch !== sel.tg) continue;
    const isClone = ch.exitSignal !== SIGCHLD;
    if (!(opts & WALL) && isClone !== ((opts & WCLONE) !== 0)) continue;
    any = true;
    if (!ch.alive && opts & WEXITED) return { child: ch, kind: 'exited' };
    const r = ch.waitReport;
    if (r && ch.alive && r.kind === 'stopped' && opts & WUNTRACED) return { child: ch, kind: 'stopped' };
    if (r && ch.alive && r.kind === 'continued' && opts & WCONTINUED) return { child: ch, kind: 'continued' };
  }
  if (!any) throw new SysError(Errno.ECHILD);
  return 'none';
}

/** Shared by wait4 and waitid: report (and consume) a child's state change, or wait for one. */
function waitFor(c: Call, sel: Selector, opts: number, report: (f: Found | undefined) => SyscallResult): SyscallResult {
  const tg = c.tg, k = c.kernel;
  const attempt = (): SyscallResult => {
    const f = findChild(tg, sel, opts);
    if (f !== 'none') {
      const v = report(f);
      if (!(opts & WNOWAIT)) {
        if (f.kind === 'exited') { addChildTimes(tg, f.child); reapGroup(k, f.child); }
        else f.child.waitReport = undefined;
      }
      return v;
    }
    if (opts & WNOHANG) return report(undefined);
    const b: Block = new Block(() => attempt(), { what: 'wait4', restart: 'restart-if-sa' });
    addChildWaiter(tg, b);
    return b;
  };
  return attempt();
}

/**
 * The rusage wait4/waitid report: the child's CPU time (guest instructions, see itimer.ts) plus
 * that of the descendants it waited for, as user time; no system time, no maxrss (one host process).
 */
function putChildRusage(c: Call, addr: number, f: Found): void {
  const ns = BigInt(Math.round(groupCpuNs(f.child) + childrenCpuNs(f.child)));
  putStruct(c, 'rusage', addr, { 'ru_utime.tv_sec': ns / 1_000_000_000n, 'ru_utime.tv_usec': (ns % 1_000_000_000n) / 1000n });
}

function waitStatus(f: Found): number {
  if (f.kind === 'exited') return waitStatusOf(f.child.exit!);
  if (f.kind === 'stopped') return 0x7f | ((f.child.waitReport as { sig: number }).sig << 8);
  return 0xffff;
}

export function sys_wait4(c: Call): SyscallResult {
  const pid = c.i32(0), statusAddr = c.num(1), options = c.i32(2), ru = c.num(3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) throw new SysError(Errno.EINVAL);
  if (pid === -0x80000000) throw new SysError(Errno.ESRCH);
  const sel: Selector = pid < -1 ? { kind: 'pgid', pgid: -pid } : pid === -1 ? { kind: 'any' } : pid === 0 ? { kind: 'pgid', pgid: c.tg.pgid } : { kind: 'pid', pid };
  return waitFor(c, sel, options | WEXITED, (f) => {
    if (!f) return 0;
    if (statusAddr) c.mem.writeU32(statusAddr, waitStatus(f));
    if (ru) putChildRusage(c, ru, f);
    return f.child.pid;
  });
}

export function sys_waitid(c: Call): SyscallResult {
  const idtype = c.i32(0), id = c.i32(1), info = c.num(2), options = c.i32(3), ru = c.num(4);
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE)) throw new SysError(Errno.EINVAL);
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) throw new SysError(Errno.EINVAL);
  let sel: Selector;
  let nonblock = false;
  if (idtype === 0) sel = { kind: 'any' };
  else if (idtype === 3) { // P_PIDFD; a PIDFD_NONBLOCK pidfd makes the wait WNOHANG, with EAGAIN for "nothing yet"
    if (id < 0) throw new SysError(Errno.EINVAL);
    const pf = pidfdOf(c, id);
    sel = { kind: 'pidfd', tg: pf.target };
    nonblock = (pf.flags & PIDFD_NONBLOCK) !== 0 && !(options & WNOHANG);
  }
  else if (idtype === 1) { if (id <= 0) throw new SysError(Errno.EINVAL); sel = { kind: 'pid', pid: id }; }
  else if (idtype === 2) { if (id < 0) throw new SysError(Errno.EINVAL); sel = { kind: 'pgid', pgid: id === 0 ? c.tg.pgid : id }; }
  else throw new SysError(Errno.EINVAL);
  return waitFor(c, sel, nonblock ? options | WNOHANG : options, (f) => {
    if (!f && nonblock) throw new SysError(Errno.EAGAIN);
    const b = new Uint8Array(128);
    const dv = new DataView(b.buffer);
    if (f) {
      let code: number, status: number;
      if (f.kind === 'exited') ({ code, status } = exitCode(f.child.exit!));
      else if (f.kind === 'stopped') { code = CLD.STOPPED; status = (f.child.waitReport as { sig: number }).sig; }
      else { code = CLD.CONTINUED; status = 18; }
      dv.setInt32(0, SIGCHLD, true);
      dv.setInt32(8, code, true);
      dv.setInt32(16, f.child.pid, true);
      dv.setUint32(20, c.kernel.creds.uid, true);
      dv.setInt32(24, status, true);
    }
    if (info) c.write(info, b);
    if (ru && f) putChildRusage(c, ru, f); // only when a child was reported (Linux)
    return 0;
  });
}

// ---- ids, process groups, sessions -------------------------------------------------------------

/** pid 0 means the caller; others must be living processes (ESRCH). */
function groupOf(c: Call, pid: number): ThreadGroup {
  if (pid < 0) throw new SysError(Errno.ESRCH);
  if (pid === 0) return c.tg;
  const g = c.kernel.groups.get(pid);
  if (!g) throw new SysError(Errno.ESRCH);
  return g;
}

/** The first process's parent is outside the guest: 0, as for Linux's init. */
export const sys_getppid = (c: Call): SyscallResult => c.tg.parent?.pid ?? 0;
export const sys_getpgid = (c: Call): SyscallResult => groupOf(c, c.i32(0)).pgid;
export const sys_getpgrp = (c: Call): SyscallResult => c.tg.pgid;
export const sys_getsid = (c: Call): SyscallResult => groupOf(c, c.i32(0)).sid;

export function sys_setpgid(c: Call): SyscallResult {
  const pid = c.i32(0);
  let pgid = c.i32(1);
  if (pgid < 0) throw new SysError(Errno.EINVAL);
  const k = c.kernel;
  const target = pid === 0 ? c.tg : k.groups.get(pid);
  if (!target || !target.alive || (target !== c.tg && target.parent !== c.tg)) throw new SysError(Errno.ESRCH);
  if (target !== c.tg && target.execed) throw new SysError(Errno.EACCES);
  if (target.sid === target.pid) throw new SysError(Errno.EPERM);
  if (target.sid !== c.tg.sid) throw new SysError(Errno.EPERM);
  if (pgid === 0) pgid = target.pid;
  if (pgid !== target.pid && !groupMembers(k, pgid).some((g) => g.sid === c.tg.sid)) throw new SysError(Errno.EPERM);
  target.pgid = pgid;
  return 0;
}

export function sys_setsid(c: Call): SyscallResult {
  const tg = c.tg;
  // a process group leader (its pid names a group) cannot start a session
  if ([...c.kernel.groups.values()].some((g) => g.alive && g.pgid === tg.pid)) throw new SysError(Errno.EPERM);
  tg.sid = tg.pid;
  tg.pgid = tg.pid;
  dropCtty(tg); // a new session has no controlling terminal
  return tg.pid;
}

// ---- kill --------------------------------------------------------------------------------------

/**
 * kill: pid > 0 one process, 0 the caller's process group, -1 every process but init and the
 * caller, < -1 the group -pid. Signal 0 only checks that a target exists.
 */
export function sys_kill(c: Call): SyscallResult {
  const pid = c.i32(0), sig = c.i32(1);
  if (sig < 0 || sig > 64) throw new SysError(Errno.EINVAL);
  const k = c.kernel;
  let targets: ThreadGroup[];
  if (pid > 0) {
    const g = k.groups.get(pid);
    if (g && !g.alive) return 0; // a zombie still exists: the signal is accepted and has no effect
    targets = g ? [g] : [];
  }
  else if (pid === 0) targets = groupMembers(k, c.tg.pgid);
  else if (pid === -1) targets = [...k.groups.values()].filter((g) => g.alive && g.pid !== 1 && g !== c.tg);
  else {
    if (pid === -0x80000000) throw new SysError(Errno.ESRCH);
    targets = groupMembers(k, -pid);
  }
  if (!targets.length) throw new SysError(Errno.ESRCH);
  for (const g of targets) k.sendSignal(g, { signo: sig, code: SI.SI_USER, pid: c.tg.pid, uid: k.creds.uid });
  return 0;
}

// ---- prctl -------------------------------------------------------------------------------------

/** prctl options of the process tree; the rest go to the threads' prctl. */
export function sys_prctl(c: Call): SyscallResult {
  const opt = c.i32(0);
  switch (opt) {
    case PR.PR_SET_PDEATHSIG: {
      const s = c.i32(1);
      if (s < 0 || s > 64) throw new SysError(Errno.EINVAL);
      c.tg.pdeathsig = s;
      return 0;
    }
    case PR.PR_GET_PDEATHSIG:
      c.mem.writeU32(c.num(1), c.tg.pdeathsig);
      return 0;
    case PR.PR_SET_CHILD_SUBREAPER:
      c.tg.subreaper = c.u64(1) !== 0n;
      return 0;
    case PR.PR_GET_CHILD_SUBREAPER:
      c.mem.writeU32(c.num(1), c.tg.subreaper ? 1 : 0);
      return 0;
    default:
      return threadPrctl(c);
  }
}

// ---- pidfds (../pidfd.ts) ----------------------------------------------------------------------

/** The PidFd behind fd argument i: EBADF for a closed fd or any other kind of file. */
function pidfdOf(c: Call, fd: number): PidFd {
  const f = c.tg.fds.get(fd);
  if (!(f instanceof PidFd)) throw new SysError(Errno.EBADF);
  return f;
}

/**
 * pidfd_open(pid, flags): a close-on-exec pidfd for a process (a zombie too). EINVAL for pid <= 0
 * or unknown flags (PIDFD_THREAD is not implemented), ESRCH when no such process exists, ENOENT
 * for a thread that is not its group's leader (Linux 6.9+).
 */
export function sys_pidfd_open(c: Call): SyscallResult {
  const pid = c.i32(0), flags = c.u32(1);
  if (flags & ~PIDFD_NONBLOCK || pid <= 0) throw new SysError(Errno.EINVAL);
  const g = c.kernel.groups.get(pid);
  if (!g) throw new SysError(c.kernel.tasks.has(pid) ? Errno.ENOENT : Errno.ESRCH);
  return c.tg.fds.add(new PidFd(c.kernel, g, flags), true);
}

const PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2, PIDFD_SIGNAL_PROCESS_GROUP = 4;

/**
 * pidfd_send_signal(pidfd, sig, info, flags): kill() through a pidfd; the scope flags (one at
 * most) pick the thread, the process (default) or its process group. ESRCH once the process was
 * reaped; a zombie takes the signal and ignores it (0), as kill(2). With info, si_signo must be
 * sig, and only the caller itself may be sent si_code >= 0 or SI_TKILL (EPERM).
 */
export function sys_pidfd_send_signal(c: Call): SyscallResult {
  const sig = c.i32(1), infoAddr = c.num(2), flags = c.u32(3);
  const scopes = PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;
  if (flags & ~scopes || (flags & (flags - 1)) !== 0) throw new SysError(Errno.EINVAL);
  const pf = pidfdOf(c, c.i32(0));
  const k = c.kernel, tg = pf.target;
  let info: SigInfo = { signo: sig, code: flags & PIDFD_SIGNAL_THREAD ? SI.SI_TKILL : SI.SI_USER, pid: c.tg.pid, uid: k.creds.uid };
  if (infoAddr) {
    const b = c.read(infoAddr, 128);
    const dv = new DataView(b.buffer, b.byteOffset, 128);
    if (dv.getInt32(0, true) !== sig) throw new SysError(Errno.EINVAL);
    const code = dv.getInt32(8, true);
    if ((tg !== c.tg || flags & (PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_PROCESS_GROUP)) && (code >= 0 || code === SI.SI_TKILL)) throw new SysError(Errno.EPERM);
    info = { signo: sig, code, errno: dv.getInt32(4, true), pid: dv.getInt32(16, true), uid: dv.getUint32(20, true), value: dv.getBigUint64(24, true) };
  }
  if (!pf.exists) throw new SysError(Errno.ESRCH);
  if (sig < 0 || sig > 64) throw new SysError(Errno.EINVAL);
  if (!tg.alive) return 0;
  if (flags & PIDFD_SIGNAL_PROCESS_GROUP) for (const g of groupMembers(k, tg.pgid)) k.sendSignal(g, info);
  else k.sendSignal(tg, info, flags & PIDFD_SIGNAL_THREAD ? tg.leader : undefined);
  return 0;
}

/**
 * pidfd_getfd(pidfd, targetfd, flags): a close-on-exec duplicate, in the caller's table, of the
 * target's fd (the same open file description). EINVAL for flags, ESRCH once it has exited,
 * EBADF for a closed targetfd. No ptrace check: every guest
 * process is the same user.
 */
export function sys_pidfd_getfd(c: Call): SyscallResult {
  const fd = c.i32(1), flags = c.u32(2);
  if (flags) throw new SysError(Errno.EINVAL);
  const pf = pidfdOf(c, c.i32(0));
  if (!pf.target.alive) throw new SysError(Errno.ESRCH); // a zombie too (Linux 6.18)
  const f = pf.target.fds.get(fd);
  return c.tg.fds.add(f.ref(), true);
}
