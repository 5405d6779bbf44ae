// epoll: an interest list of (fd, description) -> (events, data) over the readiness interface
// (FileDescription.poll / watch). Level-triggered; EPOLLONESHOT disarms an entry after it is
// reported; EPOLLET is accepted and reported level-triggered (a program that reads until
// EAGAIN, as edge-triggered programs must, sees the same data, at worst one more wakeup).
import { Errno, SysError } from '../errors.js';
import { FileDescription, POLLERR, POLLHUP, POLLIN, POLLRDNORM, synthStat, type StatInfo } from './file.js';

export const EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31, EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29;

export interface EpollEntry {
  fd: number;
  file: FileDescription;
  events: number;
  data: bigint;
  disarmed: boolean;
}

export class EpollFile extends FileDescription {
  readonly interest = new Map<number, EpollEntry>();
  constructor(flags: number) { super(flags | 2, 'anon_inode:[eventpoll]'); }

  /** Ready entries now (at most max), as [events, data]; drops entries whose fd was closed or reused. */
  ready(max: number, stillOpen: (fd: number, f: FileDescription) => boolean): Array<[number, bigint]> {
    const out: Array<[number, bigint]> = [];
    for (const e of [...this.interest.values()]) {
      if (!stillOpen(e.fd, e.file)) { this.interest.delete(e.fd); continue; }
      if (e.disarmed) continue;
      const rev = e.file.poll(e.events) & (e.events | POLLERR | POLLHUP);
      if (!rev) continue;
      out.push([rev, e.data]);
      if (e.events & EPOLLONESHOT) e.disarmed = true;
      if (out.length >= max) break;
    }
    return out;
  }

  files(): FileDescription[] { return [...this.interest.values()].filter((e) => !e.disarmed).map((e) => e.file); }

  override poll(): number {
    for (const e of this.interest.values()) if (!e.disarmed && e.file.poll(e.events) & (e.events | POLLERR | POLLHUP)) return POLLIN | POLLRDNORM;
    return 0;
  }

  override watch(wake: () => void): () => void {
    const cancels = this.files().map((f) => f.watch(wake));
    return () => { for (const c of cancels) c(); };
  }

  override get hostDriven(): boolean { return this.files().some((f) => f.hostDriven); }
  override read(): Uint8Array { throw new SysError(Errno.EINVAL); }
  override stat(): StatInfo { return synthStat(0o600, 2, { dev: 14n }); }
}
