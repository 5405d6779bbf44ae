// The syscall path: the CPU calls syscall(cpu) (or a handler bound by handlerFor(nr)); the
// dispatcher reads the number and arguments through the arch adapter, runs the handler, and
// alone turns a SysError (or a MemoryFault: EFAULT) into -errno. A Block parks the task; any
// other exception is a kernel bug that ends the process, never the host.
import type { Cpu, SyscallEntry } from '@elfbox/cpu';
import type { ArchAdapter } from '../arch.js';
import { Block, NO_RETURN, type SyscallResult } from '../block.js';
import { Errno } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { formatSyscall } from '../strace.js';
import type { Task } from '../task.js';
import { syscallTable, type SyscallTable } from './table.js';
import { mmAfterSyscall, mmBeforeSyscall } from './sys_mmap.js';
import { Call, errnoOf, type SyscallDef } from './types.js';

export class SyscallDispatcher implements SyscallEntry {
  readonly table: SyscallTable;

  constructor(readonly kernel: Kernel, readonly arch: ArchAdapter) {
    this.table = syscallTable(arch.arch);
  }

  syscall(cpu: Cpu): boolean {
    const nr = this.arch.syscallNr(cpu);
    return this.invoke(cpu, nr, this.table.byNr[nr]);
  }

  /** The handler for a syscall site whose number is a constant: the table lookup is done once. */
  handlerFor(nr: number): ((cpu: Cpu) => boolean) | undefined {
    const def = this.table.byNr[nr];
    return (cpu) => this.invoke(cpu, nr, def);
  }

  private invoke(cpu: Cpu, nr: number, def: SyscallDef | undefined): boolean {
    const task = this.kernel.current;
    if (!task) throw new Error('syscall with no current task');
    const args = this.arch.syscallArgs(cpu);
    const c = new Call(this.kernel, task, cpu, nr, args);
    const r = this.guard(task, def?.name ?? `syscall_${nr}`, () => {
      mmBeforeSyscall(c);
      const v = this.run(def, c);
      mmAfterSyscall(c, def?.name, v);
      return v;
    });
    return this.finish(task, cpu, nr, def, args, r);
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

  /** Runs fn; SysError / MemoryFault become -errno, anything else is a kernel bug. */
  private guard(task: Task, name: string, fn: () => SyscallResult): SyscallResult {
    try {
      return fn();
    } catch (e) {
      const errno = errnoOf(e);
      if (errno !== undefined) return -errno;
      this.kernel.kernelBug(task, name, e);
      return NO_RETURN;
    }
  }

  /** A woken (or timed-out) blocked call: try it again in the task's context. */
  resumeBlocked(task: Task, cpu: Cpu, timedOut: boolean): void {
    const block = task.block!;
    const call = task.blockedCall!;
    task.block = undefined;
    task.blockedCall = undefined;
    const def = this.table.byNr[call.nr];
    const r = this.guard(task, def?.name ?? `syscall_${call.nr}`, () => block.resume(timedOut));
    this.finish(task, cpu, call.nr, def, call.args, r);
  }

  private finish(task: Task, cpu: Cpu, nr: number, def: SyscallDef | undefined, args: bigint[], r: SyscallResult): boolean {
    if (r === NO_RETURN) {
      if (def) this.trace(task, def, args, undefined);
      this.kernel.flushExitLines();
      return false;
    }
    if (r instanceof Block) {
      task.block = r;
      task.blockedCall = { nr, args };
      return false;
    }
    const v = typeof r === 'bigint' ? r : BigInt(r);
    this.arch.setReturn(cpu, v);
    this.trace(task, def ?? { name: `syscall_${nr}`, level: 'enosys', args: ['hex', 'hex', 'hex', 'hex', 'hex', 'hex'] }, args, v);
    return !task.exited && !this.kernel.hasDeliverable(task);
  }

  /** One strace line; a formatter failure is reported once and never disturbs the guest. */
  private trace(task: Task, def: SyscallDef, args: bigint[], ret: bigint | undefined): void {
    if (!this.kernel.strace) return;
    let line: string;
    try {
      line = formatSyscall(def, args, ret, { mem: task.tg.mm.mem, arch: this.arch.arch, align: this.kernel.straceAlign });
    } catch (e) {
      this.kernel.warnOnce(`strace:${def.name}`, `elfbox: strace could not format ${def.name}: ${e instanceof Error ? e.message : String(e)}`);
      line = `${def.name}(...) = ${ret === undefined ? '?' : BigInt.asIntN(64, ret)}`;
    }
    this.kernel.strace(line);
  }
}
