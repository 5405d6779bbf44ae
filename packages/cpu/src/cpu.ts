// The contract between the kernel and every CPU backend (TypeScript x86-64, TypeScript aarch64,
// Unicorn). A CPU never imports the kernel: it calls the SyscallEntry it was handed and returns
// a StopReason from run().
import type { Access, AddressSpace } from './memory.js';

export type Arch = 'x86_64' | 'aarch64';

/** Why run() returned. pc in a fault / illegal / breakpoint is the faulting instruction's address. */
export type StopReason =
  /** The instruction budget ran out at a block boundary; state is consistent. */
  | { kind: 'budget' }
  /** A syscall handler returned false (the task blocked, exited, exec'd, or a signal is due). */
  | { kind: 'yield' }
  /** A memory access the page permissions forbid. mapped=false: SEGV_MAPERR, true: SEGV_ACCERR.
   *  align=true: an alignment fault instead (SIGBUS, BUS_ADRALN), e.g. a misaligned aarch64 exclusive.
   *  gp=true: an x86-64 general-protection fault (hlt, cli, in/out, int n, a misaligned movaps ...):
   *  SIGSEGV with si_code SI_KERNEL and address 0. */
  | { kind: 'fault'; pc: number; addr: number; access: Access; mapped: boolean; align?: boolean; gp?: boolean }
  /** An encoding the CPU does not implement or that is undefined (SIGILL). */
  | { kind: 'illegal'; pc: number; detail?: string }
  /** int3 / brk (SIGTRAP). pc: the instruction after int3 on x86-64 (as Linux reports), brk's own on aarch64. */
  | { kind: 'breakpoint'; pc: number }
  /** Integer divide error (#DE on x86-64: SIGFPE, FPE_INTDIV). */
  | { kind: 'divide'; pc: number };

/**
 * What the CPU calls on `syscall` / `svc`. When the CPU reaches a syscall instruction it commits
 * its registers (pc already past the instruction), then calls syscall(cpu). The handler reads and
 * writes registers through the Cpu. Returning true continues execution; false makes run() return
 * { kind: 'yield' } immediately.
 *
 * handlerFor(nr) lets a translator bind a syscall site whose number is a constant in the block
 * straight to that syscall's handler (the HermiTux rewrite). It may return undefined.
 */
export interface SyscallEntry {
  syscall(cpu: Cpu): boolean;
  handlerFor?(nr: number): ((cpu: Cpu) => boolean) | undefined;
}

/** x86-64 architectural state. fx is the 512-byte FXSAVE image (x87, MXCSR, XMM0-15). */
export interface X86State {
  arch: 'x86_64';
  /** rax rcx rdx rbx rsp rbp rsi rdi r8..r15, in encoding order. */
  gpr: bigint[];
  rip: bigint;
  /** The architectural RFLAGS value (lazy flags materialised). */
  rflags: bigint;
  fsBase: bigint;
  gsBase: bigint;
  fx: Uint8Array;
}

/** aarch64 architectural state. v holds V0-V31, 16 bytes each, little-endian. */
export interface A64State {
  arch: 'aarch64';
  /** X0..X30. */
  x: bigint[];
  sp: bigint;
  pc: bigint;
  /** NZCV in bits 31..28, as the NZCV system register reads. */
  nzcv: number;
  tpidr: bigint;
  v: Uint8Array;
  fpcr: number;
  fpsr: number;
}

export type CpuState = X86State | A64State;

/** Register indices used by getReg/setReg. */
export const X86 = {
  rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7,
  r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
} as const;
/** aarch64: 0-30 are X0-X30, 31 is SP (never XZR through this interface). */
export const A64_SP = 31;

/**
 * One CPU executes for one address space. Threads of a process share it: the kernel switches
 * between them with getState/setState, so a backend keeps its translation cache (or its engine
 * instance) per address space.
 */
export interface Cpu {
  readonly arch: Arch;
  readonly mem: AddressSpace;
  /** Runs until about `budget` guest instructions have executed (checked at block boundaries) or a stop. */
  run(budget: number): StopReason;
  getReg(i: number): bigint;
  setReg(i: number, v: bigint): void;
  /**
   * Number accessors for the syscall path (no BigInt): register i's low / high 32 bits as
   * unsigned numbers (0 .. 2^32-1), and a write of an integer v with |v| < 2^53 stored as its
   * 64-bit two's complement (setRegNum(i, -1) is 0xffffffffffffffff). Same indices as getReg.
   */
  getRegLo32(i: number): number;
  getRegHi32(i: number): number;
  setRegNum(i: number, v: number): void;
  getPc(): number;
  setPc(pc: number): void;
  /** FS base on x86-64, TPIDR_EL0 on aarch64. */
  getTls(): bigint;
  setTls(v: bigint): void;
  getState(): CpuState;
  setState(s: CpuState): void;
  /** Drops translations overlapping [addr, addr+len). */
  invalidate(addr: number, len: number): void;
  /** Guest instructions retired so far, where the backend counts them (else undefined). */
  readonly instructions?: number;
  /**
   * What rdtsc (x86-64) / CNTVCT_EL0 (aarch64) would read now, where the backend can tell (the
   * kernel anchors its vDSO clock to it); undefined otherwise.
   */
  counter?(): bigint;
  /** The counter's frequency in Hz; it follows real time (aarch64: CNTFRQ_EL0, x86-64: the TSC's 3 GHz). Without it the vDSO makes system calls. */
  readonly counterHz?: number;
  /** Releases native resources (Unicorn). */
  destroy(): void;
}

/** A backend: builds a Cpu for an address space. */
export interface CpuBackend {
  readonly name: string;
  readonly arches: readonly Arch[];
  create(arch: Arch, mem: AddressSpace, entry: SyscallEntry): Cpu;
  /** CPUID leaves (x86-64) or HWCAP/HWCAP2 (aarch64) the loader advertises in auxv. */
  hwcap(arch: Arch): { hwcap: bigint; hwcap2: bigint; platform: string };
}

/** An empty state for an arch: all registers zero, FPU at its reset defaults. */
export function initialState(arch: Arch): CpuState {
  if (arch === 'x86_64') {
    const fx = new Uint8Array(512);
    const dv = new DataView(fx.buffer);
    dv.setUint16(0, 0x037f, true); // FCW: all exceptions masked, 64-bit precision, round to nearest
    dv.setUint32(24, 0x1f80, true); // MXCSR
    dv.setUint32(28, 0xffff, true); // MXCSR_MASK
    return { arch, gpr: new Array<bigint>(16).fill(0n), rip: 0n, rflags: 0x202n, fsBase: 0n, gsBase: 0n, fx };
  }
  return { arch, x: new Array<bigint>(31).fill(0n), sp: 0n, pc: 0n, nzcv: 0, tpidr: 0n, v: new Uint8Array(512), fpcr: 0, fpsr: 0 };
}

export function cloneState(s: CpuState): CpuState {
  if (s.arch === 'x86_64') return { ...s, gpr: s.gpr.slice(), fx: s.fx.slice() };
  return { ...s, x: s.x.slice(), v: s.v.slice() };
}
