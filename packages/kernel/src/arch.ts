// Arch adapters, chosen at run time (QEMU's cpu_loop + target_*.h): where the syscall number and
// arguments live, the return register, how far to rewind the pc to restart a syscall.
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from '@elfbox/abi';
import { A64_SP, X86, type Arch, type Cpu } from '@elfbox/cpu';

export interface ArchAdapter {
  readonly arch: Arch;
  /** name -> number, generated from the UAPI headers. */
  readonly numbers: Readonly<Record<string, number>>;
  syscallNr(cpu: Cpu): number;
  /** The six raw argument registers as unsigned 64-bit values. */
  syscallArgs(cpu: Cpu): bigint[];
  setReturn(cpu: Cpu, v: bigint): void;
  /** setReturn for an integer |v| < 2^53 (small results, -errno, addresses) without BigInt. */
  setReturnNum(cpu: Cpu, v: number): void;
  /** Register indices (Cpu.getReg) of the syscall number, the six arguments and the result. */
  readonly nrReg: number;
  readonly argRegs: readonly number[];
  readonly retReg: number;
  /** Bytes between the pc after the syscall instruction and the instruction itself. */
  readonly syscallInsnLen: number;
  /** Rewinds the pc so the syscall instruction runs again (restart after a signal). */
  rewindSyscall(cpu: Cpu): void;
  getSp(cpu: Cpu): bigint;
  setSp(cpu: Cpu, v: bigint): void;
}

const X86_ARGS: readonly number[] = Object.freeze([X86.rdi, X86.rsi, X86.rdx, X86.r10, X86.r8, X86.r9]);
const A64_ARGS: readonly number[] = Object.freeze([0, 1, 2, 3, 4, 5]);

export const X86_64_ADAPTER: ArchAdapter = {
  arch: 'x86_64',
  numbers: SYSCALLS_X86_64,
  syscallNr: (cpu) => cpu.getRegLo32(X86.rax),
  syscallArgs: (cpu) => X86_ARGS.map((r) => BigInt.asUintN(64, cpu.getReg(r))),
  setReturn: (cpu, v) => cpu.setReg(X86.rax, BigInt.asUintN(64, v)),
  setReturnNum: (cpu, v) => cpu.setRegNum(X86.rax, v),
  nrReg: X86.rax,
  argRegs: X86_ARGS,
  retReg: X86.rax,
  syscallInsnLen: 2, // 0f 05
  rewindSyscall(cpu) { cpu.setPc(cpu.getPc() - 2); },
  getSp: (cpu) => cpu.getReg(X86.rsp),
  setSp: (cpu, v) => cpu.setReg(X86.rsp, v),
};

export const AARCH64_ADAPTER: ArchAdapter = {
  arch: 'aarch64',
  numbers: SYSCALLS_AARCH64,
  syscallNr: (cpu) => cpu.getRegLo32(8),
  syscallArgs: (cpu) => A64_ARGS.map((r) => BigInt.asUintN(64, cpu.getReg(r))),
  setReturn: (cpu, v) => cpu.setReg(0, BigInt.asUintN(64, v)),
  setReturnNum: (cpu, v) => cpu.setRegNum(0, v),
  nrReg: 8,
  argRegs: A64_ARGS,
  retReg: 0,
  syscallInsnLen: 4, // svc #0
  rewindSyscall(cpu) { cpu.setPc(cpu.getPc() - 4); },
  getSp: (cpu) => cpu.getReg(A64_SP),
  setSp: (cpu, v) => cpu.setReg(A64_SP, v),
};

export function archAdapter(arch: Arch): ArchAdapter {
  return arch === 'x86_64' ? X86_64_ADAPTER : AARCH64_ADAPTER;
}
