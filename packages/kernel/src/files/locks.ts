// Advisory record locks (fcntl F_SETLK/F_SETLKW/F_GETLK and the OFD variants), per file
// (dev, inode). POSIX locks belong to a process (a ThreadGroup) and vanish when it has exited;
// OFD locks belong to an open file description and vanish when its last fd is closed. A lock
// conflicts with another owner's overlapping lock when either is a write lock. F_SETLKW waits
// (a Block woken whenever any lock of the table is released).
import { Block } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { WaitQueue } from './waitqueue.js';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export interface RecordLock {
  owner: object;
  type: number;
  start: number;
  /** Inclusive end; Infinity = to the end of the file and beyond. */
  end: number;
  pid: number;
  gone: () => boolean;
}

export class LockTable {
  private locks = new Map<string, RecordLock[]>();
  readonly queue = new WaitQueue();

  private list(key: string): RecordLock[] {
    const l = (this.locks.get(key) ?? []).filter((x) => !x.gone());
    this.locks.set(key, l);
    return l;
  }

  /** The first lock of another owner that conflicts with (type, start..end). */
  conflict(key: string, owner: object, type: number, start: number, end: number): RecordLock | undefined {
    return this.list(key).find((l) => l.owner !== owner && l.start <= end && start <= l.end && (type === F_WRLCK || l.type === F_WRLCK));
  }

  /** Sets (or with F_UNLCK removes) owner's lock on start..end; EAGAIN on conflict, or a Block when wait. */
  set(key: string, lock: RecordLock, wait: boolean): number | Block {
    if (lock.type !== F_UNLCK && this.conflict(key, lock.owner, lock.type, lock.start, lock.end)) {
      if (!wait) throw new SysError(Errno.EAGAIN);
      // Also re-checked every 50 ms: a holder that exits (or closes) does not notify the table.
      const b: Block = new Block(() => this.set(key, lock, true), { restart: 'restart-if-sa', what: 'lock wait', deadline: performance.now() + 50 });
      this.queue.watch(() => b.wake());
      return b;
    }
    const out: RecordLock[] = [];
    for (const l of this.list(key)) {
      if (l.owner !== lock.owner || l.end < lock.start || l.start > lock.end) { out.push(l); continue; }
      // keep the parts of the owner's old lock outside the new range
      if (l.start < lock.start) out.push({ ...l, end: lock.start - 1 });
      if (l.end > lock.end) out.push({ ...l, start: lock.end + 1 });
    }
    if (lock.type !== F_UNLCK) out.push(lock);
    this.locks.set(key, out);
    this.queue.notify();
    return 0;
  }

  /** Wakes F_SETLKW waiters after owners went away (a process exit, a close). */
  changed(): void { this.queue.notify(); }
}

const tables = new WeakMap<object, LockTable>();
/** The lock table of a kernel (one per run). */
export function lockTable(kernel: object): LockTable {
  let t = tables.get(kernel);
  if (!t) tables.set(kernel, (t = new LockTable()));
  return t;
}
