// poll, ppoll, select, pselect6 (over the readiness interface of file descriptions:
// FileDescription.poll / watch), eventfd and eventfd2.
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { EventFd, EFD_SEMAPHORE } from '../files/eventfd.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, type FileDescription } from '../files/file.js';
import { readinessBlock } from '../files/waitqueue.js';
import { EPOLLEXCLUSIVE, EpollFile } from '../files/epoll.js';
import type { Call } from './types.js';
import { layouts } from './util.js';

const ALWAYS = POLLERR | POLLHUP | POLLNVAL;

/** Reads a timespec (or timeval when micro) as a deadline on the host's monotonic clock; undefined = forever. */
function deadlineOf(c: Call, addr: number, micro: boolean): number | undefined {
  if (addr === 0) return undefined;
  const sec = BigInt.asIntN(64, c.mem.readU64(addr));
  const frac = BigInt.asIntN(64, c.mem.readU64(addr + 8));
  if (sec < 0n || frac < 0n || frac >= (micro ? 1_000_000n : 1_000_000_000n)) throw new SysError(Errno.EINVAL);
  return performance.now() + Number(sec) * 1000 + Number(frac) / (micro ? 1000 : 1e6);
}

/**
 * Checks readiness now; if nothing is ready and time remains, waits on every file's watch() and
 * retries. check() returns the count of ready entries (writing results to guest memory) and the
 * files to watch.
 */
function waitLoop(c: Call, check: (final: boolean) => { n: number; files: FileDescription[] }, deadline: number | undefined, what: string): SyscallResult {
  const attempt = (timedOut: boolean): SyscallResult => {
    const expired = timedOut || (deadline !== undefined && performance.now() >= deadline);
    const r = check(expired);
    if (r.n > 0 || expired) return r.n;
    return readinessBlock<SyscallResult>(r.files, attempt, { deadline, restart: 'eintr', what });
  };
  return attempt(false);
}

function pollImpl(c: Call, addr: number, nfds: number, deadline: number | undefined): SyscallResult {
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
  }, deadline, 'poll');
}

export function sys_poll(c: Call): SyscallResult {
  const ms = c.i32(2);
  return pollImpl(c, c.num(0), c.i32(1), ms < 0 ? undefined : performance.now() + ms);
}

/** ppoll: a timespec timeout; the signal mask argument is checked but not applied during the wait. */
export function sys_ppoll(c: Call): SyscallResult {
  if (c.num(3) !== 0 && c.num(4) !== 8) throw new SysError(Errno.EINVAL);
  return pollImpl(c, c.num(0), c.i32(1), deadlineOf(c, c.num(2), false));
}

const SEL_IN = POLLIN | POLLRDNORM | POLLHUP | POLLERR, SEL_OUT = POLLOUT | POLLWRNORM | POLLERR, SEL_EX = POLLPRI;

function selectImpl(c: Call, nfds: number, rAddr: number, wAddr: number, eAddr: number, deadline: number | undefined): SyscallResult {
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
  }, deadline, 'select');
}

export function sys_select(c: Call): SyscallResult {
  return selectImpl(c, c.i32(0), c.num(1), c.num(2), c.num(3), deadlineOf(c, c.num(4), true));
}

/** pselect6: the sixth argument is {const sigset_t *ss; size_t ss_len}; the mask is not applied. */
export function sys_pselect6(c: Call): SyscallResult {
  const sig = c.num(5);
  if (sig !== 0) {
    const ss = c.mem.readU64Num(sig), len = c.mem.readU64Num(sig + 8);
    if (ss !== 0 && len !== 8) throw new SysError(Errno.EINVAL);
  }
  return selectImpl(c, c.i32(0), c.num(1), c.num(2), c.num(3), deadlineOf(c, c.num(4), false));
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
  if (flags & ~EPOLL_CLOEXEC) throw new SysError(Errno.EINVAL);
  return c.tg.fds.add(new EpollFile(0), (flags & EPOLL_CLOEXEC) !== 0);
}

function epollOf(c: Call, n: number): EpollFile {
  const f = c.tg.fds.get(c.i32(n));
  if (!(f instanceof EpollFile)) throw new SysError(Errno.EINVAL);
  return f;
}

export function sys_epoll_ctl(c: Call): SyscallResult {
  const ep = epollOf(c, 0);
  const op = c.i32(1), fd = c.i32(2);
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

function epollWait(c: Call, deadline: number | undefined): SyscallResult {
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
  }, deadline, 'epoll_wait');
}

export function sys_epoll_wait(c: Call): SyscallResult {
  const ms = c.i32(3);
  return epollWait(c, ms < 0 ? undefined : performance.now() + ms);
}

/** epoll_pwait: the signal mask is checked but not applied during the wait. */
export function sys_epoll_pwait(c: Call): SyscallResult {
  if (c.num(4) !== 0 && c.num(5) !== 8) throw new SysError(Errno.EINVAL);
  const ms = c.i32(3);
  return epollWait(c, ms < 0 ? undefined : performance.now() + ms);
}

export function sys_epoll_pwait2(c: Call): SyscallResult {
  if (c.num(4) !== 0 && c.num(5) !== 8) throw new SysError(Errno.EINVAL);
  return epollWait(c, deadlineOf(c, c.num(3), false));
}
