// poll, ppoll, select, pselect6 (over the readiness interface of file descriptions:
// FileDescription.poll / watch), eventfd and eventfd2.
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { EventFd, EFD_SEMAPHORE } from '../files/eventfd.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, type FileDescription } from '../files/file.js';
import { readinessBlock } from '../files/waitqueue.js';
import { savedSigmask } from '../sigframe/index.js';
import { UNBLOCKABLE } from '../signals.js';
import { flagNames, hex, sigsetValue, straceNotes } from '../strace.js';
import { EPOLLEXCLUSIVE, EpollFile } from '../files/epoll.js';
import type { Call } from './types.js';
import { layouts } from './util.js';

const ALWAYS = POLLERR | POLLHUP | POLLNVAL;

// ---- strace rendering (strace's: pollfd arrays, fd sets, `= 1 ([{fd=3, revents=POLLIN}], left {...})`) ----

const POLL_NAMES: Array<[string, number]> = [
  ['POLLIN', 0x1], ['POLLPRI', 0x2], ['POLLOUT', 0x4], ['POLLERR', 0x8], ['POLLHUP', 0x10], ['POLLNVAL', 0x20],
  ['POLLRDNORM', 0x40], ['POLLRDBAND', 0x80], ['POLLWRNORM', 0x100], ['POLLWRBAND', 0x200], ['POLLMSG', 0x400],
  ['POLLREMOVE', 0x1000], ['POLLRDHUP', 0x2000], ['POLL_BUSY_LOOP', 0x8000],
];

/** Reads guest memory for a strace text; a bad pointer prints as the address, as strace does. */
function shown(addr: bigint, f: (a: number) => string): string {
  if (addr === 0n) return 'NULL';
  try { return f(Number(addr)); } catch { return hex(addr); }
}

/** A pollfd array: at entry fd and events; at exit the entries with revents. */
function pollfdText(c: Call, raw: bigint, n: number, exit: boolean): string {
  return shown(raw, (addr) => {
    const out: string[] = [];
    for (let i = 0; i < Math.min(n, 1024); i++) {
      const a = addr + i * 8;
      const fd = c.mem.readU32(a) | 0;
      if (exit) {
        const rev = c.mem.readU16(a + 6);
        if (rev) out.push(`{fd=${fd}, revents=${flagNames(rev, POLL_NAMES)}}`);
      } else {
        out.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${flagNames(c.mem.readU16(a + 4), POLL_NAMES)}}`);
      }
    }
    return `[${out.join(', ')}${n > 1024 ? ', ...' : ''}]`;
  });
}

function timeText(c: Call, raw: bigint, micro: boolean): string {
  return shown(raw, (addr) => `{tv_sec=${BigInt.asIntN(64, c.mem.readU64(addr))}, ${micro ? 'tv_usec' : 'tv_nsec'}=${BigInt.asIntN(64, c.mem.readU64(addr + 8))}}`);
}

/** An fd_set as strace shows it: [3 4]. */
function fdsetText(c: Call, raw: bigint, nfds: number): string {
  return shown(raw, (addr) => {
    const n = Math.max(0, Math.min(nfds, 65536));
    const b = n ? c.mem.read(addr, Math.ceil(n / 64) * 8) : new Uint8Array(0);
    const fds: number[] = [];
    for (let fd = 0; fd < n; fd++) if (b[fd >> 3] & (1 << (fd & 7))) fds.push(fd);
    return `[${fds.join(' ')}]`;
  });
}

/** poll/ppoll's line: the array at entry; after the return the ready entries and the time left. */
function notePoll(c: Call, tsArg: number | undefined): void {
  if (!c.kernel.strace) return;
  const addr = c.args[0], n = c.u32(1);
  const args: string[] = [];
  args[0] = pollfdText(c, addr, n, false);
  const ts = tsArg === undefined ? 0n : c.args[tsArg];
  if (tsArg !== undefined) args[tsArg] = timeText(c, ts, false);
  straceNotes.set(c.args, {
    args,
    suffix: (ret) => {
      if (ret === 0n) return ' (Timeout)';
      if (BigInt.asIntN(64, ret) < 0n) return '';
      return ` (${pollfdText(c, addr, n, true)}${ts ? `, left ${timeText(c, ts, false)}` : ''})`;
    },
  });
}

const EPOLL_NAMES: Array<[string, number]> = [
  ['EPOLLIN', 0x1], ['EPOLLPRI', 0x2], ['EPOLLOUT', 0x4], ['EPOLLERR', 0x8], ['EPOLLHUP', 0x10], ['EPOLLNVAL', 0x20],
  ['EPOLLRDNORM', 0x40], ['EPOLLRDBAND', 0x80], ['EPOLLWRNORM', 0x100], ['EPOLLWRBAND', 0x200], ['EPOLLMSG', 0x400],
  ['EPOLLRDHUP', 0x2000], ['EPOLLEXCLUSIVE', 1 << 28], ['EPOLLWAKEUP', 1 << 29], ['EPOLLONESHOT', 1 << 30], ['EPOLLET', 2 ** 31],
];

/** epoll_event structs (the arch's layout: packed 12 bytes on x86-64, 16 on aarch64): {events=..., data={u32=.., u64=..}}. */
function epollEventsText(c: Call, raw: bigint, n: number, array: boolean): string {
  return shown(raw, (addr) => {
    const L = layouts(c).epoll_event;
    const out: string[] = [];
    for (let i = 0; i < Math.min(n, 1024); i++) {
      const a = addr + i * L.size;
      const ev = c.mem.readU32(a + L.fields.events.offset);
      const data = c.mem.readU64(a + L.fields.data.offset);
      out.push(`{events=${flagNames(ev, EPOLL_NAMES)}, data={u32=${Number(data & 0xffffffffn)}, u64=${data}}}`);
    }
    return array ? `[${out.join(', ')}]` : out[0];
  });
}

/** epoll_wait/epoll_pwait(2)'s line: the events written, shown after the return. */
function noteEpollWait(c: Call): void {
  if (!c.kernel.strace) return;
  const raw = c.args[1];
  straceNotes.set(c.args, { args: [undefined, (ret) => (ret === undefined || BigInt.asIntN(64, ret) < 0n ? hex(raw) : epollEventsText(c, raw, Number(ret), true))] });
}

/** select/pselect6's line: the sets and timeout at entry; `(in [3], out [4], left {...})` after. */
function noteSelect(c: Call, micro: boolean): void {
  if (!c.kernel.strace) return;
  const nfds = c.i32(0);
  const sets = [c.args[1], c.args[2], c.args[3]];
  const ts = c.args[4];
  const args: string[] = [];
  sets.forEach((a, i) => { args[i + 1] = fdsetText(c, a, nfds); });
  args[4] = timeText(c, ts, micro);
  if (!micro) {
    args[5] = shown(c.args[5], (sig) => {
      const ss = c.mem.readU64(sig), len = c.mem.readU64(sig + 8);
      return `{sigmask=${shown(ss, (a) => sigsetValue(c.mem.readU64(a)))}, sigsetsize=${len}}`;
    });
  }
  straceNotes.set(c.args, {
    args,
    suffix: (ret) => {
      if (ret === 0n) return ' (Timeout)';
      if (BigInt.asIntN(64, ret) < 0n) return '';
      const parts: string[] = [];
      ['in', 'out', 'except'].forEach((name, i) => {
        if (!sets[i]) return;
        const t = fdsetText(c, sets[i], nfds);
        if (t !== '[]') parts.push(`${name} ${t}`);
      });
      if (ts) parts.push(`left ${timeText(c, ts, micro)}`);
      return ` (${parts.join(', ')})`;
    },
  });
}

/**
 * Reads a timespec (or timeval when micro) as a deadline on the host's monotonic clock;
 * undefined = forever. select's timeval may carry tv_usec >= 1000000 (Linux normalizes it);
 * a timespec's tv_nsec must be below 10^9.
 */
function deadlineOf(c: Call, addr: number, micro: boolean): number | undefined {
  if (addr === 0) return undefined;
  const sec = BigInt.asIntN(64, c.mem.readU64(addr));
  const frac = BigInt.asIntN(64, c.mem.readU64(addr + 8));
  if (sec < 0n || frac < 0n || (!micro && frac >= 1_000_000_000n)) throw new SysError(Errno.EINVAL);
  return performance.now() + Number(sec) * 1000 + Number(frac) / (micro ? 1000 : 1e6);
}

/** The timeout argument as a deadline, plus how to write back the time left (select, pselect6, ppoll). */
interface Timeout {
  deadline: number | undefined;
  /** Writes the time left at return (Linux's poll_select_finish); absent for poll, epoll and a zero or null timeout. */
  writeLeft?: () => void;
}

function timeoutOf(c: Call, addr: number, micro: boolean): Timeout {
  const deadline = deadlineOf(c, addr, micro);
  if (deadline === undefined) return { deadline };
  // "No update for zero timeout", as Linux
  if (c.mem.readU64(addr) === 0n && c.mem.readU64(addr + 8) === 0n) return { deadline };
  return {
    deadline,
    writeLeft: () => {
      const leftNs = BigInt(Math.max(0, Math.floor((deadline - performance.now()) * 1e6)));
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, leftNs / 1_000_000_000n, true);
      dv.setBigInt64(8, micro ? (leftNs % 1_000_000_000n) / 1000n : leftNs % 1_000_000_000n, true);
      try { c.write(addr, b); } catch { /* Linux ignores a timeout it cannot write back */ }
    },
  };
}

/**
 * The signal mask argument of ppoll, pselect6 and epoll_pwait(2) (undefined: none given).
 * EINVAL unless its size is the kernel's sigset_t (8 bytes).
 */
function sigmaskArg(c: Call, addr: number, size: number): bigint | undefined {
  if (addr === 0) return undefined;
  if (size !== 8) throw new SysError(Errno.EINVAL);
  return c.mem.readU64(addr);
}

interface WaitOpts {
  /** A mask to wait with (ppoll, pselect6, epoll_pwait): installed for the wait, the old one restored after. */
  sigmask?: bigint;
  timeout?: Timeout;
}

/**
 * Checks readiness now; if nothing is ready and time remains, waits on every file's watch() and
 * retries. check() returns the count of ready entries (writing results to guest memory) and the
 * files to watch.
 *
 * A signal mask given to the call is installed when the call has to wait and stays installed
 * until it returns, as Linux's set_user_sigmask: a signal it unblocks ends the wait with EINTR
 * and its handler runs, and the frame saves the caller's mask (sigframe's savedSigmask), which
 * rt_sigreturn then restores. Any other return restores the caller's mask at once, so a signal
 * the mask unblocked but that did not interrupt stays pending (restore_saved_sigmask_unless).
 */
function waitLoop(c: Call, check: (final: boolean) => { n: number; files: FileDescription[] }, deadline: number | undefined, what: string, opts: WaitOpts = {}): SyscallResult {
  const t = c.task;
  let saved: bigint | undefined;
  const restore = () => {
    if (saved === undefined) return;
    t.sigmask = saved;
    if (savedSigmask.get(t) === saved) savedSigmask.delete(t);
    saved = undefined;
  };
  const attempt = (timedOut: boolean): SyscallResult => {
    const expired = timedOut || (deadline !== undefined && performance.now() >= deadline);
    let r: { n: number; files: FileDescription[] };
    try {
      r = check(expired);
    } catch (e) {
      restore();
      opts.timeout?.writeLeft?.();
      throw e;
    }
    if (r.n > 0 || expired) {
      restore();
      opts.timeout?.writeLeft?.();
      return r.n;
    }
    if (opts.sigmask !== undefined && saved === undefined) {
      saved = t.sigmask;
      savedSigmask.set(t, saved);
      t.sigmask = opts.sigmask & ~UNBLOCKABLE;
    }
    return readinessBlock<SyscallResult>(r.files, attempt, {
      deadline, restart: 'eintr', what,
      // the signal's frame keeps the caller's mask (savedSigmask); the time left is written as on any return
      onEintr: () => { saved = undefined; opts.timeout?.writeLeft?.(); },
    });
  };
  return attempt(false);
}

function pollImpl(c: Call, addr: number, nfds: number, deadline: number | undefined, opts: WaitOpts = {}): SyscallResult {
  if (nfds < 0 || nfds > c.tg.fds.limit) throw new SysError(Errno.EINVAL);
  if (nfds > 0) c.mem.check(addr, nfds * 8, 'w');
  return waitLoop(c, () => {
    let n = 0;
    const files: FileDescription[] = [];
    for (let i = 0; i < nfds; i++) {
      const a = addr + i * 8;
      const fd = c.mem.readU32(a) | 0;
      const events = c.mem.readU16(a + 4);
      let rev = 0;
      if (fd >= 0) {
        if (!c.tg.fds.has(fd)) rev = POLLNVAL;
        else {
          const f = c.tg.fds.get(fd);
          rev = f.poll(events) & (events | ALWAYS);
          files.push(f);
        }
      }
      c.mem.writeU16(a + 6, rev);
      if (rev) n++;
    }
    return { n, files };
  }, deadline, 'poll', opts);
}

export function sys_poll(c: Call): SyscallResult {
  notePoll(c, undefined);
  const ms = c.i32(2);
  return pollImpl(c, c.num(0), c.i32(1), ms < 0 ? undefined : performance.now() + ms);
}

/** ppoll: a timespec timeout (the time left is written back) and a signal mask for the wait. */
export function sys_ppoll(c: Call): SyscallResult {
  notePoll(c, 2);
  const timeout = timeoutOf(c, c.num(2), false);
  const sigmask = sigmaskArg(c, c.num(3), c.num(4));
  return pollImpl(c, c.num(0), c.i32(1), timeout.deadline, { sigmask, timeout });
}

const SEL_IN = POLLIN | POLLRDNORM | POLLHUP | POLLERR, SEL_OUT = POLLOUT | POLLWRNORM | POLLERR, SEL_EX = POLLPRI;

function selectImpl(c: Call, nfds: number, rAddr: number, wAddr: number, eAddr: number, deadline: number | undefined, opts: WaitOpts): SyscallResult {
  if (nfds < 0 || nfds > c.tg.fds.limit) throw new SysError(Errno.EINVAL);
  const bytes = Math.ceil(nfds / 64) * 8;
  const load = (a: number) => (a && bytes ? c.read(a, bytes).slice() : undefined);
  const rIn = load(rAddr), wIn = load(wAddr), eIn = load(eAddr);
  const isSet = (s: Uint8Array | undefined, fd: number) => !!s && (s[fd >> 3] & (1 << (fd & 7))) !== 0;
  // Every fd named in a set must be open (EBADF), checked before waiting.
  for (let fd = 0; fd < nfds; fd++) if ((isSet(rIn, fd) || isSet(wIn, fd) || isSet(eIn, fd)) && !c.tg.fds.has(fd)) throw new SysError(Errno.EBADF);
  for (const a of [rAddr, wAddr, eAddr]) if (a && bytes) c.mem.check(a, bytes, 'w');
  return waitLoop(c, (final) => {
    const rOut = new Uint8Array(bytes), wOut = new Uint8Array(bytes), eOut = new Uint8Array(bytes);
    let n = 0;
    const files: FileDescription[] = [];
    for (let fd = 0; fd < nfds; fd++) {
      const r = isSet(rIn, fd), w = isSet(wIn, fd), e = isSet(eIn, fd);
      if (!r && !w && !e) continue;
      if (!c.tg.fds.has(fd)) throw new SysError(Errno.EBADF);
      const f = c.tg.fds.get(fd);
      files.push(f);
      const rev = f.poll((r ? POLLIN : 0) | (w ? POLLOUT : 0) | (e ? POLLPRI : 0));
      const bit = 1 << (fd & 7);
      if (r && rev & SEL_IN) { rOut[fd >> 3] |= bit; n++; }
      if (w && rev & SEL_OUT) { wOut[fd >> 3] |= bit; n++; }
      if (e && rev & SEL_EX) { eOut[fd >> 3] |= bit; n++; }
    }
    if (n > 0 || final) {
      if (rAddr && bytes) c.write(rAddr, rOut);
      if (wAddr && bytes) c.write(wAddr, wOut);
      if (eAddr && bytes) c.write(eAddr, eOut);
    }
    return { n, files };
  }, deadline, 'select', opts);
}

/** select: a timeval timeout; the raw call writes back the time left (glibc passes it on). */
export function sys_select(c: Call): SyscallResult {
  noteSelect(c, true);
  const timeout = timeoutOf(c, c.num(4), true);
  return selectImpl(c, c.i32(0), c.num(1), c.num(2), c.num(3), timeout.deadline, { timeout });
}

/**
 * pselect6: a timespec timeout (written back with the time left, as the raw call does; glibc's
 * pselect hides it) and a sixth argument {const sigset_t *ss; size_t ss_len}.
 */
export function sys_pselect6(c: Call): SyscallResult {
  noteSelect(c, false);
  const timeout = timeoutOf(c, c.num(4), false);
  const sig = c.num(5);
  let sigmask: bigint | undefined;
  if (sig !== 0) sigmask = sigmaskArg(c, c.mem.readU64Num(sig), c.mem.readU64Num(sig + 8));
  return selectImpl(c, c.i32(0), c.num(1), c.num(2), c.num(3), timeout.deadline, { sigmask, timeout });
}

const EFD_CLOEXEC = 0o2000000, EFD_NONBLOCK = 0o4000;

function eventfdImpl(c: Call, init: number, flags: number): SyscallResult {
  if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE)) throw new SysError(Errno.EINVAL);
  const f = new EventFd(BigInt(init >>> 0), (flags & EFD_SEMAPHORE) !== 0, flags & EFD_NONBLOCK);
  return c.tg.fds.add(f, (flags & EFD_CLOEXEC) !== 0);
}

export const sys_eventfd = (c: Call): SyscallResult => eventfdImpl(c, c.u32(0), 0);
export const sys_eventfd2 = (c: Call): SyscallResult => eventfdImpl(c, c.u32(0), c.i32(1));

// ---- epoll -------------------------------------------------------------------------------------

const EPOLL_CLOEXEC = 0o2000000;

export function sys_epoll_create(c: Call): SyscallResult {
  if (c.i32(0) <= 0) throw new SysError(Errno.EINVAL);
  return c.tg.fds.add(new EpollFile(0));
}

export function sys_epoll_create1(c: Call): SyscallResult {
  const flags = c.i32(0);
  if (c.kernel.strace) straceNotes.set(c.args, { args: [flags === EPOLL_CLOEXEC ? 'EPOLL_CLOEXEC' : flagNames(flags, [['EPOLL_CLOEXEC', EPOLL_CLOEXEC]])] });
  if (flags & ~EPOLL_CLOEXEC) throw new SysError(Errno.EINVAL);
  return c.tg.fds.add(new EpollFile(0), (flags & EPOLL_CLOEXEC) !== 0);
}

function epollOf(c: Call, n: number): EpollFile {
  const f = c.tg.fds.get(c.i32(n));
  if (!(f instanceof EpollFile)) throw new SysError(Errno.EINVAL);
  return f;
}

export function sys_epoll_ctl(c: Call): SyscallResult {
  const op = c.i32(1), fd = c.i32(2);
  if (c.kernel.strace) {
    const name = ['EPOLL_CTL_ADD', 'EPOLL_CTL_DEL', 'EPOLL_CTL_MOD'][op - 1] ?? String(op);
    straceNotes.set(c.args, { args: [undefined, name, undefined, epollEventsText(c, c.args[3], 1, false)] });
  }
  const ep = epollOf(c, 0);
  const f = c.tg.fds.get(fd);
  if (f === ep) throw new SysError(Errno.EINVAL);
  const L = layouts(c).epoll_event;
  let events = 0, data = 0n;
  if (op !== 2) {
    const b = c.read(c.num(3), L.size);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    events = dv.getUint32(L.fields.events.offset, true);
    data = dv.getBigUint64(L.fields.data.offset, true);
  }
  const type = f.stat().mode & 0o170000;
  if (type === 0o100000 || type === 0o040000) throw new SysError(Errno.EPERM); // regular files and directories can't be watched
  const cur = ep.interest.get(fd);
  const live = cur && c.tg.fds.has(fd) && c.tg.fds.get(fd) === cur.file;
  switch (op) {
    case 1: // EPOLL_CTL_ADD
      if (live) throw new SysError(Errno.EEXIST);
      if (f instanceof EpollFile && f.files().includes(ep)) throw new SysError(Errno.ELOOP);
      ep.interest.set(fd, { fd, file: f, events, data, disarmed: false });
      return 0;
    case 2: // EPOLL_CTL_DEL
      if (!live) throw new SysError(Errno.ENOENT);
      ep.interest.delete(fd);
      return 0;
    case 3: // EPOLL_CTL_MOD
      if (!live) throw new SysError(Errno.ENOENT);
      if (events & EPOLLEXCLUSIVE) throw new SysError(Errno.EINVAL);
      ep.interest.set(fd, { fd, file: f, events, data, disarmed: false });
      return 0;
    default:
      throw new SysError(Errno.EINVAL);
  }
}

function epollWait(c: Call, deadline: number | undefined, opts: WaitOpts = {}): SyscallResult {
  const ep = epollOf(c, 0);
  const addr = c.num(1), max = c.i32(2);
  if (max <= 0 || max > 0x7fffffff / 16) throw new SysError(Errno.EINVAL);
  const L = layouts(c).epoll_event;
  c.mem.check(addr, L.size * Math.min(max, 1024), 'w');
  return waitLoop(c, () => {
    const ready = ep.ready(Math.min(max, 1024), (fd, f) => c.tg.fds.has(fd) && c.tg.fds.get(fd) === f);
    if (ready.length) {
      const out = new Uint8Array(L.size * ready.length);
      const dv = new DataView(out.buffer);
      ready.forEach(([ev, data], i) => { dv.setUint32(i * L.size + L.fields.events.offset, ev, true); dv.setBigUint64(i * L.size + L.fields.data.offset, data, true); });
      c.write(addr, out);
    }
    return { n: ready.length, files: ep.files() };
  }, deadline, 'epoll_wait', opts);
}

export function sys_epoll_wait(c: Call): SyscallResult {
  noteEpollWait(c);
  const ms = c.i32(3);
  return epollWait(c, ms < 0 ? undefined : performance.now() + ms);
}

/** epoll_pwait: a signal mask for the wait (ms timeout, never written back). */
export function sys_epoll_pwait(c: Call): SyscallResult {
  noteEpollWait(c);
  const sigmask = sigmaskArg(c, c.num(4), c.num(5));
  const ms = c.i32(3);
  return epollWait(c, ms < 0 ? undefined : performance.now() + ms, { sigmask });
}

/** epoll_pwait2: a timespec timeout (not written back) and a signal mask. */
export function sys_epoll_pwait2(c: Call): SyscallResult {
  noteEpollWait(c);
  const sigmask = sigmaskArg(c, c.num(4), c.num(5));
  return epollWait(c, deadlineOf(c, c.num(3), false), { sigmask });
}
