// The syscall path: the CPU calls syscall(cpu) (or a handler bound by handlerFor(nr)); the
// dispatcher reads the number and arguments through the arch adapter, runs the handler, and
// alone turns a SysError (or a MemoryFault: EFAULT) into -errno. A Block parks the task; any
// other exception is a kernel bug that ends the process, never the host.
import type { Cpu, SyscallEntry } from '@elfbox/cpu';
import type { ArchAdapter } from '../arch.js';
import { Block, NO_RETURN, type SyscallResult } from '../block.js';
import { Errno } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { formatSyscall, pidPrefix } from '../strace.js';
import type { Task } from '../task.js';
import { syscallTable, type SyscallTable } from './table.js';
import { mmAfterSyscall, mmBeforeSyscall } from './sys_mmap.js';
import { Call, errnoOf, type SyscallDef } from './types.js';

/** strace -f decides a line's `[pid N] ` at syscall entry: how many tasks were traced then (keyed by the call's arguments). */
const tracedAtEntry = new WeakMap<bigint[], number>();

/**
 * Syscalls that touch neither files nor the address space: the mm hooks (write-back of dirty
 * shared file pages before, reload of mapped copies after; sys_mmap.ts) are skipped for them.
 */
const NO_MM_HOOKS = new Set([
  'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getpgrp', 'getpgid', 'getsid',
  'sched_yield', 'clock_gettime', 'clock_getres', 'gettimeofday', 'time', 'getcpu',
]);

/**
 * Syscalls that replace the caller's registers and then write their argument array (for strace:
 * rt_sigreturn's mask, execve's path at AT_EXECFN): their arguments are read at entry, before
 * the registers (or, after execve, the Cpu itself) are gone.
 */
const ARGS_AT_ENTRY = new Set(['rt_sigreturn', 'execve', 'execveat']);

/** Per-number flags, computed once from the table. */
const F_MM_HOOKS = 1, F_ARGS_AT_ENTRY = 2;

export class SyscallDispatcher implements SyscallEntry {
  readonly table: SyscallTable;
  private readonly flags: Uint8Array;
  private readonly nrReg: number;
  private readonly retReg: number;
  private readonly argRegs: readonly number[];

  constructor(readonly kernel: Kernel, readonly arch: ArchAdapter) {
    this.table = syscallTable(arch.arch);
    this.nrReg = arch.nrReg;
    this.retReg = arch.retReg;
    this.argRegs = arch.argRegs;
    this.flags = new Uint8Array(this.table.byNr.length);
    this.table.byNr.forEach((d, nr) => {
      this.flags[nr] = (d && NO_MM_HOOKS.has(d.name) ? 0 : F_MM_HOOKS) | (d && ARGS_AT_ENTRY.has(d.name) ? F_ARGS_AT_ENTRY : 0);
    });
  }

  syscall(cpu: Cpu): boolean {
    const nr = cpu.getRegLo32(this.nrReg);
    return this.invoke(cpu, nr, this.table.byNr[nr]);
  }

  /** The handler for a syscall site whose number is a constant: the table lookup is done once. */
  handlerFor(nr: number): ((cpu: Cpu) => boolean) | undefined {
    const def = this.table.byNr[nr];
    return (cpu) => this.invoke(cpu, nr, def);
  }

  // The common path allocates the Call and nothing else: no argument array (Call reads registers
  // lazily), no closure, no BigInt for a number result.
  private invoke(cpu: Cpu, nr: number, def: SyscallDef | undefined): boolean {
    const kernel = this.kernel;
    const task = kernel.current;
    if (!task) throw new Error('syscall with no current task');
    const c = new Call(kernel, task, cpu, nr, undefined, this.argRegs);
    const flags = this.flags[nr];
    // strace prints the arguments as they were at entry (a handler may change the registers)
    if (kernel.strace) tracedAtEntry.set(c.args, kernel.tasks.size);
    else if (flags & F_ARGS_AT_ENTRY) void c.args;
    let r: SyscallResult;
    try {
      if (def !== undefined && def.handler !== undefined && (flags & F_MM_HOOKS) === 0) r = def.handler(c);
      else {
        mmBeforeSyscall(c);
        r = this.run(def, c);
        mmAfterSyscall(c, def?.name, r);
      }
    } catch (e) {
      r = this.failed(task, def?.name ?? `syscall_${nr}`, e);
    }
    if (typeof r === 'number' && Number.isSafeInteger(r) && !kernel.strace) {
      cpu.setRegNum(this.retReg, r);
      return !task.exited && !kernel.hasDeliverable(task);
    }
    return this.finish(task, cpu, nr, def, c, r);
  }

  private run(def: SyscallDef | undefined, c: Call): SyscallResult {
    if (!def) {
      this.kernel.warnOnce(`nr:${c.nr}`, `elfbox: unknown syscall number ${c.nr} (${this.arch.arch}): returning ENOSYS`);
      return -Errno.ENOSYS;
    }
    if (!def.handler) {
      if (def.level !== 'enosys' || !def.note) {
        this.kernel.warnOnce(`name:${def.name}`, `elfbox: unsupported syscall ${def.name} (${this.arch.arch} ${c.nr}): returning ENOSYS`);
      }
      return -Errno.ENOSYS;
    }
    return def.handler(c);
  }

  /** An exception from a handler: SysError / MemoryFault become -errno, anything else is a kernel bug. */
  private failed(task: Task, name: string, e: unknown): SyscallResult {
    const errno = errnoOf(e);
    if (errno !== undefined) return -errno;
    this.kernel.kernelBug(task, name, e);
    return NO_RETURN;
  }

  /** A woken (or timed-out) blocked call: try it again in the task's context. */
  resumeBlocked(task: Task, cpu: Cpu, timedOut: boolean): void {
    const block = task.block!;
    const call = task.blockedCall!;
    task.block = undefined;
    task.blockedCall = undefined;
    const def = this.table.byNr[call.nr];
    let r: SyscallResult;
    try {
      r = block.resume(timedOut);
    } catch (e) {
      r = this.failed(task, def?.name ?? `syscall_${call.nr}`, e);
    }
    this.finish(task, cpu, call.nr, def, call.args, r);
  }

  /** Everything but a plain number result without strace: BigInt results, blocks, exits, traced calls. */
  private finish(task: Task, cpu: Cpu, nr: number, def: SyscallDef | undefined, call: Call | bigint[], r: SyscallResult): boolean {
    if (r === NO_RETURN) {
      if (def) this.trace(task, def, call, undefined);
      this.kernel.flushExitLines();
      return false;
    }
    if (r instanceof Block) {
      task.block = r;
      // the resume runs later, maybe with another thread's registers on the Cpu: keep the arguments now
      task.blockedCall = { nr, args: call instanceof Call ? call.args : call };
      return false;
    }
    const v = typeof r === 'bigint' ? r : BigInt(r);
    this.arch.setReturn(cpu, v);
    this.trace(task, def ?? { name: `syscall_${nr}`, level: 'enosys', args: ['hex', 'hex', 'hex', 'hex', 'hex', 'hex'] }, call, v);
    return !task.exited && !this.kernel.hasDeliverable(task);
  }

  /** One strace line; a formatter failure is reported once and never disturbs the guest. */
  private trace(task: Task, def: SyscallDef, call: Call | bigint[], ret: bigint | undefined): void {
    if (!this.kernel.strace) return;
    const args = call instanceof Call ? call.args : call;
    let line: string;
    const prefix = pidPrefix(task.tid, tracedAtEntry.get(args) ?? this.kernel.tasks.size);
    try {
      line = formatSyscall(def, args, ret, { mem: task.tg.mm.mem, arch: this.arch.arch, align: this.kernel.straceAlign, prefix });
    } catch (e) {
      this.kernel.warnOnce(`strace:${def.name}`, `elfbox: strace could not format ${def.name}: ${e instanceof Error ? e.message : String(e)}`);
      line = `${prefix}${def.name}(...) = ${ret === undefined ? '?' : BigInt.asIntN(64, ret)}`;
    }
    this.kernel.strace(line);
  }
}
