// Readiness waits. An in-kernel object (a pipe, an eventfd) keeps a WaitQueue and notifies it
// when its state changes; a task that must wait for one or more files parks on a Block made by
// readinessBlock(), which the first notification wakes. When a file is host-driven (stdio, a
// socket) the Block also carries a host promise resolved by the same notification, so the run
// loop's "every task waits" path is woken too; waits on in-kernel objects only (pipes, eventfd)
// carry no promise, so tasks all waiting on each other are reported as a deadlock, not a hang.
import { Block, type BlockOptions } from '../block.js';
import type { FileDescription } from './file.js';

export class WaitQueue {
  private subs = new Set<() => void>();

  /** One-shot: wake runs at the next notify(). Returns a cancel function. */
  watch(wake: () => void): () => void {
    this.subs.add(wake);
    return () => { this.subs.delete(wake); };
  }

  notify(): void {
    if (!this.subs.size) return;
    const s = [...this.subs];
    this.subs.clear();
    for (const f of s) f();
  }

  get size(): number { return this.subs.size; }
}

/**
 * A Block that wakes when any of `files` reports a readiness change (or at opts.deadline), then
 * calls resume (which typically retries the operation and may block again).
 */
export function readinessBlock<T>(files: FileDescription[], resume: (timedOut: boolean) => T, opts: BlockOptions = {}): Block<T> {
  let resolve: () => void = () => {};
  const promise = files.some((f) => f.hostDriven) ? new Promise<void>((r) => { resolve = r; }) : undefined;
  const cancels: Array<() => void> = [];
  const cancelAll = () => { for (const c of cancels.splice(0)) c(); };
  // eslint-disable-next-line prefer-const
  let block: Block<T>;
  const wake = () => { cancelAll(); block?.wake(); resolve(); };
  block = new Block<T>((timedOut) => { cancelAll(); return resume(timedOut); }, { ...opts, promise });
  for (const f of files) cancels.push(f.watch(wake));
  return block;
}
