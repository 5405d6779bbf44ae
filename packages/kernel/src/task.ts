// Tasks (threads) and thread groups (processes) are separate objects (convention 7, gVisor's
// Task / ThreadGroup). clone flags decide what two tasks share: the mm (and so the Cpu), the fd
// table, the fs context, the signal handlers.
import type { Cpu, CpuState } from '@elfbox/cpu';
import type { ArchAdapter } from './arch.js';
import type { Block } from './block.js';
import type { FdTable } from './files/fdtable.js';
import type { MM } from './mm.js';

/** cwd, root and umask (CLONE_FS shares it). cwd is a canonical guest path. */
export class FsContext {
  constructor(public cwd = '/', public umask = 0o022) {}
  clone(): FsContext { return new FsContext(this.cwd, this.umask); }
}

/** One signal's disposition as rt_sigaction stores it. handler: 0 = SIG_DFL, 1 = SIG_IGN, else an address. */
export interface SigAction {
  handler: bigint;
  flags: bigint;
  restorer: bigint;
  mask: bigint;
}

/** Signal dispositions of a thread group (CLONE_SIGHAND shares them). Index = signal number. */
export class SignalHandlers {
  readonly actions: SigAction[] = Array.from({ length: 65 }, () => ({ handler: 0n, flags: 0n, restorer: 0n, mask: 0n }));
  clone(): SignalHandlers {
    const s = new SignalHandlers();
    this.actions.forEach((a, i) => { s.actions[i] = { ...a }; });
    return s;
  }
}

/** What a signal carries (siginfo fields the kernel fills). */
export interface SigInfo {
  signo: number;
  code: number;
  errno?: number;
  /** Faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP). */
  addr?: number;
  pid?: number;
  uid?: number;
  /** si_status (SIGCHLD). */
  status?: number;
  /** si_value (rt_sigqueueinfo, POSIX timers). */
  value?: bigint;
  /** si_tid and si_overrun (POSIX timers). */
  timerId?: number;
  overrun?: number;
}

/** How a thread group ended: an exit code, or the signal that killed it (core dumped or not). */
export type ExitStatus = { code: number } | { signal: number; core: boolean };

/** The wait status word waitpid returns for an ExitStatus. */
export function waitStatusOf(s: ExitStatus): number {
  return 'code' in s ? (s.code & 0xff) << 8 : (s.signal & 0x7f) | (s.core ? 0x80 : 0);
}

export class ThreadGroup {
  readonly tasks = new Set<Task>();
  readonly children = new Set<ThreadGroup>();
  exit?: ExitStatus;
  /** Signals pending for the whole process (kill). */
  pending: SigInfo[] = [];
  /** The executable's guest path (/proc/self/exe) and the auxv the loader built (/proc/self/auxv). */
  exePath = '';
  auxv: Array<[number, bigint]> = [];
  argv: string[] = [];
  envp: string[] = [];
  /** rlimits by RLIMIT_* number: [soft, hard] (undefined = infinity). */
  readonly rlimits = new Map<number, [bigint, bigint]>();
  /** Process group and session (setpgid/setsid; see process.ts). */
  pgid = 0;
  sid = 0;
  /** The signal the parent gets when this process ends (clone's exit signal; 0: none). */
  exitSignal = 17;
  /** Job control: the stop signal while stopped; a stop/continue not yet reported to wait. */
  stopped?: number;
  waitReport?: { kind: 'stopped'; sig: number } | { kind: 'continued' };
  /** prctl(PR_SET_PDEATHSIG), PR_SET_CHILD_SUBREAPER; execed: setpgid answers EACCES after exec. */
  pdeathsig = 0;
  subreaper = false;
  execed = false;

  constructor(
    readonly pid: number,
    public parent: ThreadGroup | undefined,
    public mm: MM,
    public arch: ArchAdapter,
    public fds: FdTable,
    public fs: FsContext,
    public sighand: SignalHandlers,
  ) {}

  /** The Cpu of this process's address space (shared by every task using the mm). */
  get cpu(): Cpu {
    const c = this.mm.cpu;
    if (!c) throw new Error('address space has no Cpu');
    return c;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  get leader(): Task | undefined {
    for (const t of this.tasks) if (t.tid === this.pid) return t;
    return undefined;
  }
}

export class Task {
  /** The registers while the task is off the Cpu (the Cpu holds them while it runs). */
  state?: CpuState;
  /** Blocked signals (bit n-1 for signal n). */
  sigmask = 0n;
  /** Signals pending for this thread only (tgkill, synchronous faults). */
  pending: SigInfo[] = [];
  /** Set while the task waits; the scheduler skips it until woken or timed out. */
  block?: Block;
  /** The blocked syscall, for strace and restart. */
  blockedCall?: { nr: number; args: bigint[] };
  clearChildTid = 0n;
  robustList = 0n;
  robustListLen = 0;
  exited = false;
  /** The thread name (prctl PR_SET_NAME, /proc/self/comm), at most 15 bytes. */
  comm?: Uint8Array;
  /** sigaltstack's alternate signal stack, used by the signals issue's frame builder. */
  altstack?: { sp: bigint; flags: number; size: bigint };

  constructor(readonly tid: number, readonly tg: ThreadGroup) {}

  get runnable(): boolean {
    return !this.exited && this.block === undefined && this.tg.stopped === undefined;
  }
}
