// Futex wait queues, keyed by (address space, address). A waiter parks with a Block that a wake
// marks woken; the scheduler then resumes it. Private and shared futexes use the same key here
// (no shared memory between address spaces yet). REQUEUE moves waiters to another address;
// WAKE_OP does its atomic read-modify-write (atomic because guest threads never run while a
// syscall does). On thread death the robust list is walked (FUTEX_OWNER_DIED).
import { Block } from './block.js';
import { Errno, SysError } from './errors.js';
import type { Kernel } from './kernel.js';
import type { MM } from './mm.js';
import type { Task } from './task.js';

interface Waiter {
  block: Block;
  /** A FUTEX_LOCK_PI waiter (UNLOCK_PI hands the lock to the first one). */
  pi?: boolean;
  bitset: number;
  /** The address the waiter is queued on now (REQUEUE changes it). */
  addr: number;
  /** The waiting task: a waiter whose task no longer waits on this block (a signal ended it) is stale. */
  task?: Task;
}

const stale = (w: Waiter): boolean => w.task !== undefined && (w.task.exited || w.task.block !== w.block);

export const FUTEX_WAITERS = 0x80000000;
export const FUTEX_OWNER_DIED = 0x40000000;
export const FUTEX_TID_MASK = 0x3fffffff;

export class Futexes {
  private queues = new Map<MM, Map<number, Waiter[]>>();

  /**
   * FUTEX_WAIT: EAGAIN unless *addr == expected; otherwise a Block that resumes with 0 when
   * woken or ETIMEDOUT at the deadline. A signal ends it by `restart` (ERESTARTSYS without a
   * timeout: restarted under SA_RESTART; with one, EINTR).
   */
  wait(mm: MM, addr: number, expected: number, bitset: number, deadline?: number, task?: Task): Block {
    if (addr % 4 !== 0) throw new SysError(Errno.EINVAL);
    if (bitset === 0) throw new SysError(Errno.EINVAL);
    if (mm.mem.readU32(addr) !== expected >>> 0) throw new SysError(Errno.EAGAIN);
    const w: Waiter = {
      bitset,
      addr,
      task,
      block: new Block((timedOut) => {
        this.remove(mm, w);
        if (w.block.woken) return 0;
        if (timedOut) throw new SysError(Errno.ETIMEDOUT);
        return 0;
      }, { deadline, restart: deadline === undefined ? 'restart-if-sa' : 'eintr', what: `futex 0x${addr.toString(16)}` }),
    };
    this.queue(mm, addr).push(w);
    return w.block;
  }

  private queue(mm: MM, addr: number): Waiter[] {
    let m = this.queues.get(mm);
    if (!m) this.queues.set(mm, (m = new Map()));
    let q = m.get(addr);
    if (!q) m.set(addr, (q = []));
    return q;
  }

  /** FUTEX_WAKE: wakes up to n waiters whose bitset matches; returns how many. */
  wake(mm: MM, addr: number, n: number, bitset = 0xffffffff): number {
    if (addr % 4 !== 0) throw new SysError(Errno.EINVAL);
    if (bitset === 0) throw new SysError(Errno.EINVAL);
    const q = this.queues.get(mm)?.get(addr);
    if (!q) return 0;
    let woken = 0;
    for (const w of q.slice()) {
      if (woken >= n) break;
      if (stale(w)) { this.remove(mm, w); continue; }
      if (w.block.woken || !(w.bitset & bitset)) continue;
      w.block.wake();
      woken++;
    }
    return woken;
  }

  /** FUTEX_REQUEUE / CMP_REQUEUE: wakes n, moves up to n2 of the rest to addr2; returns both counts' sum. */
  requeue(mm: MM, addr: number, n: number, addr2: number, n2: number, expected?: number): number {
    if (addr % 4 !== 0 || addr2 % 4 !== 0) throw new SysError(Errno.EINVAL);
    if (expected !== undefined && mm.mem.readU32(addr) !== expected >>> 0) throw new SysError(Errno.EAGAIN);
    let done = this.wake(mm, addr, n);
    if (addr === addr2) return done;
    const q = this.queues.get(mm)?.get(addr);
    if (!q) return done;
    const moving = q.filter((w) => !w.block.woken && !stale(w)).slice(0, n2);
    for (const w of moving) {
      q.splice(q.indexOf(w), 1);
      w.addr = addr2;
      this.queue(mm, addr2).push(w);
      done++;
    }
    if (q.length === 0) this.queues.get(mm)!.delete(addr);
    return done;
  }

  /** FUTEX_WAKE_OP: *addr2 = op(*addr2, oparg); wake n at addr; wake n2 at addr2 if cmp(old, cmparg). */
  wakeOp(mm: MM, addr: number, n: number, addr2: number, n2: number, encoded: number): number {
    if (addr % 4 !== 0 || addr2 % 4 !== 0) throw new SysError(Errno.EINVAL);
    const op = (encoded >>> 28) & 7, shift = (encoded >>> 31) & 1, cmp = (encoded >>> 24) & 15;
    let oparg = (encoded << 8) >> 20; // sign-extended 12 bits
    const cmparg = (encoded << 20) >> 20;
    if (shift) oparg = 1 << (oparg & 31);
    const old = mm.mem.readU32(addr2) | 0;
    let nv: number;
    switch (op) {
      case 0: nv = oparg; break;
      case 1: nv = old + oparg; break;
      case 2: nv = old | oparg; break;
      case 3: nv = old & ~oparg; break;
      case 4: nv = old ^ oparg; break;
      default: throw new SysError(Errno.ENOSYS);
    }
    let hit: boolean;
    switch (cmp) {
      case 0: hit = old === cmparg; break;
      case 1: hit = old !== cmparg; break;
      case 2: hit = old < cmparg; break;
      case 3: hit = old <= cmparg; break;
      case 4: hit = old > cmparg; break;
      case 5: hit = old >= cmparg; break;
      default: throw new SysError(Errno.ENOSYS);
    }
    mm.mem.writeU32(addr2, nv >>> 0);
    let woken = this.wake(mm, addr, n);
    if (hit) woken += this.wake(mm, addr2, n2);
    return woken;
  }

  // ---- PI futexes: the word holds the owner's tid, FUTEX_WAITERS when someone waits ----------

  /** Tasks UNLOCK_PI handed a lock to that have not returned from LOCK_PI yet (by address). */
  private granted = new WeakMap<Task, number>();

  /**
   * FUTEX_LOCK_PI / LOCK_PI2 / TRYLOCK_PI (futex_lock_pi_atomic): a free word (tid 0) becomes
   * tid | OWNER_DIED kept | WAITERS if others wait: 0. Our own tid: EDEADLK. Held: FUTEX_WAITERS
   * is set and the task waits until UNLOCK_PI hands the lock over (or the owner dies: retry);
   * TRYLOCK_PI answers EAGAIN instead; an owner tid that is no thread: ESRCH.
   */
  lockPi(mm: MM, addr: number, task: Task, opts: { trylock: boolean; deadline?: number; ownerAlive: (tid: number) => boolean }): number | Block {
    if (addr % 4 !== 0) throw new SysError(Errno.EINVAL);
    if (this.granted.get(task) === addr) { this.granted.delete(task); return 0; } // restarted after a handover
    const got = this.tryAcquirePi(mm, addr, task.tid);
    if (got) return 0;
    const uval = mm.mem.readU32(addr);
    if (!opts.ownerAlive(uval & FUTEX_TID_MASK)) throw new SysError(Errno.ESRCH);
    mm.mem.writeU32(addr, (uval | FUTEX_WAITERS) >>> 0);
    if (opts.trylock) throw new SysError(Errno.EAGAIN);
    return this.waitPi(mm, addr, task, opts.deadline, opts.ownerAlive);
  }

  private tryAcquirePi(mm: MM, addr: number, tid: number): boolean {
    const uval = mm.mem.readU32(addr);
    const owner = uval & FUTEX_TID_MASK;
    if (owner === tid) throw new SysError(Errno.EDEADLK);
    if (owner !== 0) return false;
    const others = (this.queues.get(mm)?.get(addr) ?? []).some((w) => w.pi && !stale(w) && w.task?.tid !== tid);
    mm.mem.writeU32(addr, (tid | (uval & FUTEX_OWNER_DIED) | (others ? FUTEX_WAITERS : 0)) >>> 0);
    return true;
  }

  private waitPi(mm: MM, addr: number, task: Task, deadline: number | undefined, ownerAlive: (tid: number) => boolean): Block {
    const w: Waiter = {
      bitset: 0xffffffff,
      addr,
      task,
      pi: true,
      block: new Block((timedOut) => {
        this.remove(mm, w);
        if (this.granted.get(task) === addr) { this.granted.delete(task); return 0; }
        // Woken without a handover (the owner died: robust list) or timed out: try again.
        if (this.tryAcquirePi(mm, addr, task.tid)) return 0;
        if (timedOut) throw new SysError(Errno.ETIMEDOUT);
        const uval = mm.mem.readU32(addr);
        if (!ownerAlive(uval & FUTEX_TID_MASK)) throw new SysError(Errno.ESRCH);
        mm.mem.writeU32(addr, (uval | FUTEX_WAITERS) >>> 0);
        return this.waitPi(mm, addr, task, deadline, ownerAlive);
      }, { deadline, restart: 'restart', what: `futex_lock_pi 0x${addr.toString(16)}` }),
    };
    this.queue(mm, addr).push(w);
    return w.block;
  }

  /** FUTEX_UNLOCK_PI: EPERM unless the caller owns the word; the first waiter gets it (tid | WAITERS), else the word becomes 0. */
  unlockPi(mm: MM, addr: number, tid: number): number {
    if (addr % 4 !== 0) throw new SysError(Errno.EINVAL);
    const uval = mm.mem.readU32(addr);
    if ((uval & FUTEX_TID_MASK) !== tid) throw new SysError(Errno.EPERM);
    const q = this.queues.get(mm)?.get(addr) ?? [];
    const next = q.find((w) => w.pi && !stale(w) && !w.block.woken && w.task);
    if (next) {
      mm.mem.writeU32(addr, (FUTEX_WAITERS | next.task!.tid) >>> 0);
      this.granted.set(next.task!, addr);
      next.block.wake();
    } else {
      mm.mem.writeU32(addr, 0);
    }
    return 0;
  }

  /** Drops a waiter (it was woken, timed out or its task died). */
  remove(mm: MM, w: Waiter): void {
    const m = this.queues.get(mm);
    const q = m?.get(w.addr);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) m!.delete(w.addr);
    if (m!.size === 0) this.queues.delete(mm);
  }

  waiters(mm: MM, addr: number): number {
    return this.queues.get(mm)?.get(addr)?.length ?? 0;
  }
}

/** handle_futex_death: a lock word owned by the dead tid gets FUTEX_OWNER_DIED and a waiter is woken. */
function futexDeath(kernel: Kernel, t: Task, addr: number): void {
  const mm = t.tg.mm;
  if (addr % 4 !== 0) return;
  const val = mm.mem.readU32(addr);
  if ((val & FUTEX_TID_MASK) !== t.tid) return;
  mm.mem.writeU32(addr, ((val & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
  if (val & FUTEX_WAITERS) kernel.futexes.wake(mm, addr, 1);
}

/** exit_robust_list: walks the dead task's robust_list_head (list, futex_offset, list_op_pending). */
export function walkRobustList(kernel: Kernel, t: Task): void {
  const mem = t.tg.mm.mem;
  const head = t.robustList;
  try {
    const rd = (a: bigint) => mem.readU64(Number(a));
    let entry = rd(head) & ~1n;
    const offset = BigInt.asIntN(64, rd(head + 8n));
    const pending = rd(head + 16n) & ~1n;
    for (let limit = 2048; entry !== head && entry !== 0n && limit > 0; limit--) {
      const next = rd(entry) & ~1n;
      if (entry !== pending) futexDeath(kernel, t, Number(entry + offset));
      entry = next;
    }
    if (pending) futexDeath(kernel, t, Number(pending + offset));
  } catch { /* a bad list is abandoned, as Linux does */ }
}
