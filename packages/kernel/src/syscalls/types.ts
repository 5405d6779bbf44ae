// The shape of the syscall table (convention 2): one definition per syscall name, shared by both
// arches; per-arch tables map numbers to definitions (table.ts).
import { MemoryFault, type AddressSpace, type Cpu } from '@elfbox/cpu';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { MM } from '../mm.js';
import type { Task, ThreadGroup } from '../task.js';
import { archAdapter } from '../arch.js';

export type SupportLevel = 'full' | 'partial' | 'enosys';

/**
 * How strace prints an argument. `ibuf:N` / `obuf:N`: a byte buffer whose length is argument N
 * (ibuf is input, printed as passed; obuf is output, printed with the return value's length);
 * `iov:N` / `oiov:N` likewise for iovec arrays of N entries.
 */
export type ArgFormat =
  | 'int' | 'uint' | 'hex' | 'ptr' | 'size' | 'fd' | 'dirfd' | 'path' | 'oflags' | 'mode' | 'prot'
  | 'mapflags' | 'signal' | 'sighow' | 'sigset' | 'whence' | 'atflags' | 'clock' | 'futexop'
  | 'archprctl' | 'ioctl' | 'rlimit' | 'stat' | 'octal' | 'accessmode' | 'grndflags' | 'string'
  /** struct timespec read by the call (itimespec) or written by it (otimespec, shown after success). */
  | 'itimespec' | 'otimespec'
  /** struct rlimit read (irlimit) or written (orlimit) by the call. */
  | 'irlimit' | 'orlimit'
  /** getrandom's buffer: the bytes written, every byte as \xNN (strace forces hex there). */
  | 'randbuf'
  /** rt_sigreturn's `{mask=[...]}`: the handler puts the restored mask in the argument slot. */
  | 'sigreturn'
  /** pipe/pipe2's int[2], shown after success as [rfd, wfd]. */
  | 'pipefds'
  /** O_* flags without an access mode (pipe2, dup3): O_CLOEXEC|O_NONBLOCK, or 0. */
  | 'fdflags'
  /** signalfd4's SFD_CLOEXEC|SFD_NONBLOCK. */
  | 'sfdflags'
  | `ibuf:${number}` | `obuf:${number}` | `iov:${number}` | `oiov:${number}`;

export type RetFormat = 'int' | 'hex' | 'none';

export type Handler = (c: Call) => SyscallResult;

export interface SyscallDef {
  name: string;
  handler?: Handler;
  level: SupportLevel;
  /** What is missing or how it behaves (shown in docs/syscalls.md). */
  note?: string;
  args: ArgFormat[];
  ret?: RetFormat;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const dec = new TextDecoder();

/**
 * One syscall invocation as a handler sees it: the task, its process, the arguments and decoders.
 *
 * Arguments are read lazily from the registers (the call does not copy them): i32/u32/num/snum
 * read 32-bit halves as numbers, only i64/u64 build a BigInt. `args` (the six raw registers as
 * unsigned 64-bit BigInts) is built on first use and from then on is what every accessor reads:
 * the dispatcher builds it at entry when strace is on, and when the call blocks (its resume
 * runs later, when the Cpu may hold another thread's registers). A handler that changes the
 * argument registers (rt_sigreturn, execve) reads its arguments first.
 */
export class Call {
  private a: bigint[] | undefined;
  private readonly regs: readonly number[];

  constructor(
    readonly kernel: Kernel,
    readonly task: Task,
    readonly cpu: Cpu,
    readonly nr: number,
    args?: bigint[],
    argRegs?: readonly number[],
  ) {
    this.a = args;
    this.regs = argRegs ?? archAdapter(cpu.arch).argRegs;
  }

  /** The six raw arguments as unsigned 64-bit values (built on first use; strace and a few handlers). */
  get args(): bigint[] {
    let a = this.a;
    if (a === undefined) {
      const cpu = this.cpu, r = this.regs;
      a = this.a = [0n, 0n, 0n, 0n, 0n, 0n];
      for (let i = 0; i < 6; i++) a[i] = BigInt.asUintN(64, cpu.getReg(r[i]));
    }
    return a;
  }

  get tg(): ThreadGroup { return this.task.tg; }
  get mm(): MM { return this.task.tg.mm; }
  get mem(): AddressSpace { return this.task.tg.mm.mem; }

  /** Argument n as a C int. */
  i32(n: number): number {
    const a = this.a;
    return a === undefined ? this.cpu.getRegLo32(this.regs[n]) | 0 : Number(BigInt.asIntN(32, a[n]));
  }
  /** Argument n as an unsigned int. */
  u32(n: number): number {
    const a = this.a;
    return a === undefined ? this.cpu.getRegLo32(this.regs[n]) : Number(BigInt.asUintN(32, a[n]));
  }
  /** Argument n as a signed 64-bit value. */
  i64(n: number): bigint { return BigInt.asIntN(64, this.u64(n)); }
  u64(n: number): bigint {
    const a = this.a;
    return a === undefined ? BigInt.asUintN(64, this.cpu.getReg(this.regs[n])) : a[n];
  }
  /** Argument n as an unsigned number (pointers, sizes); above 2^53 it becomes Infinity, which every range check rejects. */
  num(n: number): number {
    const a = this.a;
    if (a !== undefined) {
      const v = a[n];
      return v > MAX_SAFE ? Infinity : Number(v);
    }
    const cpu = this.cpu, r = this.regs[n];
    const hi = cpu.getRegHi32(r);
    // hi < 2^21: the value is at most 2^53 - 1 (MAX_SAFE_INTEGER)
    return hi < 0x200000 ? hi * 4294967296 + cpu.getRegLo32(r) : Infinity;
  }
  /** Argument n as a signed number (offsets); out of the safe range becomes +-Infinity. */
  snum(n: number): number {
    const a = this.a;
    if (a !== undefined) {
      const v = BigInt.asIntN(64, a[n]);
      return v > MAX_SAFE ? Infinity : v < -MAX_SAFE ? -Infinity : Number(v);
    }
    const cpu = this.cpu, r = this.regs[n];
    const hi = cpu.getRegHi32(r) | 0;
    if (hi >= 0x200000) return Infinity;
    const lo = cpu.getRegLo32(r);
    // below -2^53 + 1 (hi < -2^21, or hi = -2^21 with lo = 0: exactly -2^53)
    if (hi < -0x200000 || (hi === -0x200000 && lo === 0)) return -Infinity;
    return hi * 4294967296 + lo;
  }

  /** A NUL-terminated string argument (paths: at most PATH_MAX bytes, else ENAMETOOLONG). */
  str(n: number, max = 4096): string {
    return dec.decode(this.cstring(this.num(n), max));
  }

  cstring(addr: number, max = 4096): Uint8Array {
    if (!Number.isFinite(addr)) throw new SysError(Errno.EFAULT);
    const b = this.mem.readCString(addr, max);
    if (b === null) throw new SysError(Errno.ENAMETOOLONG);
    return b;
  }

  read(addr: number, len: number): Uint8Array {
    if (!Number.isFinite(addr) || !Number.isFinite(len)) throw new SysError(Errno.EFAULT);
    return this.mem.read(addr, len);
  }

  write(addr: number, data: Uint8Array): void {
    if (!Number.isFinite(addr)) throw new SysError(Errno.EFAULT);
    this.mem.write(addr, data);
  }
}

/** Turns an exception from a handler into an errno, or undefined when it is a kernel bug. */
export function errnoOf(e: unknown): number | undefined {
  if (e instanceof SysError) return e.errno;
  if (e instanceof MemoryFault) return Errno.EFAULT;
  return undefined;
}
