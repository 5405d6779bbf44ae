// rt_sigaction, rt_sigprocmask, rt_sigpending, sigaltstack, kill, tgkill, tkill.
// rt_sigreturn, rt_sigsuspend, pause, rt_sigtimedwait, rt_sigqueueinfo, alarm, setitimer, getitimer,
// signalfd / signalfd4 (the file description is signalfd.ts).
// Handlers run through the frames of sigframe/ (the kernel's SignalDelivery).
import { SIG_HOW } from '@elfbox/abi';
import { Block, NO_RETURN, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { ITIMER_REAL, itimers, timerNow, type ITimer } from '../itimer.js';
import { encodeSiginfo, savedSigmask, sigreturn, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, altstackFlags, onAltstack } from '../sigframe/index.js';
import { SFD_CLOEXEC, SFD_NONBLOCK, SignalFd, signalfdMask } from '../signalfd.js';
import { SI, SIGKILL, SIGSTOP, UNBLOCKABLE, sigBit, sigWaiters } from '../signals.js';
import type { SigInfo } from '../task.js';
import type { Call } from './types.js';
import { getStruct, putStruct } from './util.js';

const SIGSET_SIZE = 8;

function checkSig(sig: number): void {
  if (!(sig >= 1 && sig <= 64)) throw new SysError(Errno.EINVAL);
}

export function sys_rt_sigaction(c: Call): SyscallResult {
  const sig = c.i32(0), act = c.num(1), oact = c.num(2);
  if (c.num(3) !== SIGSET_SIZE) throw new SysError(Errno.EINVAL);
  checkSig(sig);
  const actions = c.tg.sighand.actions;
  let next;
  if (act) {
    if (sig === SIGKILL || sig === SIGSTOP) throw new SysError(Errno.EINVAL);
    const v = getStruct(c, 'sigaction', act);
    next = { handler: v.sa_handler as bigint, flags: v.sa_flags as bigint, restorer: v.sa_restorer as bigint, mask: (v.sa_mask as bigint) & ~UNBLOCKABLE };
  }
  if (oact) {
    const o = actions[sig];
    putStruct(c, 'sigaction', oact, { sa_handler: o.handler, sa_flags: o.flags, sa_restorer: o.restorer, sa_mask: o.mask });
  }
  if (next) actions[sig] = next;
  return 0;
}

export function sys_rt_sigprocmask(c: Call): SyscallResult {
  const how = c.i32(0), set = c.num(1), oset = c.num(2);
  if (c.num(3) !== SIGSET_SIZE) throw new SysError(Errno.EINVAL);
  const t = c.task;
  let next = t.sigmask;
  if (set) {
    const s = c.mem.readU64(set);
    if (how === SIG_HOW.SIG_BLOCK) next = t.sigmask | s;
    else if (how === SIG_HOW.SIG_UNBLOCK) next = t.sigmask & ~s;
    else if (how === SIG_HOW.SIG_SETMASK) next = s;
    else throw new SysError(Errno.EINVAL);
  }
  if (oset) c.mem.writeU64(oset, t.sigmask);
  t.sigmask = next & ~UNBLOCKABLE;
  return 0;
}

export function sys_rt_sigpending(c: Call): SyscallResult {
  if (c.num(1) !== SIGSET_SIZE) throw new SysError(Errno.EINVAL);
  let set = 0n;
  for (const s of [...c.task.pending, ...c.tg.pending]) set |= 1n << BigInt(s.signo - 1);
  c.mem.writeU64(c.num(0), set & c.task.sigmask);
  return 0;
}

/** sigaltstack: the alternate stack handlers with SA_ONSTACK run on (SS_AUTODISARM supported). */
export function sys_sigaltstack(c: Call): SyscallResult {
  const ss = c.num(0), old = c.num(1);
  const t = c.task;
  const MINSIGSTKSZ = c.tg.arch.arch === 'aarch64' ? 5120 : 2048;
  const sp = c.tg.arch.getSp(c.cpu);
  let next: { sp: bigint; flags: number; size: bigint } | undefined | null = null;
  if (ss) {
    const v = getStruct(c, 'stack_t', ss);
    const flags = v.ss_flags as number;
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) throw new SysError(Errno.EINVAL);
    if (onAltstack(t, sp)) throw new SysError(Errno.EPERM);
    if (mode === SS_DISABLE) next = undefined;
    else {
      if ((v.ss_size as bigint) < BigInt(MINSIGSTKSZ)) throw new SysError(Errno.ENOMEM);
      next = { sp: v.ss_sp as bigint, flags: flags & SS_AUTODISARM, size: v.ss_size as bigint };
    }
  }
  if (old) {
    const a = t.altstack;
    putStruct(c, 'stack_t', old, a ? { ss_sp: a.sp, ss_flags: altstackFlags(t, sp) | a.flags, ss_size: a.size } : { ss_sp: 0n, ss_flags: SS_DISABLE, ss_size: 0n });
  }
  if (next !== null) t.altstack = next;
  return 0;
}

export function sys_kill(c: Call): SyscallResult {
  const pid = c.i32(0), sig = c.i32(1);
  if (sig < 0 || sig > 64) throw new SysError(Errno.EINVAL);
  const tg = pid === 0 || pid === -1 ? c.tg : c.kernel.groups.get(Math.abs(pid));
  if (!tg || !tg.alive) throw new SysError(Errno.ESRCH);
  c.kernel.sendSignal(tg, { signo: sig, code: SI.SI_USER, pid: c.tg.pid, uid: 0 });
  return 0;
}

export function sys_tgkill(c: Call): SyscallResult {
  const tgid = c.i32(0), tid = c.i32(1), sig = c.i32(2);
  if (sig < 0 || sig > 64 || tgid <= 0 || tid <= 0) throw new SysError(Errno.EINVAL);
  const t = c.kernel.tasks.get(tid);
  if (!t || t.tg.pid !== tgid) throw new SysError(Errno.ESRCH);
  c.kernel.sendSignal(t.tg, { signo: sig, code: SI.SI_TKILL, pid: c.tg.pid, uid: 0 }, t);
  return 0;
}

export function sys_tkill(c: Call): SyscallResult {
  const tid = c.i32(0), sig = c.i32(1);
  if (sig < 0 || sig > 64 || tid <= 0) throw new SysError(Errno.EINVAL);
  const t = c.kernel.tasks.get(tid);
  if (!t) throw new SysError(Errno.ESRCH);
  c.kernel.sendSignal(t.tg, { signo: sig, code: SI.SI_TKILL, pid: c.tg.pid, uid: 0 }, t);
  return 0;
}

// ---- handlers, waiting for signals, timers -----------------------------------------------------

/** rt_sigreturn: restores the frame the delivery built (sigframe/). */
export function sys_rt_sigreturn(c: Call): SyscallResult {
  const v = sigreturn(c.kernel, c.task);
  c.args[0] = c.task.sigmask; // strace shows the restored mask: rt_sigreturn({mask=[...]})
  return v === undefined ? NO_RETURN : v;
}

/** rt_sigsuspend: waits with a temporary mask until a signal runs a handler; always -EINTR. */
export function sys_rt_sigsuspend(c: Call): SyscallResult {
  if (c.num(1) !== SIGSET_SIZE) throw new SysError(Errno.EINVAL);
  const set = c.mem.readU64(c.num(0));
  const t = c.task;
  savedSigmask.set(t, t.sigmask);
  t.sigmask = set & ~UNBLOCKABLE;
  return new Block(() => -Errno.EINTR, { restart: 'eintr', what: 'rt_sigsuspend' });
}

export function sys_pause(): SyscallResult {
  return new Block(() => -Errno.EINTR, { restart: 'eintr', what: 'pause' });
}

/** Takes the first pending signal in set off the task's or the process's queue. */
function dequeue(c: Call, set: bigint): SigInfo | undefined {
  for (const q of [c.task.pending, c.tg.pending]) {
    const i = q.findIndex((s) => (set & sigBit(s.signo)) !== 0n);
    if (i >= 0) return q.splice(i, 1)[0];
  }
  return undefined;
}

/** rt_sigtimedwait: dequeues a signal of set (normally blocked) instead of delivering it. */
export function sys_rt_sigtimedwait(c: Call): SyscallResult {
  if (c.num(3) !== SIGSET_SIZE) throw new SysError(Errno.EINVAL);
  const set = c.mem.readU64(c.num(0)) & ~UNBLOCKABLE;
  const infoAddr = c.num(1), ts = c.num(2);
  const t = c.task;
  const take = (): SyscallResult | undefined => {
    const s = dequeue(c, set);
    if (!s) return undefined;
    if (infoAddr) c.write(infoAddr, encodeSiginfo(s));
    return s.signo;
  };
  const now = take();
  if (now !== undefined) return now;
  let deadline: number | undefined;
  if (ts) {
    const v = getStruct(c, 'timespec', ts);
    const sec = v.tv_sec as bigint, nsec = v.tv_nsec as bigint;
    if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) throw new SysError(Errno.EINVAL);
    const ms = Number(sec) * 1000 + Number(nsec) / 1e6;
    if (ms === 0) throw new SysError(Errno.EAGAIN);
    deadline = performance.now() + ms;
  }
  const wait = (): Block => {
    const b: Block = new Block((timedOut) => {
      sigWaiters.delete(t);
      const r = take();
      if (r !== undefined) return r;
      if (timedOut || (deadline !== undefined && performance.now() >= deadline)) return -Errno.EAGAIN;
      return wait();
    }, { deadline, restart: 'eintr', what: 'rt_sigtimedwait' });
    sigWaiters.set(t, { set, wake: () => b.wake() });
    return b;
  };
  return wait();
}

function readUserSiginfo(c: Call, sig: number, addr: number): SigInfo {
  const b = c.read(addr, 128);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const code = dv.getInt32(8, true);
  return { signo: sig, errno: dv.getInt32(4, true), code, pid: dv.getInt32(16, true), uid: dv.getUint32(20, true), value: dv.getBigUint64(24, true) };
}

/** rt_sigqueueinfo: a process-directed signal with the caller's siginfo (si_code must be negative unless to itself). */
export function sys_rt_sigqueueinfo(c: Call): SyscallResult {
  const pid = c.i32(0), sig = c.i32(1);
  if (sig < 0 || sig > 64) throw new SysError(Errno.EINVAL);
  const info = readUserSiginfo(c, sig, c.num(2));
  const tg = c.kernel.groups.get(pid);
  if (!tg || !tg.alive) throw new SysError(Errno.ESRCH);
  if ((info.code >= 0 || info.code === SI.SI_TKILL) && tg !== c.tg) throw new SysError(Errno.EPERM);
  c.kernel.sendSignal(tg, info);
  return 0;
}

export function sys_rt_tgsigqueueinfo(c: Call): SyscallResult {
  const tgid = c.i32(0), tid = c.i32(1), sig = c.i32(2);
  if (sig < 0 || sig > 64) throw new SysError(Errno.EINVAL);
  const info = readUserSiginfo(c, sig, c.num(3));
  const t = c.kernel.tasks.get(tid);
  if (!t || t.tg.pid !== tgid) throw new SysError(Errno.ESRCH);
  if ((info.code >= 0 || info.code === SI.SI_TKILL) && t.tg !== c.tg) throw new SysError(Errno.EPERM);
  c.kernel.sendSignal(t.tg, info, t);
  return 0;
}

const toUs = (ms: number): bigint => BigInt(Math.max(0, Math.round(ms * 1000)));

function itimerValue(t: ITimer, now: number): { value: bigint; interval: bigint } {
  const left = t.deadline === undefined ? 0 : Math.max(t.deadline - now, 0.001);
  return { value: toUs(left), interval: toUs(t.interval) };
}

function putItimerval(c: Call, addr: number, v: { value: bigint; interval: bigint }): void {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, v.interval / 1_000_000n, true);
  dv.setBigInt64(8, v.interval % 1_000_000n, true);
  dv.setBigInt64(16, v.value / 1_000_000n, true);
  dv.setBigInt64(24, v.value % 1_000_000n, true);
  c.write(addr, b);
}

function readTimeval(dv: DataView, off: number): number {
  const sec = dv.getBigInt64(off, true), usec = dv.getBigInt64(off + 8, true);
  if (sec < 0n || usec < 0n || usec >= 1_000_000n) throw new SysError(Errno.EINVAL);
  return Number(sec) * 1000 + Number(usec) / 1000;
}

export function sys_getitimer(c: Call): SyscallResult {
  const which = c.i32(0);
  if (which < 0 || which > 2) throw new SysError(Errno.EINVAL);
  putItimerval(c, c.num(1), itimerValue(itimers(c.tg)[which], timerNow(c.tg, which)));
  return 0;
}

export function sys_setitimer(c: Call): SyscallResult {
  const which = c.i32(0), nw = c.num(1), old = c.num(2);
  if (which < 0 || which > 2) throw new SysError(Errno.EINVAL);
  const t = itimers(c.tg)[which];
  let next: { value: number; interval: number } | undefined;
  if (nw) {
    const b = c.read(nw, 32);
    const dv = new DataView(b.buffer, b.byteOffset, 32);
    next = { interval: readTimeval(dv, 0), value: readTimeval(dv, 16) };
  }
  const now = timerNow(c.tg, which);
  if (old) putItimerval(c, old, itimerValue(t, now));
  if (next) {
    t.deadline = next.value > 0 ? now + next.value : undefined;
    t.interval = next.value > 0 ? next.interval : 0;
  }
  return 0;
}

/** alarm: ITIMER_REAL one-shot; returns the seconds left of the previous alarm (rounded as Linux does). */
export function sys_alarm(c: Call): SyscallResult {
  const secs = c.u32(0);
  const t = itimers(c.tg)[ITIMER_REAL];
  const { value } = itimerValue(t, performance.now());
  let left = Number(value / 1_000_000n);
  const usec = Number(value % 1_000_000n);
  if ((left === 0 && usec > 0) || usec >= 500_000) left++;
  t.deadline = secs > 0 ? performance.now() + secs * 1000 : undefined;
  t.interval = 0;
  return left;
}

// ---- signalfd ----------------------------------------------------------------------------------

function signalfdImpl(c: Call, fd: number, maskAddr: number, size: number, flags: number): SyscallResult {
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) throw new SysError(Errno.EINVAL);
  if (size !== SIGSET_SIZE) throw new SysError(Errno.EINVAL);
  const mask = signalfdMask(c.mem.readU64(maskAddr));
  if (fd !== -1) {
    const f = c.tg.fds.get(fd); // EBADF
    if (!(f instanceof SignalFd)) throw new SysError(Errno.EINVAL);
    f.mask = mask;
    return fd;
  }
  return c.tg.fds.add(new SignalFd(c.kernel, mask, flags & SFD_NONBLOCK), (flags & SFD_CLOEXEC) !== 0);
}

/** signalfd4: a new signalfd (fd -1) or a new mask for an existing one; SFD_NONBLOCK, SFD_CLOEXEC. */
export const sys_signalfd4 = (c: Call): SyscallResult => signalfdImpl(c, c.i32(0), c.num(1), c.num(2), c.i32(3));
export const sys_signalfd = (c: Call): SyscallResult => signalfdImpl(c, c.i32(0), c.num(1), c.num(2), 0);
