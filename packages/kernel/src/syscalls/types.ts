// The shape of the syscall table (convention 2): one definition per syscall name, shared by both
// arches; per-arch tables map numbers to definitions (table.ts).
import { MemoryFault, type AddressSpace, type Cpu } from '@elfbox/cpu';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { MM } from '../mm.js';
import type { Task, ThreadGroup } from '../task.js';

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

/** One syscall invocation as a handler sees it: the task, its process, raw args and decoders. */
export class Call {
  constructor(
    readonly kernel: Kernel,
    readonly task: Task,
    readonly cpu: Cpu,
    readonly nr: number,
    readonly args: bigint[],
  ) {}

  get tg(): ThreadGroup { return this.task.tg; }
  get mm(): MM { return this.task.tg.mm; }
  get mem(): AddressSpace { return this.task.tg.mm.mem; }

  /** Argument n as a C int. */
  i32(n: number): number { return Number(BigInt.asIntN(32, this.args[n])); }
  /** Argument n as an unsigned int. */
  u32(n: number): number { return Number(BigInt.asUintN(32, this.args[n])); }
  /** Argument n as a signed 64-bit value. */
  i64(n: number): bigint { return BigInt.asIntN(64, this.args[n]); }
  u64(n: number): bigint { return this.args[n]; }
  /** Argument n as an unsigned number (pointers, sizes); above 2^53 it becomes Infinity, which every range check rejects. */
  num(n: number): number {
    const v = this.args[n];
    return v > MAX_SAFE ? Infinity : Number(v);
  }
  /** Argument n as a signed number (offsets); out of the safe range becomes +-Infinity. */
  snum(n: number): number {
    const v = BigInt.asIntN(64, this.args[n]);
    return v > MAX_SAFE ? Infinity : v < -MAX_SAFE ? -Infinity : Number(v);
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
