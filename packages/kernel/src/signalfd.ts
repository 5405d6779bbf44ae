// signalfd(2): a file description that reads pending signals instead of having them delivered.
// Like Linux, it has no queue of its own: read() dequeues, from the *reading* task's pending
// signals and then its process's, the first one in the fd's mask, and encodes it as a 128-byte
// struct signalfd_siginfo; several records fit in one read. The program normally blocks those
// signals with sigprocmask, else they are delivered before a read can see them. Readiness (poll,
// select, epoll) is POLLIN while such a signal is pending for the task asking; sendSignal wakes
// the watchers of the target process (noteSignalSent -> signalQueue).
import { Errno, SysError } from './errors.js';
import { FileDescription, POLLIN, POLLRDNORM, synthStat, type ReadResult, type StatInfo } from './files/file.js';
import { readinessBlock } from './files/waitqueue.js';
import type { Kernel } from './kernel.js';
import { UNBLOCKABLE, sigBit, signalQueue } from './signals.js';
import type { SigInfo, Task } from './task.js';

export const SFD_NONBLOCK = 0o4000;
export const SFD_CLOEXEC = 0o2000000;
export const SIGNALFD_SIGINFO_SIZE = 128;

/** struct signalfd_siginfo for one signal, filled per siginfo_layout as signalfd_copyinfo does. */
export function encodeSignalfdSiginfo(s: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGNALFD_SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, s.signo, true);
  dv.setInt32(4, s.errno ?? 0, true);
  dv.setInt32(8, s.code, true);
  const fault = [4, 5, 7, 8, 11].includes(s.signo) && s.code > 0 && s.code < 0x80;
  const chld = s.signo === 17 && s.code > 0 && s.code < 0x80;
  if (fault) {
    dv.setBigUint64(72, BigInt(s.addr ?? 0), true); // ssi_addr
  } else if (s.code === -2 /* SI_TIMER */) {
    dv.setUint32(24, s.timerId ?? 0, true); // ssi_tid
    dv.setUint32(32, s.overrun ?? 0, true); // ssi_overrun
    dv.setBigUint64(48, s.value ?? 0n, true); // ssi_ptr
    dv.setInt32(44, Number(BigInt.asIntN(32, s.value ?? 0n)), true); // ssi_int
  } else {
    dv.setUint32(12, s.pid ?? 0, true); // ssi_pid
    dv.setUint32(16, s.uid ?? 0, true); // ssi_uid
    if (chld) {
      dv.setInt32(40, s.status ?? 0, true); // ssi_status (utime/stime: 0)
    } else if (s.code < 0) {
      dv.setBigUint64(48, s.value ?? 0n, true); // ssi_ptr
      dv.setInt32(44, Number(BigInt.asIntN(32, s.value ?? 0n)), true); // ssi_int
    }
  }
  return b;
}

export class SignalFd extends FileDescription {
  constructor(private readonly kernel: Kernel, public mask: bigint, flags: number) {
    super((flags & SFD_NONBLOCK) | 2, 'anon_inode:[signalfd]');
  }

  /** The task reading or polling: the one in a syscall now. */
  private get task(): Task | undefined {
    return this.kernel.current;
  }

  private pendingIn(t: Task): boolean {
    for (const s of t.pending) if (this.mask & sigBit(s.signo)) return true;
    for (const s of t.tg.pending) if (this.mask & sigBit(s.signo)) return true;
    return false;
  }

  private dequeue(t: Task): SigInfo | undefined {
    for (const q of [t.pending, t.tg.pending]) {
      const i = q.findIndex((s) => (this.mask & sigBit(s.signo)) !== 0n);
      if (i >= 0) return q.splice(i, 1)[0];
    }
    return undefined;
  }

  override read(len: number): ReadResult {
    if (len < SIGNALFD_SIGINFO_SIZE) throw new SysError(Errno.EINVAL);
    const t = this.task;
    if (!t) throw new SysError(Errno.EAGAIN);
    const n = Math.floor(len / SIGNALFD_SIGINFO_SIZE);
    const recs: Uint8Array[] = [];
    for (let s = this.dequeue(t); s; s = recs.length < n ? this.dequeue(t) : undefined) recs.push(encodeSignalfdSiginfo(s));
    if (!recs.length) {
      if (this.flags & SFD_NONBLOCK) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], () => this.read(len), { what: 'read signalfd' });
    }
    const out = new Uint8Array(recs.length * SIGNALFD_SIGINFO_SIZE);
    recs.forEach((r, i) => out.set(r, i * SIGNALFD_SIGINFO_SIZE));
    return out;
  }

  override poll(): number {
    const t = this.task;
    return t && this.pendingIn(t) ? POLLIN | POLLRDNORM : 0;
  }

  override watch(wake: () => void): () => void {
    const t = this.task;
    if (!t) return () => {};
    return signalQueue(t.tg).watch(wake);
  }

  override stat(): StatInfo { return synthStat(0o600, 1, { dev: 14n }); }
}

/** The mask a signalfd accepts: SIGKILL and SIGSTOP are silently dropped. */
export const signalfdMask = (m: bigint): bigint => m & ~UNBLOCKABLE;
