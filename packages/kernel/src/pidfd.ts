// pidfds (pidfd_open, clone's CLONE_PIDFD): a file description that names one process by
// reference, not by number, so a pid reused later is never signalled by mistake. It holds the
// ThreadGroup itself: pidfd_send_signal and pidfd_getfd act on it while it lives (ESRCH after),
// waitid(P_PIDFD) waits for it, and poll/select/epoll report it readable (POLLIN|POLLRDNORM)
// once it has exited, plus POLLHUP once it has been reaped, as Linux 6.9+ does. read/write are
// EINVAL (the base class). Every pidfd is close-on-exec.
import { FileDescription, POLLHUP, POLLIN, POLLRDNORM, synthStat, type StatInfo } from './files/file.js';
import { WaitQueue } from './files/waitqueue.js';
import type { Kernel } from './kernel.js';
import type { ThreadGroup } from './task.js';

export const PIDFD_NONBLOCK = 0o4000;

/** Pollers of each process's pidfds: notified when it exits and when it is reaped. */
const exitWatchers = new WeakMap<ThreadGroup, WaitQueue>();

function queueOf(tg: ThreadGroup): WaitQueue {
  let q = exitWatchers.get(tg);
  if (!q) exitWatchers.set(tg, (q = new WaitQueue()));
  return q;
}

/** process.ts calls this when tg exits and when it is reaped: pidfd pollers look again. */
export function pidfdNotify(tg: ThreadGroup): void {
  exitWatchers.get(tg)?.notify();
}

export class PidFd extends FileDescription {
  constructor(private readonly kernel: Kernel, readonly target: ThreadGroup, flags: number) {
    super((flags & PIDFD_NONBLOCK) | 2, 'anon_inode:[pidfd]');
  }

  /** Still in the process table (alive or a zombie). */
  get exists(): boolean {
    return this.kernel.groups.get(this.target.pid) === this.target;
  }

  override poll(): number {
    if (this.target.alive) return 0;
    return this.exists ? POLLIN | POLLRDNORM : POLLIN | POLLRDNORM | POLLHUP;
  }

  override watch(wake: () => void): () => void {
    return queueOf(this.target).watch(wake);
  }

  override stat(): StatInfo { return synthStat(0o600, 1, { dev: 14n }); }
}
