// Signal numbers, default actions, si_code values and sigaltstack constants: <asm/signal.h>,
// <asm-generic/signal-defs.h>, <asm-generic/siginfo.h>. Signal numbers are the same on x86-64
// and aarch64 (both checked against the compilers' headers); MINSIGSTKSZ/SIGSTKSZ differ and are
// only available per arch.

import type { AbiArch } from './layout.js';

export const Sig = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
  /** The kernel's first real-time signal (glibc reserves 32 and 33 and reports SIGRTMIN as 34). */
  SIGRTMIN: 32,
  SIGRTMAX: 64,
} as const;

export type SigName = keyof typeof Sig;
/** Number of signals (_NSIG). */
export const NSIG = 64;

/** The name strace prints for 1..31 (aliases SIGIOT and SIGPOLL map to SIGABRT and SIGIO). */
export const SIGNAL_NAMES: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(
  Object.entries(Sig).filter(([n]) => !['SIGIOT', 'SIGPOLL', 'SIGRTMIN', 'SIGRTMAX'].includes(n)).map(([n, v]) => [v, n]),
));

export type SigAction = 'term' | 'core' | 'ignore' | 'stop' | 'cont';

const CORE = new Set<number>([Sig.SIGQUIT, Sig.SIGILL, Sig.SIGTRAP, Sig.SIGABRT, Sig.SIGBUS, Sig.SIGFPE, Sig.SIGSEGV,
  Sig.SIGXCPU, Sig.SIGXFSZ, Sig.SIGSYS]);
const IGNORE = new Set<number>([Sig.SIGCHLD, Sig.SIGURG, Sig.SIGWINCH]);
const STOP = new Set<number>([Sig.SIGSTOP, Sig.SIGTSTP, Sig.SIGTTIN, Sig.SIGTTOU]);

/**
 * What the kernel does with `sig` when its handler is SIG_DFL (signal(7)). Real-time signals
 * terminate. Throws RangeError outside 1..64.
 */
export function sigDefaultAction(sig: number): SigAction {
  if (!Number.isInteger(sig) || sig < 1 || sig > NSIG) throw new RangeError(`sigDefaultAction: no signal ${sig}`);
  if (CORE.has(sig)) return 'core';
  if (IGNORE.has(sig)) return 'ignore';
  if (STOP.has(sig)) return 'stop';
  if (sig === Sig.SIGCONT) return 'cont';
  return 'term';
}

/** siginfo.si_code values: <asm-generic/siginfo.h>. Per-signal codes reuse small numbers. */
export const SI_CODE = {
  SI_USER: 0,
  SI_KERNEL: 0x80,
  SI_QUEUE: -1,
  SI_TIMER: -2,
  SI_MESGQ: -3,
  SI_ASYNCIO: -4,
  SI_SIGIO: -5,
  SI_TKILL: -6,
  SI_DETHREAD: -7,
  SI_ASYNCNL: -60,
  ILL_ILLOPC: 1,
  ILL_ILLOPN: 2,
  ILL_ILLADR: 3,
  ILL_ILLTRP: 4,
  ILL_PRVOPC: 5,
  ILL_PRVREG: 6,
  ILL_COPROC: 7,
  ILL_BADSTK: 8,
  ILL_BADIADDR: 9,
  FPE_INTDIV: 1,
  FPE_INTOVF: 2,
  FPE_FLTDIV: 3,
  FPE_FLTOVF: 4,
  FPE_FLTUND: 5,
  FPE_FLTRES: 6,
  FPE_FLTINV: 7,
  FPE_FLTSUB: 8,
  FPE_FLTUNK: 14,
  FPE_CONDTRAP: 15,
  SEGV_MAPERR: 1,
  SEGV_ACCERR: 2,
  SEGV_BNDERR: 3,
  SEGV_PKUERR: 4,
  SEGV_MTEAERR: 8,
  SEGV_MTESERR: 9,
  BUS_ADRALN: 1,
  BUS_ADRERR: 2,
  BUS_OBJERR: 3,
  BUS_MCEERR_AR: 4,
  BUS_MCEERR_AO: 5,
  TRAP_BRKPT: 1,
  TRAP_TRACE: 2,
  TRAP_BRANCH: 3,
  TRAP_HWBKPT: 4,
  TRAP_UNK: 5,
  CLD_EXITED: 1,
  CLD_KILLED: 2,
  CLD_DUMPED: 3,
  CLD_TRAPPED: 4,
  CLD_STOPPED: 5,
  CLD_CONTINUED: 6,
  POLL_IN: 1,
  POLL_OUT: 2,
  POLL_MSG: 3,
  POLL_ERR: 4,
  POLL_PRI: 5,
  POLL_HUP: 6,
  SYS_SECCOMP: 1,
  SIGEV_SIGNAL: 0,
  SIGEV_NONE: 1,
  SIGEV_THREAD: 2,
  SIGEV_THREAD_ID: 4,
} as const;

/** sigaltstack(2) ss_flags. */
export const SS = {
  SS_ONSTACK: 1,
  SS_DISABLE: 2,
  SS_AUTODISARM: 0x80000000,
} as const;

const STACK_SIZES: Record<AbiArch, { MINSIGSTKSZ: number; SIGSTKSZ: number }> = {
  x86_64: Object.freeze({ MINSIGSTKSZ: 2048, SIGSTKSZ: 8192 }),
  aarch64: Object.freeze({ MINSIGSTKSZ: 5120, SIGSTKSZ: 16384 }),
};

/** MINSIGSTKSZ and SIGSTKSZ from <asm/signal.h> for `arch` (they differ). */
export function sigStackSizes(arch: AbiArch): { MINSIGSTKSZ: number; SIGSTKSZ: number } {
  const s = STACK_SIZES[arch];
  if (!s) throw new TypeError(`sigStackSizes: unknown arch ${String(arch)}`);
  return s;
}

const SIGFRAME: Record<AbiArch, Readonly<Record<string, number>>> = {
  // <asm/sigcontext.h>, <asm/ucontext.h>
  x86_64: Object.freeze({
    FP_XSTATE_MAGIC1: 0x46505853,
    FP_XSTATE_MAGIC2: 0x46505845,
    UC_FP_XSTATE: 0x1,
    UC_SIGCONTEXT_SS: 0x2,
    UC_STRICT_RESTORE_SS: 0x4,
  }),
  // <asm/sigcontext.h>: magic numbers of the records in sigcontext.__reserved
  aarch64: Object.freeze({
    FPSIMD_MAGIC: 0x46508001,
    ESR_MAGIC: 0x45535201,
    EXTRA_MAGIC: 0x45585401,
    SVE_MAGIC: 0x53564501,
    ZA_MAGIC: 0x54366345,
  }),
};

/** Signal-frame constants for `arch` (x86-64: xstate magics and uc_flags; aarch64: record magics). */
export function sigframeConstants(arch: AbiArch): Readonly<Record<string, number>> {
  const s = SIGFRAME[arch];
  if (!s) throw new TypeError(`sigframeConstants: unknown arch ${String(arch)}`);
  return s;
}
