// epoll: an interest list of (fd, description) -> (events, data) over the readiness interface
// (FileDescription.poll / watch). Level-triggered entries are reported whenever poll() says so.
// Edge-triggered entries (EPOLLET) watch their file: a readiness change (data arrived, space
// freed, the peer closed) marks the entry pending, and epoll_wait reports a pending entry once,
// if poll() shows one of its events, then clears it and watches for the next change. So a
// server that reads until EAGAIN is woken again only by the next change, as on Linux (a spurious
// change can give one extra wakeup; it never loses one). EPOLLONESHOT disarms an entry after it
// is reported.
import { Errno, SysError } from '../errors.js';
import { FileDescription, POLLERR, POLLHUP, POLLIN, POLLRDNORM, synthStat, type StatInfo } from './file.js';

export const EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31, EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29;

export interface EpollEntry {
  fd: number;
  file: FileDescription;
  events: number;
  data: bigint;
  disarmed: boolean;
  /** EPOLLET: a readiness change happened since the entry was last reported. */
  pending?: boolean;
  /** EPOLLET: cancels the standing watch. */
  cancel?: () => void;
}

/**
 * The interest list: setting an EPOLLET entry makes it pending (it is reported once if ready);
 * replacing or deleting an entry cancels its watch.
 */
class InterestList extends Map<number, EpollEntry> {
  override set(fd: number, e: EpollEntry): this {
    const old = super.get(fd);
    if (old && old !== e) old.cancel?.();
    if (e.events & EPOLLET) e.pending = true;
    return super.set(fd, e);
  }

  override delete(fd: number): boolean {
    super.get(fd)?.cancel?.();
    return super.delete(fd);
  }

  override clear(): void {
    for (const e of super.values()) e.cancel?.();
    super.clear();
  }
}

/**
 * Watches an EPOLLET entry's file for its next change. The watch is one-shot and is re-armed
 * only by the next epoll_wait (after the entry was reported, or found not pending), never from
 * the callback: a file whose watch fires at once while it stays ready (a host stream) costs one
 * extra report per epoll_wait, not an endless loop.
 */
function arm(e: EpollEntry): void {
  e.cancel = e.file.watch(() => { e.pending = true; e.cancel = undefined; });
}

export class EpollFile extends FileDescription {
  readonly interest: Map<number, EpollEntry> = new InterestList();
  constructor(flags: number) { super(flags | 2, 'anon_inode:[eventpoll]'); }

  private static due(e: EpollEntry): number {
    if (e.disarmed) return 0;
    if ((e.events & EPOLLET) && !e.pending) return 0;
    return e.file.poll(e.events) & (e.events | POLLERR | POLLHUP);
  }

  /** Ready entries now (at most max), as [events, data]; drops entries whose fd was closed or reused. */
  ready(max: number, stillOpen: (fd: number, f: FileDescription) => boolean): Array<[number, bigint]> {
    const out: Array<[number, bigint]> = [];
    for (const e of [...this.interest.values()]) {
      if (!stillOpen(e.fd, e.file)) { this.interest.delete(e.fd); continue; }
      const rev = EpollFile.due(e);
      if (e.events & EPOLLET) {
        if (rev) e.pending = false;
        if (!e.pending && !e.cancel) arm(e);
      }
      if (!rev) continue;
      out.push([rev, e.data]);
      if (e.events & EPOLLONESHOT) e.disarmed = true;
      if (out.length >= max) break;
    }
    return out;
  }

  files(): FileDescription[] { return [...this.interest.values()].filter((e) => !e.disarmed).map((e) => e.file); }

  override poll(): number {
    for (const e of this.interest.values()) if (EpollFile.due(e)) return POLLIN | POLLRDNORM;
    return 0;
  }

  override watch(wake: () => void): () => void {
    const cancels = this.files().map((f) => f.watch(wake));
    return () => { for (const c of cancels) c(); };
  }

  override get hostDriven(): boolean { return this.files().some((f) => f.hostDriven); }
  override read(): Uint8Array { throw new SysError(Errno.EINVAL); }
  override stat(): StatInfo { return synthStat(0o600, 2, { dev: 14n }); }
  protected override release(): void { this.interest.clear(); }
}
