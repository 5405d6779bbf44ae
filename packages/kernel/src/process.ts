// The process tree: parents and children, zombies, reaping, reparenting to the guest's init (or
// the nearest PR_SET_CHILD_SUBREAPER ancestor), SIGCHLD with its auto-reaping rules, and the waits
// of wait4/waitid and vfork. Kernel.exitGroup calls groupExited(); the syscalls are in
// syscalls/sys_process.ts.
import { Block } from './block.js';
import { groupCpuNs } from './itimer.js';
import type { Kernel } from './kernel.js';
import { pidfdNotify } from './pidfd.js';
import { foregroundOf, setForeground } from './files/tty.js';
import type { ExitStatus, SigAction, SigInfo, Task, ThreadGroup } from './task.js';

export const SIGCHLD = 17;
const SA_NOCLDSTOP = 1n, SA_NOCLDWAIT = 2n;

/** si_code values of SIGCHLD and waitid. */
export const CLD = { EXITED: 1, KILLED: 2, DUMPED: 3, TRAPPED: 4, STOPPED: 5, CONTINUED: 6 } as const;

/** Blocks of tasks waiting (wait4/waitid) for a state change of one of a process's children. */
const childWaiters = new WeakMap<ThreadGroup, Set<Block<unknown>>>();
/** The parent's wait for a vfork child to exec or exit. */
const vforkWaits = new WeakMap<ThreadGroup, Block<unknown>>();

export function addChildWaiter(parent: ThreadGroup, b: Block<unknown>): void {
  let s = childWaiters.get(parent);
  if (!s) childWaiters.set(parent, (s = new Set()));
  s.add(b);
}

/** Wakes the tasks of parent waiting in wait4/waitid. */
export function wakeChildWaiters(parent: ThreadGroup): void {
  const s = childWaiters.get(parent);
  if (!s) return;
  childWaiters.delete(parent);
  for (const b of s) b.wake();
}

export function setVforkWait(child: ThreadGroup, b: Block<unknown>): void {
  vforkWaits.set(child, b);
}

/** The vfork child exec'd or exited: the parent continues. */
export function vforkDone(child: ThreadGroup): void {
  const b = vforkWaits.get(child);
  if (!b) return;
  vforkWaits.delete(child);
  b.wake();
}

/** The si_code and si_status of how a process ended. */
export function exitCode(s: ExitStatus): { code: number; status: number } {
  if ('code' in s) return { code: CLD.EXITED, status: s.code & 0xff };
  return { code: s.core ? CLD.DUMPED : CLD.KILLED, status: s.signal };
}

/** The guest's init: pid 1 while it lives. */
export function initProcess(k: Kernel): ThreadGroup | undefined {
  const g = k.groups.get(1);
  return g?.alive ? g : undefined;
}

/** Who adopts the children of tg: the nearest living subreaper ancestor, else init. */
function reaperFor(k: Kernel, tg: ThreadGroup): ThreadGroup | undefined {
  for (let p = tg.parent; p; p = p.parent) if (p.subreaper && p.alive && p !== tg) return p;
  const init = initProcess(k);
  return init && init !== tg ? init : undefined;
}

/** The parent ignores SIGCHLD or set SA_NOCLDWAIT: its children are reaped as they exit. */
function autoReaps(parent: ThreadGroup): boolean {
  const a = parent.sighand.actions[SIGCHLD];
  return a.handler === 1n || (a.flags & SA_NOCLDWAIT) !== 0n;
}

/** CPU time (ns) of the waited-for descendants of a process (RUSAGE_CHILDREN, tms_cutime). */
const childrenCpu = new WeakMap<ThreadGroup, number>();

export function childrenCpuNs(tg: ThreadGroup): number {
  return childrenCpu.get(tg) ?? 0;
}

/**
 * wait4/waitid reaped child (as Linux's wait_task_zombie): the child's CPU time and that of
 * the descendants it waited for go to the parent's children total. Auto-reaped children do not count.
 */
export function addChildTimes(parent: ThreadGroup, child: ThreadGroup): void {
  childrenCpu.set(parent, childrenCpuNs(parent) + groupCpuNs(child) + childrenCpuNs(child));
}

/** Removes a zombie from the process table. Its Cpu was released when it exited. */
export function reapGroup(k: Kernel, tg: ThreadGroup): void {
  k.groups.delete(tg.pid);
  tg.parent?.children.delete(tg);
  pidfdNotify(tg); // its pidfds now also report POLLHUP
}

/**
 * Destroys mm's Cpu and retires its AddressSpace once no living process uses the mm. Deferred to the host's next turn: the
 * exit (or exec) happens inside that Cpu's run(), which must return before it is destroyed.
 */
export function releaseMm(k: Kernel, tg: ThreadGroup, mm = tg.mm): void {
  setImmediate(() => {
    for (const g of k.groups.values()) if (g.mm === mm && g.alive) return;
    if (mm.cpu) {
      mm.cpu.destroy();
      mm.cpu = undefined;
    }
    // copy-on-write: no more pages are copied into this space; it stays the source of its forks' pages
    mm.mem.retire();
  });
}

/** A zombie child (now) has parent p: SIGCHLD and the waiters, or reaped at once. */
function notifyParent(k: Kernel, child: ThreadGroup, p: ThreadGroup): void {
  const { code, status } = exitCode(child.exit!);
  const sig = child.exitSignal;
  if (sig && !(sig === SIGCHLD && p.sighand.actions[SIGCHLD].handler === 1n)) {
    k.sendSignal(p, { signo: sig, code, pid: child.pid, uid: k.creds.uid, status });
  }
  if (sig === SIGCHLD && autoReaps(p)) reapGroup(k, child);
  wakeChildWaiters(p);
}

/** Called by Kernel.exitGroup after the tasks ended and the files closed. */
export function groupExited(k: Kernel, tg: ThreadGroup): void {
  vforkDone(tg);
  pidfdNotify(tg); // its pidfds become readable
  releaseMm(k, tg);
  const reaper = reaperFor(k, tg);
  for (const c of [...tg.children]) {
    tg.children.delete(c);
    c.parent = reaper;
    if (c.alive && c.pdeathsig) k.sendSignal(c, { signo: c.pdeathsig, code: 0, pid: tg.pid, uid: k.creds.uid });
    if (!reaper) { if (!c.alive) k.groups.delete(c.pid); continue; }
    reaper.children.add(c);
    if (!c.alive) notifyParent(k, c, reaper);
    else killOrphanedPgrp(k, c, tg); // the child's group may have lost its last link outside
  }
  killOrphanedPgrp(k, tg, tg.parent); // ours may have, when we were its link
  const p = tg.parent;
  if (p && p.alive) notifyParent(k, tg, p);
  else if (tg.pid !== 1) reapGroup(k, tg); // no one will wait for it (init's status is run()'s result)
}

/**
 * POSIX's orphaned process group (Linux's will_become_orphaned_pgrp): no living member has a
 * parent in another group of the same session. A parent outside the guest is no link (the guest
 * is a pid namespace; its init's parent is not part of it).
 */
function orphanedPgrp(k: Kernel, pgid: number): boolean {
  for (const g of groupMembers(k, pgid)) {
    const p = g.parent;
    if (p && p.alive && p.pgid !== pgid && p.sid === g.sid) return false;
  }
  return true;
}

/**
 * Linux's kill_orphaned_pgrp: tg's group just lost `link` (tg's parent, or tg's father that
 * exited), a process of another group in the same session; if that orphaned the group and a
 * member is stopped, every member gets SIGHUP then SIGCONT (SI_KERNEL).
 */
function killOrphanedPgrp(k: Kernel, tg: ThreadGroup, link: ThreadGroup | undefined): void {
  if (!link || link.pgid === tg.pgid || link.sid !== tg.sid) return;
  const members = groupMembers(k, tg.pgid);
  if (!members.some((g) => g.stopped !== undefined) || !orphanedPgrp(k, tg.pgid)) return;
  for (const signo of [SIGHUP, SIGCONT]) for (const g of members) k.sendSignal(g, { signo, code: 0x80 /* SI_KERNEL */ });
}

const SIGHUP = 1;

/** Job control: the process stopped (sig) or continued; the parent hears of it. */
export function groupStopChanged(k: Kernel, tg: ThreadGroup, stoppedBy: number | undefined): void {
  tg.waitReport = stoppedBy !== undefined ? { kind: 'stopped', sig: stoppedBy } : { kind: 'continued' };
  const p = tg.parent;
  if (!p || !p.alive) return;
  const a = p.sighand.actions[SIGCHLD];
  if (!(a.flags & SA_NOCLDSTOP) && tg.exitSignal) {
    k.sendSignal(p, { signo: SIGCHLD, code: stoppedBy !== undefined ? CLD.STOPPED : CLD.CONTINUED, pid: tg.pid, uid: k.creds.uid, status: stoppedBy ?? SIGCONT });
  }
  wakeChildWaiters(p);
}

export const SIGCONT = 18;

/** Living processes of a process group. */
export function groupMembers(k: Kernel, pgid: number): ThreadGroup[] {
  return [...k.groups.values()].filter((g) => g.alive && g.pgid === pgid);
}

const STOP_SIGNALS = new Set([19, 20, 21, 22]); // SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU

/**
 * A stop signal whose action is the default stops the whole process (its tasks are skipped by
 * the scheduler until SIGCONT). true when it did; the caller has dequeued the signal.
 */
export function stopsGroup(k: Kernel, t: Task, info: SigInfo, action: SigAction): boolean {
  if (!STOP_SIGNALS.has(info.signo) || (info.signo !== 19 && action.handler !== 0n)) return false;
  const tg = t.tg;
  if (!tg.alive) return false;
  tg.stopped = info.signo;
  groupStopChanged(k, tg, info.signo);
  return true;
}

/** At send time (Linux's prepare_signal): SIGCONT resumes and cancels pending stops; a stop cancels a pending SIGCONT; SIGKILL wakes a stopped process. */
export function jobControlOnSend(k: Kernel, tg: ThreadGroup, signo: number): void {
  const drop = (pred: (s: number) => boolean) => {
    tg.pending = tg.pending.filter((p) => !pred(p.signo));
    for (const t of tg.tasks) t.pending = t.pending.filter((p) => !pred(p.signo));
  };
  if (signo === SIGCONT) {
    drop((s) => STOP_SIGNALS.has(s));
    if (tg.stopped !== undefined) {
      tg.stopped = undefined;
      groupStopChanged(k, tg, undefined);
    }
  } else if (STOP_SIGNALS.has(signo)) {
    drop((s) => s === SIGCONT);
  } else if (signo === 9 && tg.stopped !== undefined) {
    tg.stopped = undefined;
  }
}

/**
 * The controlling terminal's foreground process group (tcgetpgrp / tcsetpgrp): the terminal and
 * its job control are files/tty.ts's; these are its entry points for the process code and tests.
 */
export function foregroundPgrp(k: Kernel, caller: ThreadGroup): number {
  return foregroundOf(k, caller);
}

/** tcsetpgrp: pgid must be positive (EINVAL), exist (ESRCH), be of the caller's session (EPERM). Returns an errno or 0. */
export function setForegroundPgrp(k: Kernel, caller: ThreadGroup, pgid: number): number {
  return setForeground(k, caller, pgid);
}
