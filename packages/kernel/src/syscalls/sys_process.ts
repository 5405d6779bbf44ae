// Processes: fork, vfork, clone/clone3 without CLONE_THREAD, execve, execveat, wait4, waitid,
// process groups and sessions, kill to a pid / a group / everyone, getppid, the prctl options of
// the process tree. The tree itself (zombies, reparenting, SIGCHLD) is in ../process.ts.
import { AT, CLONE, PR, RLIMIT } from '@elfbox/abi';
import { cloneState } from '@elfbox/cpu';
import { Block, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { ARG_MAX, MAX_ARG_STRLEN, execImage, resolveImage } from '../exec.js';
import { CLD, SIGCHLD, addChildWaiter, exitCode, groupMembers, reapGroup, setVforkWait } from '../process.js';
import { SI, UNBLOCKABLE } from '../signals.js';
import { waitStatusOf, type ThreadGroup } from '../task.js';
import { processClone, sys_prctl as threadPrctl, type CloneArgs } from './sys_thread.js';
import type { Call } from './types.js';
import { dirStart } from './util.js';

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
  const unsupported = CLONE.CLONE_PIDFD | CLONE.CLONE_NEWNS | CLONE.CLONE_NEWPID | CLONE.CLONE_NEWUSER | CLONE.CLONE_NEWNET | CLONE.CLONE_NEWUTS | CLONE.CLONE_NEWIPC | CLONE.CLONE_NEWCGROUP;
  if ((a.flags & BigInt(unsupported)) !== 0n) throw new SysError(Errno.EINVAL);
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
  try {
    if (has(a, CLONE.CLONE_PARENT_SETTID)) c.mem.writeU32(Number(a.parentTid), child.pid);
    if (has(a, CLONE.CLONE_CHILD_SETTID)) mm.mem.writeU32(Number(a.childTid), child.pid);
  } catch (e) {
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

type Selector = { kind: 'any' } | { kind: 'pid'; pid: number } | { kind: 'pgid'; pgid: number };

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
        if (f.kind === 'exited') reapGroup(k, f.child);
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
    if (ru) c.write(ru, new Uint8Array(144));
    return f.child.pid;
  });
}

export function sys_waitid(c: Call): SyscallResult {
  const idtype = c.i32(0), id = c.i32(1), info = c.num(2), options = c.i32(3), ru = c.num(4);
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE)) throw new SysError(Errno.EINVAL);
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) throw new SysError(Errno.EINVAL);
  let sel: Selector;
  if (idtype === 0) sel = { kind: 'any' };
  else if (idtype === 1) { if (id <= 0) throw new SysError(Errno.EINVAL); sel = { kind: 'pid', pid: id }; }
  else if (idtype === 2) { if (id < 0) throw new SysError(Errno.EINVAL); sel = { kind: 'pgid', pgid: id === 0 ? c.tg.pgid : id }; }
  else throw new SysError(Errno.EINVAL);
  return waitFor(c, sel, options, (f) => {
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
    if (ru) c.write(ru, new Uint8Array(144));
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
  if (pid > 0) { const g = k.groups.get(pid); targets = g && g.alive ? [g] : []; }
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
