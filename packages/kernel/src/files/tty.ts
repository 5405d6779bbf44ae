// Terminal ioctls answered for host stdio streams that are terminals. The host's termios can't
// be read from Node, so TCGETS answers the settings of a fresh Linux terminal (cooked mode).
// The controlling terminal's job control (foreground group, SIGTTIN/SIGTTOU) is at the end.
import { Block, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { Call, Handler } from '../syscalls/types.js';
import type { ThreadGroup } from '../task.js';

/** Same numbers on x86-64 and aarch64 (asm-generic/ioctls.h). */
export const IOCTL_TCGETS = 0x5401;
export const IOCTL_TCSETS = 0x5402;
export const IOCTL_TCSETSW = 0x5403;
export const IOCTL_TCSETSF = 0x5404;
export const IOCTL_TIOCSWINSZ = 0x5414;
export const IOCTL_TIOCSPGRP = 0x5410;
export const IOCTL_FIONBIO = 0x5421;
export const IOCTL_FIONCLEX = 0x5450;
export const IOCTL_FIOCLEX = 0x5451;
export const IOCTL_TIOCGWINSZ = 0x5413;
export const IOCTL_TIOCGPGRP = 0x540f;
export const IOCTL_FIONREAD = 0x541b;

/** struct termios (kernel's, NCCS = 19): 4 x u32 flags, c_line, c_cc[19]; 36 bytes. */
export function defaultTermios(): Uint8Array {
  const b = new Uint8Array(36);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x0500, true); // c_iflag: ICRNL | IXON
  dv.setUint32(4, 0x0005, true); // c_oflag: OPOST | ONLCR
  dv.setUint32(8, 0x00bf, true); // c_cflag: B38400 | CS8 | CREAD
  dv.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE
  b[16] = 0; // c_line
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];
  b.set(cc, 17);
  return b;
}

/** struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (u16 each). */
export function encodeWinsize(rows: number, cols: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, rows, true);
  dv.setUint16(2, cols, true);
  return b;
}

// ---- the controlling terminal and job control ------------------------------------------------
//
// One terminal per run: the host's (the stdio streams that are terminals, and /dev/tty). It is the
// controlling terminal of the guest's first session (sid 1) and its foreground process group is
// the first process's (1) until tcsetpgrp moves it. A process has it as controlling terminal while
// its session owns it and it has not let go of it (setsid, TIOCNOTTY; fork inherits). As Linux's
// tty_check_change / job_control: a process of a background group of that session that reads
// the terminal gets SIGTTIN, one that writes it with TOSTOP set, or changes its settings or
// foreground group, SIGTTOU; the signal goes to its whole group and the call restarts when the
// group is continued (EIO instead when the signal is ignored or blocked (reads only) or the group
// is orphaned). Terminals that are not the host's (none yet) and non-terminals answer ENOTTY.

export const IOCTL_TIOCSCTTY = 0x540e;
export const IOCTL_TIOCNOTTY = 0x5422;
export const IOCTL_TIOCGSID = 0x5429;
const SIGHUP = 1, SIGCONT = 18, SIGTTIN = 21, SIGTTOU = 22;
const TOSTOP = 0o400;

interface Terminal {
  /** The session it is the controlling terminal of (0: none). */
  sid: number;
  /** Its foreground process group (0: none). */
  pgrp: number;
  /** c_lflag as last set through TCSETS* (TOSTOP). */
  lflag: number;
}

const terminals = new WeakMap<Kernel, Terminal>();
/** Processes that let go of the controlling terminal (setsid, TIOCNOTTY), and their children. */
const noCtty = new WeakSet<ThreadGroup>();

function terminalOf(k: Kernel): Terminal {
  let t = terminals.get(k);
  if (!t) terminals.set(k, (t = { sid: 1, pgrp: 1, lflag: new DataView(defaultTermios().buffer).getUint32(12, true) }));
  return t;
}

/** Whether tg's controlling terminal is the host terminal. */
export function hasCtty(k: Kernel, tg: ThreadGroup): boolean {
  const t = terminals.get(k);
  return !noCtty.has(tg) && tg.sid === (t ? t.sid : 1);
}

/** setsid: the new session has no controlling terminal. */
export function dropCtty(tg: ThreadGroup): void { noCtty.add(tg); }

/** fork: the child has the parent's controlling terminal (or none). */
export function inheritCtty(parent: ThreadGroup, child: ThreadGroup): void {
  if (noCtty.has(parent)) noCtty.add(child);
}

/** tcgetpgrp for tg (the terminal's foreground group); ENOTTY unless it is tg's controlling terminal. */
export function foregroundOf(k: Kernel, tg: ThreadGroup): number {
  if (!hasCtty(k, tg)) throw new SysError(Errno.ENOTTY);
  return terminalOf(k).pgrp;
}

const members = (k: Kernel, pgid: number): ThreadGroup[] => [...k.groups.values()].filter((g) => g.alive && g.pgid === pgid);

/** tcsetpgrp's checks after the job-control one: 0 or an errno (EINVAL, ESRCH, EPERM). */
export function setForeground(k: Kernel, tg: ThreadGroup, pgid: number): number {
  if (!hasCtty(k, tg)) return Errno.ENOTTY;
  if (pgid < 0) return Errno.EINVAL;
  const m = members(k, pgid);
  if (!m.length) return Errno.ESRCH;
  if (!m.some((g) => g.sid === tg.sid)) return Errno.EPERM;
  terminalOf(k).pgrp = pgid;
  return 0;
}

/** POSIX orphaned process group: no member has a parent in another group of the same session. */
function orphaned(k: Kernel, pgid: number): boolean {
  return !members(k, pgid).some((g) => g.parent && g.parent.alive && g.parent.pgid !== pgid && g.parent.sid === g.sid);
}

/**
 * Linux's __tty_check_change for the calling process: 0 to go on, an errno, or a Block that the
 * signal sent to the caller's group interrupts (the call restarts when the group continues, or
 * after a handler with SA_RESTART; EINTR without).
 */
function jobCheck(c: Call, sig: number, retry: () => SyscallResult): SyscallResult | 0 {
  const k = c.kernel, tg = c.tg;
  const term = terminals.get(k);
  const pgrp = term ? term.pgrp : 1;
  if (!pgrp || tg.pgid === pgrp || !hasCtty(k, tg)) return 0;
  const a = tg.sighand.actions[sig];
  if (a.handler === 1n || (c.task.sigmask & (1n << BigInt(sig - 1))) !== 0n) return sig === SIGTTIN ? -Errno.EIO : 0;
  if (orphaned(k, tg.pgid)) return -Errno.EIO;
  for (const g of members(k, tg.pgid)) k.sendSignal(g, { signo: sig, code: 0x80 /* SI_KERNEL */ });
  const b = new Block(retry, { what: `tty ${sig === SIGTTIN ? 'SIGTTIN' : 'SIGTTOU'}`, restart: 'restart-if-sa' });
  b.wake(); // the pending signal ends the wait first; once continued, the call is tried again
  return b;
}

function guarded(c: Call, sig: number, fdArg: number, h: Handler, always: boolean): SyscallResult {
  const k = c.kernel;
  const term = terminals.get(k);
  if (c.tg.pgid === (term ? term.pgrp : 1)) return h(c); // the foreground (the usual case): no terminal lookup
  const fd = c.i32(fdArg);
  if (!c.tg.fds.has(fd) || !c.tg.fds.get(fd).isTty()) return h(c);
  if (!always && !((term?.lflag ?? 0) & TOSTOP)) return h(c);
  const r = jobCheck(c, sig, () => guarded(c, sig, fdArg, h, always));
  return r === 0 ? h(c) : r;
}

/** read/readv on the terminal from a background group: SIGTTIN (table.ts wraps those handlers). */
export const ttyRead = (h: Handler): Handler => (c) => guarded(c, SIGTTIN, 0, h, true);
/** write/writev on the terminal from a background group with TOSTOP set: SIGTTOU. */
export const ttyWrite = (h: Handler): Handler => (c) => guarded(c, SIGTTOU, 0, h, false);

const JOB_IOCTLS = new Set([IOCTL_TIOCGPGRP, IOCTL_TIOCSPGRP, IOCTL_TIOCSCTTY, IOCTL_TIOCNOTTY, IOCTL_TIOCGSID, IOCTL_TCSETS, IOCTL_TCSETSW, IOCTL_TCSETSF]);

/** Whether ttyJobIoctl handles req (sys_ioctl asks before it looks at the file). */
export const isJobIoctl = (req: number): boolean => JOB_IOCTLS.has(req);

/**
 * The job-control ioctls of a terminal fd: TIOCGPGRP, TIOCSPGRP, TIOCGSID, TIOCSCTTY, TIOCNOTTY,
 * and the SIGTTOU check of TCSETS*. undefined: the file's own ioctl goes on (TCSETS* after the
 * check, which also records c_lflag for TOSTOP).
 */
export function ttyJobIoctl(c: Call, req: number): SyscallResult | undefined {
  const k = c.kernel, tg = c.tg, arg = c.num(2);
  const retry = (): SyscallResult => ttyJobIoctl(c, req) ?? 0;
  switch (req) {
    case IOCTL_TIOCGPGRP: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, foregroundOf(k, tg), true);
      c.write(arg, b);
      return 0;
    }
    case IOCTL_TIOCGSID: {
      const t = terminalOf(k);
      if (!hasCtty(k, tg) || !t.sid) throw new SysError(Errno.ENOTTY);
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, t.sid, true);
      c.write(arg, b);
      return 0;
    }
    case IOCTL_TIOCSPGRP: {
      const r = jobCheck(c, SIGTTOU, retry);
      if (r === -Errno.EIO) throw new SysError(Errno.ENOTTY);
      if (r !== 0) return r;
      if (!hasCtty(k, tg)) throw new SysError(Errno.ENOTTY);
      const err = setForeground(k, tg, c.mem.readI32(arg));
      if (err) throw new SysError(err);
      return 0;
    }
    case IOCTL_TCSETS: case IOCTL_TCSETSW: case IOCTL_TCSETSF: {
      const r = jobCheck(c, SIGTTOU, retry);
      if (r !== 0) return r;
      terminalOf(k).lflag = c.mem.readU32(arg + 12);
      return undefined;
    }
    case IOCTL_TIOCSCTTY: {
      const t = terminalOf(k);
      const leader = tg.sid === tg.pid;
      if (leader && t.sid === tg.sid) { noCtty.delete(tg); return 0; }
      if (!leader || hasCtty(k, tg)) throw new SysError(Errno.EPERM);
      if (t.sid) {
        // another session's: only stolen with arg 1 and CAP_SYS_ADMIN
        if (arg !== 1 || k.creds.uid !== 0) throw new SysError(Errno.EPERM); // (the run's uid, not setuid changes)
      }
      noCtty.delete(tg);
      t.sid = tg.sid;
      t.pgrp = tg.pgid;
      return 0;
    }
    case IOCTL_TIOCNOTTY: {
      if (!hasCtty(k, tg)) throw new SysError(Errno.ENOTTY);
      if (tg.sid === tg.pid) {
        // the session leader: its foreground group is hung up, the session loses the terminal
        const t = terminalOf(k);
        for (const signo of [SIGHUP, SIGCONT]) for (const g of members(k, t.pgrp)) k.sendSignal(g, { signo, code: 0, pid: tg.pid, uid: k.creds.uid });
        t.sid = 0;
        t.pgrp = 0;
      }
      noCtty.add(tg);
      return 0;
    }
  }
  return undefined;
}
