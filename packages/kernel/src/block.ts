// The explicit "block" result of a syscall handler (convention 8, gVisor's task run states).
// A handler that cannot finish now returns a Block: what it waits for (a host promise, a futex
// word, a child), an optional deadline, a restart rule, and resume(), which the scheduler calls
// in the task's context once the task is woken (or timed out) to try the call again.

export type SyscallValue = number | bigint;

/** The handler ended the task or its thread group (exit, exit_group, a fatal signal): no return value. */
export const NO_RETURN: unique symbol = Symbol('no-return');
export type SyscallResult = SyscallValue | Block | typeof NO_RETURN;

/** What happens when a signal interrupts the wait (the signals issue uses it). */
export type RestartRule =
  /** Return -EINTR (nanosleep's remaining time is the handler's business). */
  | 'eintr'
  /** Restart the call after the handler when SA_RESTART is set, else -EINTR (read, write, wait4). */
  | 'restart-if-sa'
  /** Always restart (futex without timeout: ERESTARTSYS). */
  | 'restart';

export interface BlockOptions {
  /** A host promise: the task becomes runnable when it settles. */
  promise?: Promise<unknown>;
  /** Host monotonic deadline in ms (performance.now()); resume(true) is called when it passes. */
  deadline?: number;
  restart?: RestartRule;
  /** A label for diagnostics ("futex 0x1234", "read stdin", "wait4 -1"). */
  what?: string;
  /** Runs when a signal ends the wait with EINTR (nanosleep writes the remaining time). */
  onEintr?: () => void;
}

/**
 * T is what resume() produces: a syscall result for handlers, or a subsystem's own value (a file
 * read's bytes) that the handler maps with then() into a syscall result.
 */
export class Block<T = SyscallResult> {
  private wokenFlag = false;
  readonly promise?: Promise<unknown>;
  readonly deadline?: number;
  readonly restart: RestartRule;
  readonly what: string;
  readonly onEintr?: () => void;
  private readonly source?: Block<unknown>;

  constructor(
    /** Tries the call again in the task's context; timedOut when the deadline passed first. */
    readonly resume: (timedOut: boolean) => T,
    opts: BlockOptions & { source?: Block<unknown> } = {},
  ) {
    this.deadline = opts.deadline;
    this.restart = opts.restart ?? 'restart-if-sa';
    this.what = opts.what ?? 'wait';
    this.onEintr = opts.onEintr;
    this.source = opts.source;
    if (opts.promise) {
      const wake = () => { this.wokenFlag = true; };
      this.promise = opts.promise.then(wake, wake);
    }
  }

  /** Set when what the task waits for happened (a promise settled, a futex wake, a child exit). */
  get woken(): boolean {
    return this.wokenFlag || (this.source?.woken ?? false);
  }

  wake(): void {
    this.wokenFlag = true;
  }

  /** The same wait, with the retried value mapped by f (f runs in the task's context). */
  then<U>(f: (v: Exclude<T, Block<unknown>>) => U | Block<U>): Block<U> {
    return new Block<U>((timedOut) => {
      const r = this.resume(timedOut);
      return r instanceof Block ? (r as Block<T>).then(f) as unknown as U : (f(r as Exclude<T, Block<unknown>>) as U);
    }, { promise: this.promise, deadline: this.deadline, restart: this.restart, what: this.what, source: this });
  }
}

export const isBlock = (r: SyscallResult): r is Block => r instanceof Block;
