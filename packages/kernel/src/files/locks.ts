// Advisory record locks (fcntl F_SETLK/F_SETLKW/F_GETLK and the OFD variants), per file
// (dev, inode). POSIX locks belong to the process's fd table (Linux's files_struct owner): they
// are not inherited by fork (the child has its own table), and closing any fd of the file drops
// them (releasePosixLocks, called by FdTable), as do exec's CLOEXEC closes and exit. OFD locks
// belong to an open file description and vanish when its last fd is closed. A lock conflicts
// with another owner's overlapping lock when either is a write lock. F_SETLKW waits (a Block
// woken whenever any lock of the table is released); a POSIX wait that would close a cycle of
// owners each waiting for the next one's lock fails with EDEADLK (Linux's posix_locks_deadlock).
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
  /** A POSIX (process) lock, as opposed to an OFD lock or flock: the only kind deadlock detection follows. */
  posix?: boolean;
}

/** What a POSIX owner blocked in F_SETLKW waits for (for deadlock detection). */
interface Waiter {
  key: string;
  lock: RecordLock;
  live: boolean;
}

/** Lock tables that hold POSIX locks of an owner (so a close looks only where it must). */
const posixTables = new WeakMap<object, Set<LockTable>>();

/** close() of any fd of f by the owner (an FdTable) drops the owner's POSIX locks on that file. */
export function releasePosixLocks(owner: object, f: { stat(): { dev: bigint; ino: bigint } }): void {
  const tables = posixTables.get(owner);
  if (!tables?.size) return;
  let key: string;
  try { const st = f.stat(); key = `${st.dev}:${st.ino}`; } catch { return; }
  for (const t of tables) t.dropOwner(key, owner);
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

  private waiting = new Map<object, Waiter>();

  /**
   * Would owner waiting for `blocker` close a cycle? Follows blocker's owner to the lock it waits
   * for, and so on (at most 10 steps, as Linux's MAX_DEADLK_ITERATIONS).
   */
  private deadlock(owner: object, blocker: RecordLock): boolean {
    let b: RecordLock | undefined = blocker;
    for (let i = 0; b && i < 10; i++) {
      if (b.owner === owner) return true;
      if (!b.posix) return false;
      const w = this.waiting.get(b.owner);
      if (!w || !w.live) return false;
      b = this.conflict(w.key, w.lock.owner, w.lock.type, w.lock.start, w.lock.end);
    }
    return false;
  }

  /** Sets (or with F_UNLCK removes) owner's lock on start..end; EAGAIN on conflict, or a Block when wait. */
  set(key: string, lock: RecordLock, wait: boolean): number | Block {
    const blocker = lock.type !== F_UNLCK ? this.conflict(key, lock.owner, lock.type, lock.start, lock.end) : undefined;
    if (blocker) {
      if (!wait) throw new SysError(Errno.EAGAIN);
      if (lock.posix && this.deadlock(lock.owner, blocker)) throw new SysError(Errno.EDEADLK);
      const w: Waiter = { key, lock, live: true };
      if (lock.posix) this.waiting.set(lock.owner, w);
      // Also re-checked every 50 ms: a holder that exits (or closes) does not notify the table.
      const b: Block = new Block(() => { w.live = false; return this.set(key, lock, true); }, {
        restart: 'restart-if-sa', what: 'lock wait', deadline: performance.now() + 50, onEintr: () => { w.live = false; },
      });
      this.queue.watch(() => b.wake());
      return b;
    }
    if (lock.posix && this.waiting.get(lock.owner)?.lock === lock) this.waiting.delete(lock.owner);
    const out: RecordLock[] = [];
    for (const l of this.list(key)) {
      if (l.owner !== lock.owner || l.end < lock.start || l.start > lock.end) { out.push(l); continue; }
      // keep the parts of the owner's old lock outside the new range
      if (l.start < lock.start) out.push({ ...l, end: lock.start - 1 });
      if (l.end > lock.end) out.push({ ...l, start: lock.end + 1 });
    }
    if (lock.type !== F_UNLCK) {
      out.push(lock);
      if (lock.posix) {
        let s = posixTables.get(lock.owner);
        if (!s) posixTables.set(lock.owner, (s = new Set()));
        s.add(this);
      }
    }
    this.locks.set(key, out);
    this.queue.notify();
    return 0;
  }

  /** Drops every lock of owner on the file key (a close by a POSIX owner). */
  dropOwner(key: string, owner: object): void {
    const l = this.locks.get(key);
    if (!l || !l.some((x) => x.owner === owner)) return;
    this.locks.set(key, l.filter((x) => x.owner !== owner));
    this.queue.notify();
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
